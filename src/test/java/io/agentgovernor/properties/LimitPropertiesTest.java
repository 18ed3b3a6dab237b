package io.agentgovernor.properties;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.agentgovernor.bus.ErrorCode;
import io.agentgovernor.bus.GovernorException;
import io.agentgovernor.quota.Limit;
import io.agentgovernor.quota.ViolationKind;
import io.vertx.core.json.JsonObject;
import net.jqwik.api.Assume;
import net.jqwik.api.ForAll;
import net.jqwik.api.Label;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.LongRange;

/** {@link Limit}: the order soft ≤ hard ≤ burst is the whole validity rule, and JSON round-trips. */
class LimitPropertiesTest {

  @Property(tries = 300)
  @Label("any 0 <= soft <= hard <= burst <= 1e18 is accepted, survives JSON, and classifies consistently")
  void orderedAmountsAccepted(@ForAll @DoubleRange(min = 0, max = 1e18) double a, @ForAll @DoubleRange(min = 0, max = 1e18) double b,
                              @ForAll @DoubleRange(min = 0, max = 1e18) double c,
                              @ForAll @LongRange(min = 0, max = 86_400_000L) long window,
                              @ForAll @DoubleRange(min = 0, max = 2e18) double current) {
    double[] sorted = java.util.stream.DoubleStream.of(a, b, c).sorted().toArray();
    Limit limit = Limit.of(sorted[0], sorted[1], sorted[2], window);
    assertThat(Limit.fromJson(limit.toJson(), "limits.cpu")).isEqualTo(limit);
    ViolationKind kind = limit.classify(current);
    if (current <= limit.soft()) {
      assertThat(kind).isNull();
    } else if (current <= limit.hard()) {
      assertThat(kind).isEqualTo(ViolationKind.SOFT);
    } else {
      assertThat(kind).isIn(ViolationKind.HARD, ViolationKind.BURST);
      assertThat(kind == ViolationKind.BURST).isEqualTo(current > limit.burst() && limit.burst() > limit.hard());
    }
  }

  @Property(tries = 300)
  @Label("any breach of soft <= hard <= burst is refused with INVALID_LIMIT, from JSON and from the constructor")
  void disorderRefused(@ForAll @DoubleRange(min = 0, max = 1e18) double soft, @ForAll @DoubleRange(min = 0, max = 1e18) double hard,
                       @ForAll @DoubleRange(min = 0, max = 1e18) double burst) {
    Assume.that(soft > hard || hard > burst);
    JsonObject json = new JsonObject().put("soft", soft).put("hard", hard).put("burst", burst);
    GovernorException e = catchThrowableOfType(GovernorException.class, () -> Limit.fromJson(json, "limits.cpu"));
    assertThat(e).isNotNull();
    assertThat(e.code()).isEqualTo(ErrorCode.INVALID_LIMIT);
    assertThat(e.getMessage()).startsWith("limits.cpu");
    GovernorException direct = catchThrowableOfType(GovernorException.class, () -> Limit.of(soft, hard, burst, 0));
    assertThat(direct.code()).isEqualTo(ErrorCode.INVALID_LIMIT);
  }

  @Property(tries = 200)
  @Label("negative, non-finite and over-large amounts are refused with INVALID_LIMIT")
  void outOfRangeRefused(@ForAll("badAmounts") double bad, @ForAll @DoubleRange(min = 0, max = 100) double ok) {
    for (JsonObject json : new JsonObject[] {
        new JsonObject().put("soft", bad).put("hard", ok + 1e18), new JsonObject().put("soft", 0).put("hard", bad)}) {
      GovernorException e = catchThrowableOfType(GovernorException.class, () -> Limit.fromJson(json, "l"));
      assertThat(e).as(json.encode()).isNotNull();
      assertThat(e.code()).isEqualTo(ErrorCode.INVALID_LIMIT);
    }
  }

  @net.jqwik.api.Provide
  net.jqwik.api.Arbitrary<Double> badAmounts() {
    return net.jqwik.api.Arbitraries.oneOf(
        net.jqwik.api.Arbitraries.doubles().between(-1e308, -0.01),
        net.jqwik.api.Arbitraries.doubles().between(1.0000001e18, 1e308),
        net.jqwik.api.Arbitraries.of(Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY));
  }
}
