package io.agentgovernor.properties;

import static org.assertj.core.api.Assertions.assertThat;

import io.agentgovernor.enforcement.policy.ThrottleConfig;
import io.agentgovernor.enforcement.policy.ThrottleController;
import io.agentgovernor.enforcement.policy.ThrottleStep;
import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Label;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.Size;

/** {@link ThrottleController}: the factor stays in [minFactor, 1] and settles for a constant demand. */
class ThrottlePropertiesTest {

  private static final ThrottleConfig CONFIG = ThrottleConfig.ofDefaults();

  @Property(tries = 300)
  @Label("for any observations the factor stays within [minFactor, 1]")
  void factorBounded(@ForAll @DoubleRange(min = 0, max = 1e9) double first, @ForAll @DoubleRange(min = 1, max = 1e6) double hard,
                     @ForAll @Size(max = 80) List<@DoubleRange(min = 0, max = 1e9) Double> observed) {
    ThrottleController c = ThrottleController.start(CONFIG, first, hard);
    assertThat(c.factor()).isBetween(CONFIG.minFactor(), 1.0);
    for (double o : observed) {
      ThrottleStep step = c.update(o, hard);
      assertThat(step.factor()).isBetween(CONFIG.minFactor(), 1.0).isEqualTo(c.factor());
    }
  }

  @Property(tries = 200)
  @Label("a constant demand settles at the target (or at a bound the target lies beyond)")
  void convergesForConstantDemand(@ForAll @DoubleRange(min = 1, max = 1e6) double hard,
                                  @ForAll @DoubleRange(min = 0.01, max = 1000) double demandOverHard) {
    double demand = demandOverHard * hard;
    double target = CONFIG.targetFraction() * hard;
    ThrottleController c = ThrottleController.start(CONFIG, demand, hard);
    double previous = Double.NaN;
    for (int i = 0; i < 200; i++) {
      previous = c.factor();
      c.update(demand * c.factor(), hard);
    }
    double ideal = Math.max(CONFIG.minFactor(), Math.min(1.0, target / demand));
    if (c.state() == ThrottleStep.State.LIFTED) {
      assertThat(demand).as("lifted only when the agent fits unthrottled").isLessThanOrEqualTo(CONFIG.liftFraction() * hard);
    } else {
      assertThat(c.factor()).isCloseTo(ideal, org.assertj.core.data.Percentage.withPercentage(1));
      assertThat(Math.abs(c.factor() - previous)).as("settled").isLessThan(1e-3 * ideal + 1e-9);
    }
  }
}
