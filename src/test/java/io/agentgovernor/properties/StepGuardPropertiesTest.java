package io.agentgovernor.properties;

import static org.assertj.core.api.Assertions.assertThat;

import io.agentgovernor.analytics.recommend.StepGuard;
import io.agentgovernor.quota.Limit;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Label;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.DoubleRange;

/** {@link StepGuard}: one automatic step never moves soft, hard or burst by more than the max fraction. */
class StepGuardPropertiesTest {

  @Property(tries = 500)
  @Label("each amount moves by at most maxChange of its current value, and the order soft <= hard <= burst holds")
  void boundedStep(@ForAll("limits") Limit current, @ForAll("limits") Limit suggested,
                   @ForAll @DoubleRange(min = 0.01, max = 2.0) double maxChange) {
    Limit next = StepGuard.step(current, suggested, maxChange);
    assertThat(next.soft()).isLessThanOrEqualTo(next.hard());
    assertThat(next.hard()).isLessThanOrEqualTo(next.burst());
    within(current.soft(), next.soft(), suggested.soft(), maxChange);
    within(current.hard(), next.hard(), suggested.hard(), maxChange);
    within(current.burst(), next.burst(), suggested.burst(), maxChange);
  }

  private static void within(double current, double next, double suggested, double maxChange) {
    if (current > 0) {
      assertThat(Math.abs(next - current)).as("from " + current + " towards " + suggested + " got " + next)
          .isLessThanOrEqualTo(maxChange * current * (1 + 1e-12) + 1e-9);
    }
  }

  @Provide
  Arbitrary<Limit> limits() {
    Arbitrary<Double> amount = Arbitraries.oneOf(Arbitraries.doubles().between(0, 1000), Arbitraries.doubles().between(0, 1e12),
        Arbitraries.of(0.0, 1.0));
    return Combinators.combine(amount, amount, amount, Arbitraries.longs().between(0, 60_000)).as((a, b, c, w) -> {
      double[] s = java.util.stream.DoubleStream.of(a, b, c).sorted().toArray();
      return Limit.of(s[0], s[1], s[2], w);
    });
  }
}
