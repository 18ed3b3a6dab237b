package io.agentgovernor.enforcement.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.agentgovernor.bus.GovernorException;
import io.agentgovernor.quota.ActionType;
import io.agentgovernor.quota.LadderStep;
import io.agentgovernor.quota.Limit;
import io.agentgovernor.quota.Resource;
import io.agentgovernor.quota.ViolationKind;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class EscalationPolicyTest {

  private static final Limit PLAIN = Limit.of(15, 20);
  private static final Limit BURSTY = Limit.of(15, 20, 40, 5_000);

  private final EscalationPolicy policy = EscalationPolicy.ofDefaults();
  private final EscalationState state = new EscalationState("a1", Resource.CPU);

  private List<Decision> feed(long nowMs, double current, Limit limit) {
    return policy.evaluate(state, Measurement.of(nowMs, current, limit));
  }

  /** Feeds a sample every second from {@code fromMs} to {@code toMs} inclusive and collects the decisions. */
  private List<Decision> feedEverySecond(long fromMs, long toMs, double current, Limit limit) {
    List<Decision> all = new ArrayList<>();
    for (long t = fromMs; t <= toMs; t += 1_000) {
      all.addAll(feed(t, current, limit));
    }
    return all;
  }

  private static List<ActionType> actions(List<Decision> decisions, Decision.Kind kind) {
    return decisions.stream().filter(d -> d.kind() == kind).map(Decision::action).toList();
  }

  @Test
  @DisplayName("usage within soft decides nothing")
  void compliantDecidesNothing() {
    assertThat(feedEverySecond(0, 60_000, 10, PLAIN)).isEmpty();
    assertThat(state.phase()).isEqualTo(EscalationPhase.COMPLIANT);
  }

  @Test
  @DisplayName("above soft only: one warning, then at most one per warn interval, never an action")
  void softOnlyWarnsRateLimited() {
    List<Decision> first = feed(0, 16, PLAIN);
    assertThat(first).singleElement().satisfies(d -> {
      assertThat(d.kind()).isEqualTo(Decision.Kind.APPLY);
      assertThat(d.action()).isEqualTo(ActionType.WARN);
      assertThat(d.violation()).isEqualTo(ViolationKind.SOFT);
      assertThat(d.limit()).isEqualTo(15.0);
      assertThat(d.stepIndex()).isEqualTo(-1);
    });
    assertThat(feedEverySecond(1_000, 59_000, 16, PLAIN)).isEmpty();
    assertThat(feed(60_000, 16, PLAIN)).extracting(Decision::action).containsExactly(ActionType.WARN);
    assertThat(feedEverySecond(61_000, 119_000, 19.9, PLAIN)).isEmpty();
    assertThat(state.phase()).isEqualTo(EscalationPhase.COMPLIANT);
  }

  @Test
  @DisplayName("the warn interval is configurable")
  void warnIntervalConfigurable() {
    EscalationPolicy fast = new EscalationPolicy(EscalationConfig.custom().warnIntervalMs(5_000).build());
    List<Decision> all = new ArrayList<>();
    for (long t = 0; t <= 20_000; t += 1_000) {
      all.addAll(fast.evaluate(state, Measurement.of(t, 16, PLAIN)));
    }
    assertThat(all).extracting(Decision::atMs).containsExactly(0L, 5_000L, 10_000L, 15_000L, 20_000L);
  }

  @Test
  @DisplayName("above hard without a burst allowance: the default ladder starts with warn at once")
  void hardStartsLadderAtOnce() {
    List<Decision> d = feed(0, 25, PLAIN);
    assertThat(d).singleElement().satisfies(x -> {
      assertThat(x.action()).isEqualTo(ActionType.WARN);
      assertThat(x.stepIndex()).isZero();
      assertThat(x.violation()).isEqualTo(ViolationKind.HARD);
      assertThat(x.limit()).isEqualTo(20.0);
    });
    assertThat(state.phase()).isEqualTo(EscalationPhase.ESCALATING);
  }

  @Test
  @DisplayName("full escalation: warn 0, throttle 30 s, suspend 5 min, terminate 10 min, each once")
  void fullEscalation() {
    List<Decision> all = feedEverySecond(0, 700_000, 30, PLAIN);
    assertThat(all).extracting(Decision::action)
        .containsExactly(ActionType.WARN, ActionType.THROTTLE, ActionType.SUSPEND, ActionType.TERMINATE);
    assertThat(all).extracting(Decision::atMs).containsExactly(0L, 30_000L, 300_000L, 600_000L);
    assertThat(all).extracting(Decision::stepIndex).containsExactly(0, 1, 2, 3);
    assertThat(state.phase()).isEqualTo(EscalationPhase.TERMINATED);
    assertThat(feed(701_000, 0, PLAIN)).as("a terminated agent gets no more decisions").isEmpty();
  }

  @Test
  @DisplayName("a step whose delay elapsed between two samples fires on the next violating sample")
  void stepFiresOnNextSample() {
    feed(0, 30, PLAIN);
    assertThat(feed(29_999, 30, PLAIN)).isEmpty();
    assertThat(feed(45_000, 30, PLAIN)).extracting(Decision::action).containsExactly(ActionType.THROTTLE);
  }

  @Test
  @DisplayName("a late sample fires every step that has come due, in ladder order")
  void lateSampleFiresAllDue() {
    feed(0, 30, PLAIN);
    assertThat(feed(310_000, 30, PLAIN)).extracting(Decision::action)
        .containsExactly(ActionType.THROTTLE, ActionType.SUSPEND);
  }

  @Test
  @DisplayName("burst: above hard within burst is tolerated for the window, recorded once, then the ladder starts")
  void burstToleratedThenLadder() {
    List<Decision> first = feed(0, 30, BURSTY);
    assertThat(first).singleElement().satisfies(d -> {
      assertThat(d.kind()).isEqualTo(Decision.Kind.TOLERATE);
      assertThat(d.action()).isNull();
      assertThat(d.violation()).isEqualTo(ViolationKind.HARD);
    });
    assertThat(state.phase()).isEqualTo(EscalationPhase.TOLERATING);
    assertThat(feedEverySecond(1_000, 4_000, 30, BURSTY)).isEmpty();
    List<Decision> atWindow = feed(5_000, 30, BURSTY);
    assertThat(atWindow).extracting(Decision::action).containsExactly(ActionType.WARN);
    assertThat(atWindow.get(0).reason()).contains("beyond the burst window");
    assertThat(feed(34_999, 30, BURSTY)).isEmpty();
    assertThat(feed(35_000, 30, BURSTY)).extracting(Decision::action).containsExactly(ActionType.THROTTLE);
  }

  @Test
  @DisplayName("burst: above the burst limit acts at once, without tolerance")
  void aboveBurstActsAtOnce() {
    List<Decision> d = feed(0, 41, BURSTY);
    assertThat(d).extracting(Decision::kind, Decision::action, Decision::violation)
        .containsExactly(org.assertj.core.groups.Tuple.tuple(Decision.Kind.APPLY, ActionType.WARN, ViolationKind.BURST));
    assertThat(d.get(0).limit()).isEqualTo(40.0);
  }

  @Test
  @DisplayName("burst: jumping above burst during the tolerance starts the ladder at once")
  void aboveBurstDuringTolerance() {
    feed(0, 30, BURSTY);
    assertThat(feed(1_000, 45, BURSTY)).extracting(Decision::action).containsExactly(ActionType.WARN);
    assertThat(state.phase()).isEqualTo(EscalationPhase.ESCALATING);
  }

  @Test
  @DisplayName("burst: falling back under hard within the window ends the tolerance with no action")
  void burstEndsWithinWindow() {
    feed(0, 30, BURSTY);
    assertThat(feed(3_000, 10, BURSTY)).isEmpty();
    assertThat(state.phase()).isEqualTo(EscalationPhase.COMPLIANT);
    assertThat(feed(4_000, 30, BURSTY)).extracting(Decision::kind).containsExactly(Decision.Kind.TOLERATE);
  }

  @Test
  @DisplayName("recovery under hard cancels every pending step and reports them")
  void recoveryCancelsPending() {
    feedEverySecond(0, 40_000, 30, PLAIN);
    List<Decision> d = feed(41_000, 19, PLAIN);
    assertThat(d).allMatch(x -> x.kind() == Decision.Kind.CANCEL);
    assertThat(d).extracting(Decision::action).containsExactly(ActionType.SUSPEND, ActionType.TERMINATE);
    assertThat(d).extracting(Decision::stepIndex).containsExactly(2, 3);
    assertThat(state.phase()).isEqualTo(EscalationPhase.RECOVERING);
    assertThat(feedEverySecond(42_000, 400_000, 19, PLAIN))
        .as("between the band and hard: no step runs and nothing is lifted").isEmpty();
  }

  @Test
  @DisplayName("hysteresis: the throttle is lifted only after usage stays under 0.9 of hard for 10 s")
  void hysteresisLiftsThrottle() {
    feedEverySecond(0, 31_000, 30, PLAIN);
    feed(32_000, 10, PLAIN);
    assertThat(feedEverySecond(33_000, 41_000, 10, PLAIN)).isEmpty();
    List<Decision> lift = feed(42_000, 10, PLAIN);
    assertThat(lift).extracting(Decision::kind, Decision::action)
        .containsExactly(org.assertj.core.groups.Tuple.tuple(Decision.Kind.LIFT, ActionType.THROTTLE));
    assertThat(state.phase()).isEqualTo(EscalationPhase.COMPLIANT);
    assertThat(state.liftable()).isEmpty();
  }

  @Test
  @DisplayName("hysteresis: usage back in the band (0.9..1.0 of hard) restarts the hold, so nothing flaps")
  void hysteresisHoldRestarts() {
    feedEverySecond(0, 31_000, 30, PLAIN);
    feed(32_000, 10, PLAIN);
    feedEverySecond(33_000, 40_000, 10, PLAIN);
    assertThat(feed(41_000, 18.5, PLAIN)).isEmpty();
    assertThat(feedEverySecond(42_000, 51_000, 10, PLAIN)).isEmpty();
    assertThat(feed(52_000, 10, PLAIN)).extracting(Decision::kind).containsExactly(Decision.Kind.LIFT);
  }

  @Test
  @DisplayName("a suspended agent is resumed before it is unthrottled")
  void liftsSuspendThenThrottle() {
    feedEverySecond(0, 300_000, 30, PLAIN);
    feed(301_000, 0, PLAIN);
    List<Decision> lift = feed(311_000, 0, PLAIN);
    assertThat(lift).extracting(Decision::action).containsExactly(ActionType.SUSPEND, ActionType.THROTTLE);
  }

  @Test
  @DisplayName("the hysteresis fraction and hold come from the measurement when given")
  void hysteresisPerMeasurement() {
    Hysteresis strict = new Hysteresis(0.5, 2_000);
    for (long t = 0; t <= 31_000; t += 1_000) {
      policy.evaluate(state, Measurement.of(t, 30, PLAIN).withHysteresis(strict));
    }
    assertThat(policy.evaluate(state, Measurement.of(32_000, 12, PLAIN).withHysteresis(strict))).isNotEmpty()
        .allMatch(d -> d.kind() == Decision.Kind.CANCEL);
    assertThat(policy.evaluate(state, Measurement.of(40_000, 12, PLAIN).withHysteresis(strict)))
        .as("12 is under 0.9 of hard but not under 0.5").isEmpty();
    policy.evaluate(state, Measurement.of(41_000, 9, PLAIN).withHysteresis(strict));
    assertThat(policy.evaluate(state, Measurement.of(43_000, 9, PLAIN).withHysteresis(strict)))
        .extracting(Decision::kind).containsExactly(Decision.Kind.LIFT);
  }

  @Test
  @DisplayName("a re-violation during the hold re-applies nothing and resumes the ladder clock where it paused")
  void reviolationDuringHold() {
    feedEverySecond(0, 60_000, 30, PLAIN);
    feed(61_000, 10, PLAIN);
    List<Decision> back = feedEverySecond(65_000, 303_000, 30, PLAIN);
    assertThat(back).as("warn and throttle are not repeated").isEmpty();
    // 61 s of violation before the pause; suspend (300 s) is due after 239 s more, from 65 s: at 304 s.
    assertThat(feed(304_000, 30, PLAIN)).extracting(Decision::action, Decision::stepIndex)
        .containsExactly(org.assertj.core.groups.Tuple.tuple(ActionType.SUSPEND, 2));
  }

  @Test
  @DisplayName("after a full recovery a new violation starts a new episode from the first step")
  void newEpisodeAfterRecovery() {
    feedEverySecond(0, 31_000, 30, PLAIN);
    feedEverySecond(32_000, 45_000, 5, PLAIN);
    assertThat(state.phase()).isEqualTo(EscalationPhase.COMPLIANT);
    assertThat(feed(50_000, 30, PLAIN)).extracting(Decision::action, Decision::stepIndex)
        .containsExactly(org.assertj.core.groups.Tuple.tuple(ActionType.WARN, 0));
  }

  @Test
  @DisplayName("a recovery that applied nothing liftable still waits the hold before the episode ends")
  void recoveryWithoutLiftable() {
    feed(0, 30, PLAIN);
    feed(1_000, 5, PLAIN);
    assertThat(feed(11_000, 5, PLAIN)).isEmpty();
    assertThat(state.phase()).isEqualTo(EscalationPhase.COMPLIANT);
  }

  @Test
  @DisplayName("dry-run: every decision is marked dry-run and the state advances as if applied")
  void dryRunMarksDecisions() {
    List<Decision> all = new ArrayList<>();
    for (long t = 0; t <= 31_000; t += 1_000) {
      all.addAll(policy.evaluate(state, Measurement.of(t, 30, PLAIN).withDryRun(true)));
    }
    all.addAll(policy.evaluate(state, Measurement.of(32_000, 5, PLAIN).withDryRun(true)));
    all.addAll(policy.evaluate(state, Measurement.of(42_000, 5, PLAIN).withDryRun(true)));
    assertThat(all).isNotEmpty().allMatch(Decision::dryRun);
    assertThat(all).extracting(Decision::kind).containsExactly(Decision.Kind.APPLY, Decision.Kind.APPLY,
        Decision.Kind.CANCEL, Decision.Kind.CANCEL, Decision.Kind.LIFT);
  }

  @Test
  @DisplayName("the ladder comes from the measurement, else the limit, else the default; captured per episode")
  void ladderSelection() {
    Limit own = PLAIN.withLadder(List.of(LadderStep.of(ActionType.SCALE_DOWN, 0)));
    assertThat(feed(0, 30, own)).extracting(Decision::action).containsExactly(ActionType.SCALE_DOWN);
    EscalationState other = new EscalationState("a2", Resource.MEMORY);
    List<LadderStep> override = List.of(LadderStep.of(ActionType.MIGRATE, 0), LadderStep.of(ActionType.SUSPEND, 1_000));
    assertThat(policy.evaluate(other, Measurement.of(0, 30, own).withLadder(override)))
        .extracting(Decision::action).containsExactly(ActionType.MIGRATE);
    assertThat(policy.evaluate(other, Measurement.of(1_000, 30, PLAIN)))
        .as("the episode keeps the ladder it started with").extracting(Decision::action)
        .containsExactly(ActionType.SUSPEND);
  }

  @Test
  @DisplayName("scale-down missed: escalateNext fires the next step at once")
  void escalateNextOnMissedScaleDown() {
    Limit limit = PLAIN.withLadder(List.of(LadderStep.of(ActionType.SCALE_DOWN, 0),
        LadderStep.of(ActionType.SUSPEND, 600_000)));
    feed(0, 30, limit);
    ScaleDownRequest request = ScaleDownRequest.of("a1", Resource.CPU, 20, 0, 60_000);
    assertThat(request.evaluate(60_000, 25)).isEqualTo(ScaleDownRequest.Outcome.MISSED);
    List<Decision> next = policy.escalateNext(state, Measurement.of(60_000, 25, limit), "scale_down missed");
    assertThat(next).extracting(Decision::action, Decision::reason)
        .containsExactly(org.assertj.core.groups.Tuple.tuple(ActionType.SUSPEND, "scale_down missed"));
    assertThat(policy.escalateNext(state, Measurement.of(61_000, 25, limit), "again")).isEmpty();
  }

  @Test
  @DisplayName("escalateNext outside an escalation decides nothing")
  void escalateNextWhenCompliant() {
    assertThat(policy.escalateNext(state, Measurement.of(0, 5, PLAIN), "x")).isEmpty();
  }

  @Test
  @DisplayName("decisions carry a strictly increasing sequence shared by the agent's resources")
  void sequenceSharedPerAgent() {
    DecisionSequence seq = new DecisionSequence();
    EscalationState cpu = new EscalationState("a1", Resource.CPU, seq);
    EscalationState mem = new EscalationState("a1", Resource.MEMORY, seq);
    List<Decision> all = new ArrayList<>();
    for (long t = 0; t <= 40_000; t += 1_000) {
      all.addAll(policy.evaluate(cpu, Measurement.of(t, 30, PLAIN)));
      all.addAll(policy.evaluate(mem, Measurement.of(t, 30, PLAIN)));
    }
    assertThat(all).extracting(Decision::sequence).isSorted().doesNotHaveDuplicates();
    assertThat(seq.last()).isEqualTo(all.get(all.size() - 1).sequence());
    Decision older = all.get(0);
    Decision newer = all.get(all.size() - 1);
    assertThat(DecisionSequence.isSuperseded(older, newer.sequence())).isTrue();
    assertThat(DecisionSequence.isSuperseded(newer, older.sequence())).isFalse();
  }

  @Test
  @DisplayName("a decision serialises with its inputs and outcome fields")
  void decisionToJson() {
    Decision d = feed(0, 25, PLAIN).get(0);
    assertThat(d.toJson().getString("action")).isEqualTo("warn");
    assertThat(d.toJson().getString("kind")).isEqualTo("apply");
    assertThat(d.toJson().getString("violation")).isEqualTo("hard");
    assertThat(d.toJson().getString("resource")).isEqualTo("cpu");
    assertThat(d.toJson().getDouble("current")).isEqualTo(25.0);
    assertThat(d.toJson().getBoolean("dryRun")).isFalse();
  }

  @Test
  @DisplayName("phases declare their transitions; an illegal move is refused")
  void phaseTransitions() {
    assertThat(EscalationPhase.COMPLIANT.canMoveTo(EscalationPhase.RECOVERING)).isFalse();
    assertThat(EscalationPhase.TERMINATED.next()).isEmpty();
    assertThat(EscalationPhase.RECOVERING.next())
        .containsExactlyInAnyOrder(EscalationPhase.COMPLIANT, EscalationPhase.ESCALATING);
    assertThatThrownBy(() -> state.moveTo(EscalationPhase.TERMINATED)).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("COMPLIANT to TERMINATED");
  }

  @Test
  @DisplayName("bad config and input are refused with clear messages")
  void invalidConfig() {
    assertThatThrownBy(() -> EscalationConfig.custom().warnIntervalMs(-1).build())
        .isInstanceOf(GovernorException.class).hasMessageContaining("warnIntervalMs must be >= 0");
    assertThatThrownBy(() -> EscalationConfig.custom().hysteresis(1.5, 10).build())
        .hasMessageContaining("hysteresis fraction must be in (0, 1]");
    assertThatThrownBy(() -> new Hysteresis(0.9, -1)).hasMessageContaining("holdMs must be >= 0");
    assertThatThrownBy(() -> EscalationConfig.custom().defaultLadder(List.of()).build())
        .hasMessageContaining("at least one step");
    assertThatThrownBy(() -> EscalationConfig.custom().defaultLadder(List.of(LadderStep.of(ActionType.SUSPEND, 10),
        LadderStep.of(ActionType.WARN, 0))).build()).hasMessageContaining("in order of afterMs");
    assertThatThrownBy(() -> Measurement.of(0, -1, PLAIN)).hasMessageContaining("finite and >= 0");
    assertThatThrownBy(() -> new EscalationState("bad id!", Resource.CPU)).isInstanceOf(GovernorException.class);
  }
}
