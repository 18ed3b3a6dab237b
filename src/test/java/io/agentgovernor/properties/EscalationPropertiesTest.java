package io.agentgovernor.properties;

import static org.assertj.core.api.Assertions.assertThat;

import io.agentgovernor.enforcement.policy.Decision;
import io.agentgovernor.enforcement.policy.EscalationPhase;
import io.agentgovernor.enforcement.policy.EscalationPolicy;
import io.agentgovernor.enforcement.policy.EscalationState;
import io.agentgovernor.enforcement.policy.Measurement;
import io.agentgovernor.quota.ActionType;
import io.agentgovernor.quota.LadderStep;
import io.agentgovernor.quota.Limit;
import io.agentgovernor.quota.Resource;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Label;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * {@link EscalationPolicy} over any sequence of measurements: ladder steps fire in ladder order,
 * each at most once per episode, never before its delay has been spent <em>in violation</em>
 * (an external model of the ladder clock that pauses while usage is back under hard); no CANCEL
 * follows a LIFT in the same episode; nothing at all follows a terminate.
 */
class EscalationPropertiesTest {

  private static final List<LadderStep> LADDER = List.of(LadderStep.of(ActionType.WARN, 0),
      LadderStep.of(ActionType.THROTTLE, 3_000), LadderStep.of(ActionType.SUSPEND, 9_000),
      LadderStep.of(ActionType.TERMINATE, 30_000));

  record Sample(long dtMs, double current) { }

  @Property(tries = 300)
  @Label("steps in order, once per episode, after their delay in violation; no CANCEL after a LIFT; nothing after terminate")
  void ladderInvariants(@ForAll("samples") List<Sample> samples, @ForAll("limits") Limit limit) {
    EscalationPolicy policy = EscalationPolicy.ofDefaults();
    EscalationState state = new EscalationState("a", Resource.CPU);
    long now = 1_000_000;
    int nextStep = 0;
    boolean lifted = false;
    boolean terminated = false;
    long elapsed = 0;             // the model's ladder clock: time spent escalating in this episode
    EscalationPhase before = state.phase();
    for (Sample s : samples) {
      long previous = now;
      now += s.dtMs();
      if (before == EscalationPhase.ESCALATING) {
        elapsed += now - previous; // the clock ran since the last sample, which left us escalating
      }
      List<Decision> decisions = policy.evaluate(state, Measurement.of(now, s.current(), limit).withLadder(LADDER));
      if (terminated) {
        assertThat(decisions).as("decisions after terminate").isEmpty();
      }
      for (Decision d : decisions) {
        if (d.kind() == Decision.Kind.APPLY && d.stepIndex() >= 0) {
          assertThat(d.stepIndex()).as("ladder order, each step once per episode").isEqualTo(nextStep);
          assertThat(elapsed).as("step " + d.stepIndex() + " fired before its delay in violation")
              .isGreaterThanOrEqualTo(LADDER.get(d.stepIndex()).afterMs());
          assertThat(d.action()).isEqualTo(LADDER.get(d.stepIndex()).action());
          nextStep++;
          terminated |= d.action() == ActionType.TERMINATE;
        }
        if (d.kind() == Decision.Kind.LIFT) {
          lifted = true;
        }
        if (d.kind() == Decision.Kind.CANCEL) {
          assertThat(lifted).as("a CANCEL after a LIFT of the same episode").isFalse();
          assertThat(d.stepIndex()).isGreaterThanOrEqualTo(nextStep);
        }
      }
      if (state.phase() == EscalationPhase.COMPLIANT) {
        nextStep = 0; // the episode is over: a new one starts its ladder afresh
        lifted = false;
        elapsed = 0;
      }
      if (before != EscalationPhase.ESCALATING && state.phase() == EscalationPhase.ESCALATING && nextStep == 0) {
        elapsed = 0;
      }
      before = state.phase();
    }
  }

  @Provide
  Arbitrary<List<Sample>> samples() {
    Arbitrary<Sample> sample = Combinators.combine(Arbitraries.longs().between(0, 6_000),
        Arbitraries.frequencyOf(
            net.jqwik.api.Tuple.of(3, Arbitraries.doubles().between(0, 50)),
            net.jqwik.api.Tuple.of(3, Arbitraries.doubles().between(50, 200)),
            net.jqwik.api.Tuple.of(1, Arbitraries.of(0.0, 40.0, 60.0, 100.0, 150.0))))
        .as(Sample::new);
    return sample.list().ofMinSize(1).ofMaxSize(120);
  }

  @Provide
  Arbitrary<Limit> limits() {
    return Arbitraries.of(Limit.of(40, 60), Limit.of(40, 60, 120, 5_000), Limit.of(0, 0), Limit.of(60, 60, 60, 2_000));
  }
}
