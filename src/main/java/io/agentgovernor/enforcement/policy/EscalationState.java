package io.agentgovernor.enforcement.policy;

import io.agentgovernor.bus.Ids;
import io.agentgovernor.quota.ActionType;
import io.agentgovernor.quota.LadderStep;
import io.agentgovernor.quota.Resource;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * The escalation memory of one (agent, resource): its {@link EscalationPhase}, the ladder of the
 * current episode and how far it got, the actions applied, and the last warning time.
 *
 * <p>Only the {@link EscalationPolicy} changes it, through its package-private mutators; callers
 * read it. Not thread-safe: one state is driven by one event loop, while the shared
 * {@link DecisionSequence} guards the applier against decisions from elsewhere.
 */
public final class EscalationState {

  static final long NEVER = Long.MIN_VALUE;

  private final String agentId;
  private final Resource resource;
  private final DecisionSequence sequence;

  private EscalationPhase phase = EscalationPhase.COMPLIANT;
  private List<LadderStep> ladder = List.of();
  private int nextStep;
  private long ladderStartMs = NEVER;
  private long pausedElapsedMs;
  private long toleratedSinceMs = NEVER;
  private long underBandSinceMs = NEVER;
  private long lastWarnMs = NEVER;
  private final Set<ActionType> applied = EnumSet.noneOf(ActionType.class);

  /** A state with its own sequence; use the shared constructor when an agent has several resources. */
  public EscalationState(String agentId, Resource resource) {
    this(agentId, resource, new DecisionSequence());
  }

  public EscalationState(String agentId, Resource resource, DecisionSequence sequence) {
    this.agentId = Ids.require(agentId, "agentId");
    this.resource = Objects.requireNonNull(resource, "resource");
    this.sequence = Objects.requireNonNull(sequence, "sequence");
  }

  public String agentId() {
    return agentId;
  }

  public Resource resource() {
    return resource;
  }

  public EscalationPhase phase() {
    return phase;
  }

  public DecisionSequence sequence() {
    return sequence;
  }

  /** The ladder of the current episode (captured when it started), empty outside an episode. */
  public List<LadderStep> ladder() {
    return ladder;
  }

  /** The index of the next ladder step to fire; {@code ladder().size()} when all have fired. */
  public int nextStep() {
    return nextStep;
  }

  /** The actions applied in this episode that a recovery must lift (throttle, suspend). */
  public Set<ActionType> liftable() {
    Set<ActionType> out = EnumSet.noneOf(ActionType.class);
    for (ActionType a : applied) {
      if (a == ActionType.THROTTLE || a == ActionType.SUSPEND) {
        out.add(a);
      }
    }
    return out;
  }

  void moveTo(EscalationPhase target) {
    if (!phase.canMoveTo(target)) {
      throw new IllegalStateException("escalation of " + agentId + "/" + resource + " cannot move from "
          + phase + " to " + target);
    }
    phase = target;
  }

  void startLadder(List<LadderStep> steps, long nowMs) {
    ladder = List.copyOf(steps);
    nextStep = 0;
    ladderStartMs = nowMs;
    pausedElapsedMs = 0;
    toleratedSinceMs = NEVER;
  }

  long ladderElapsed(long nowMs) {
    return nowMs - ladderStartMs;
  }

  void advance(ActionType fired) {
    applied.add(fired);
    nextStep++;
  }

  List<Integer> pendingSteps() {
    List<Integer> pending = new ArrayList<>();
    for (int i = nextStep; i < ladder.size(); i++) {
      pending.add(i);
    }
    return pending;
  }

  /** Stops the ladder clock: time spent back under the limit does not count towards later steps. */
  void pauseLadder(long nowMs) {
    pausedElapsedMs = nowMs - ladderStartMs;
    underBandSinceMs = NEVER;
  }

  void resumeLadder(long nowMs) {
    ladderStartMs = nowMs - pausedElapsedMs;
    underBandSinceMs = NEVER;
  }

  long toleratedSinceMs() {
    return toleratedSinceMs;
  }

  void tolerateFrom(long nowMs) {
    toleratedSinceMs = nowMs;
  }

  long underBandSinceMs() {
    return underBandSinceMs;
  }

  void underBandSince(long nowMs) {
    underBandSinceMs = nowMs;
  }

  long lastWarnMs() {
    return lastWarnMs;
  }

  void warnedAt(long nowMs) {
    lastWarnMs = nowMs;
  }

  void endEpisode() {
    ladder = List.of();
    nextStep = 0;
    ladderStartMs = NEVER;
    pausedElapsedMs = 0;
    toleratedSinceMs = NEVER;
    underBandSinceMs = NEVER;
    applied.clear();
  }
}
