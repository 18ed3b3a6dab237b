package io.agentgovernor.enforcement.policy;

import io.agentgovernor.quota.ActionType;
import io.agentgovernor.quota.LadderStep;
import io.agentgovernor.quota.Limit;
import io.agentgovernor.quota.ViolationKind;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Turns measurements into enforcement {@link Decision}s, following DESIGN.md "Resources and limits".
 *
 * <ul>
 *   <li>Above soft only: one {@code warn}, at most once per {@code warnIntervalMs}.
 *   <li>Above hard but within burst, for less than {@code burstWindowMs}: tolerated, one
 *       {@code TOLERATE} decision when the tolerance starts; falling back to hard or under ends it.
 *   <li>Above hard beyond the window, above burst at once, or above hard on a limit without a burst
 *       allowance: the ladder starts. Each step fires once, when the ladder has run for its
 *       {@code afterMs}, and only on a sample that still violates.
 *   <li>Back at or under hard: every pending step is reported {@code CANCEL} and the ladder clock
 *       pauses. Throttle and suspension are lifted only once usage has stayed under
 *       {@code fraction × hard} for {@code holdMs} ({@link Hysteresis}); then the episode ends.
 *   <li>A violation during that hold continues the same episode: nothing already applied runs
 *       again, the cancelled steps are pending again, and the ladder clock resumes where it paused,
 *       so a step's delay counts time spent in violation only.
 *   <li>{@code terminate} ends everything: a terminated state decides nothing more.
 * </ul>
 *
 * <p>The ladder is captured when the episode starts, so a quota change mid-episode cannot shift
 * step indexes under the applier. Dry-run decisions advance the state exactly as real ones, so
 * the record shows what would have happened. The policy is immutable and free of Vert.x; time
 * comes in with each measurement.
 */
public final class EscalationPolicy {

  private final EscalationConfig config;

  public EscalationPolicy(EscalationConfig config) {
    this.config = Objects.requireNonNull(config, "config");
  }

  public static EscalationPolicy ofDefaults() {
    return new EscalationPolicy(EscalationConfig.ofDefaults());
  }

  public EscalationConfig config() {
    return config;
  }

  /** Feeds one measurement and returns the decisions it calls for, in the order to carry out. */
  public List<Decision> evaluate(EscalationState state, Measurement m) {
    List<Decision> out = new ArrayList<>(2);
    ViolationKind kind = classify(m.limit(), m.current());
    boolean overHard = kind == ViolationKind.HARD || kind == ViolationKind.BURST;
    switch (state.phase()) {
      case COMPLIANT -> onCompliant(state, m, kind, out);
      case TOLERATING -> onTolerating(state, m, kind, out);
      case ESCALATING -> {
        if (overHard) {
          fireDueSteps(state, m, kind, out);
        } else {
          beginRecovery(state, m, out);
        }
      }
      case RECOVERING -> {
        if (overHard) {
          state.resumeLadder(m.nowMs());
          state.moveTo(EscalationPhase.ESCALATING);
          fireDueSteps(state, m, kind, out);
        } else {
          liftAfterHold(state, m, out);
        }
      }
      case TERMINATED -> { }
    }
    return out;
  }

  /**
   * Runs the next pending ladder step at once, whatever its delay: used when a scale-down request
   * misses its deadline. Returns nothing unless the state is escalating with a step left.
   */
  public List<Decision> escalateNext(EscalationState state, Measurement m, String reason) {
    List<Decision> out = new ArrayList<>(1);
    if (state.phase() == EscalationPhase.ESCALATING && state.nextStep() < state.ladder().size()) {
      fireStep(state, m, classify(m.limit(), m.current()), reason, out);
    }
    return out;
  }

  private void onCompliant(EscalationState state, Measurement m, ViolationKind kind, List<Decision> out) {
    if (kind == ViolationKind.SOFT) {
      warnIfDue(state, m, out);
    } else if (kind == ViolationKind.BURST) {
      startLadder(state, m, kind, "above burst " + m.limit().burst(), out);
    } else if (kind == ViolationKind.HARD) {
      if (m.limit().hasBurst()) {
        state.moveTo(EscalationPhase.TOLERATING);
        state.tolerateFrom(m.nowMs());
        out.add(decision(state, m, Decision.Kind.TOLERATE, kind, m.limit().hard(), null, -1,
            "above hard within burst: tolerated for up to " + m.limit().burstWindowMs() + " ms"));
      } else {
        startLadder(state, m, kind, "above hard " + m.limit().hard() + " (no burst allowance)", out);
      }
    }
  }

  private void onTolerating(EscalationState state, Measurement m, ViolationKind kind, List<Decision> out) {
    if (kind == ViolationKind.BURST) {
      startLadder(state, m, kind, "above burst " + m.limit().burst() + " during the burst window", out);
    } else if (kind == ViolationKind.HARD) {
      long tolerated = m.nowMs() - state.toleratedSinceMs();
      if (tolerated >= m.limit().burstWindowMs()) {
        startLadder(state, m, kind, "above hard for " + tolerated + " ms, beyond the burst window of "
            + m.limit().burstWindowMs() + " ms", out);
      }
    } else {
      state.endEpisode();
      state.moveTo(EscalationPhase.COMPLIANT);
      if (kind == ViolationKind.SOFT) {
        warnIfDue(state, m, out);
      }
    }
  }

  private void warnIfDue(EscalationState state, Measurement m, List<Decision> out) {
    long last = state.lastWarnMs();
    if (last == EscalationState.NEVER || m.nowMs() - last >= config.warnIntervalMs()) {
      state.warnedAt(m.nowMs());
      out.add(decision(state, m, Decision.Kind.APPLY, ViolationKind.SOFT, m.limit().soft(), ActionType.WARN, -1,
          "above soft " + m.limit().soft()));
    }
  }

  private void startLadder(EscalationState state, Measurement m, ViolationKind kind, String why,
                           List<Decision> out) {
    state.startLadder(effectiveLadder(m), m.nowMs());
    state.moveTo(EscalationPhase.ESCALATING);
    fireDueSteps(state, m, kind, out, why);
  }

  private void fireDueSteps(EscalationState state, Measurement m, ViolationKind kind, List<Decision> out) {
    fireDueSteps(state, m, kind, out, null);
  }

  private void fireDueSteps(EscalationState state, Measurement m, ViolationKind kind, List<Decision> out,
                            String why) {
    long elapsed = state.ladderElapsed(m.nowMs());
    while (state.phase() == EscalationPhase.ESCALATING && state.nextStep() < state.ladder().size()
        && state.ladder().get(state.nextStep()).afterMs() <= elapsed) {
      LadderStep step = state.ladder().get(state.nextStep());
      String reason = (why == null ? "" : why + "; ") + "violation has lasted " + elapsed + " ms >= step delay "
          + step.afterMs() + " ms";
      fireStep(state, m, kind, reason, out);
    }
  }

  private void fireStep(EscalationState state, Measurement m, ViolationKind kind, String reason,
                        List<Decision> out) {
    int index = state.nextStep();
    ActionType action = state.ladder().get(index).action();
    out.add(decision(state, m, Decision.Kind.APPLY, kind, crossed(m.limit(), kind), action, index, reason));
    state.advance(action);
    if (action == ActionType.TERMINATE) {
      state.moveTo(EscalationPhase.TERMINATED);
    }
  }

  private void beginRecovery(EscalationState state, Measurement m, List<Decision> out) {
    for (int index : state.pendingSteps()) {
      out.add(decision(state, m, Decision.Kind.CANCEL, null, m.limit().hard(), state.ladder().get(index).action(),
          index, "usage " + m.current() + " back under hard " + m.limit().hard() + ": pending step cancelled"));
    }
    state.pauseLadder(m.nowMs());
    state.moveTo(EscalationPhase.RECOVERING);
    liftAfterHold(state, m, out);
  }

  private void liftAfterHold(EscalationState state, Measurement m, List<Decision> out) {
    Hysteresis h = m.hysteresis() != null ? m.hysteresis() : config.hysteresis();
    double band = h.fraction() * m.limit().hard();
    if (m.current() >= band) {
      state.underBandSince(EscalationState.NEVER);
      return;
    }
    if (state.underBandSinceMs() == EscalationState.NEVER) {
      state.underBandSince(m.nowMs());
    }
    long under = m.nowMs() - state.underBandSinceMs();
    if (under < h.holdMs()) {
      return;
    }
    String reason = "usage under " + band + " (" + h.fraction() + " of hard) for " + under + " ms";
    // Resume before unthrottling: a resumed agent comes back throttled, never at full rate at once.
    if (state.liftable().contains(ActionType.SUSPEND)) {
      out.add(decision(state, m, Decision.Kind.LIFT, null, m.limit().hard(), ActionType.SUSPEND, -1, reason));
    }
    if (state.liftable().contains(ActionType.THROTTLE)) {
      out.add(decision(state, m, Decision.Kind.LIFT, null, m.limit().hard(), ActionType.THROTTLE, -1, reason));
    }
    state.endEpisode();
    state.moveTo(EscalationPhase.COMPLIANT);
  }

  private List<LadderStep> effectiveLadder(Measurement m) {
    if (!m.ladder().isEmpty()) {
      return m.ladder();
    }
    Limit limit = m.limit();
    return limit.ladder().isEmpty() ? config.defaultLadder() : limit.ladder();
  }

  /** A limit without a burst allowance ({@code burst == hard}) has no burst to exceed: over hard is hard. */
  private static ViolationKind classify(Limit limit, double current) {
    ViolationKind kind = limit.classify(current);
    return kind == ViolationKind.BURST && limit.burst() == limit.hard() ? ViolationKind.HARD : kind;
  }

  private static double crossed(Limit limit, ViolationKind kind) {
    return kind == ViolationKind.BURST ? limit.burst() : limit.hard();
  }

  private static Decision decision(EscalationState state, Measurement m, Decision.Kind kind,
                                   ViolationKind violation, double limit, ActionType action, int stepIndex,
                                   String reason) {
    return new Decision(state.sequence().next(), state.agentId(), state.resource(), kind, violation, m.current(),
        limit, action, stepIndex, reason, m.dryRun(), m.nowMs());
  }
}
