package io.agentgovernor.degradation.policy;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The staged recovery of one agent's resource (the seed's {@code create_recovery_plan}): the
 * degradation strategies are removed in reverse order, one per stage.
 *
 * <p>A stage runs on a sample where usage is under {@code usageFraction × limit}, no violation
 * (usage over the limit) has been seen for {@code violationHoldMs}, and {@code stageIntervalMs}
 * has passed since the previous stage (or since the plan started). A returning violation rolls
 * back: the last strategy removed is applied again and its stage starts over, with a fresh hold.
 * One violation episode rolls back one stage; a violation that persists is the pressure machine's
 * business (it deepens the degradation), not the recovery's.
 *
 * <p>Created by the {@link RecoveryPlanner}. Not thread-safe; time comes in with each sample.
 */
public final class RecoveryPlan {

  /** RECOVERING may move to COMPLETE; COMPLETE is final. */
  public enum Phase {
    RECOVERING,
    COMPLETE;

    public String wireName() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  private final String agentId;
  private final String resource;
  private final double limit;
  private final List<RecoveryStage> stages;
  private final RecoveryConfig config;
  private final long createdAtMs;
  private Phase phase = Phase.RECOVERING;
  private int completed;
  private long lastViolationMs;
  private long nextStageNotBeforeMs;
  private boolean violating;

  RecoveryPlan(String agentId, String resource, double limit, List<RecoveryStage> stages, RecoveryConfig config,
               long createdAtMs) {
    this.agentId = agentId;
    this.resource = resource;
    this.limit = limit;
    this.stages = List.copyOf(stages);
    this.config = config;
    this.createdAtMs = createdAtMs;
    // The pressure has only just ended: the hold counts from now, as if a violation had just been seen.
    this.lastViolationMs = createdAtMs;
    this.nextStageNotBeforeMs = createdAtMs;
    if (this.stages.isEmpty()) {
      phase = Phase.COMPLETE;
    }
  }

  public Phase phase() {
    return phase;
  }

  public List<RecoveryStage> stages() {
    return stages;
  }

  /** How many stages have run (and not been rolled back). */
  public int completedStages() {
    return completed;
  }

  /** The strategies still in force, in the order they were introduced. */
  public List<StrategyStep> activeStrategies() {
    List<StrategyStep> active = new ArrayList<>();
    for (int i = stages.size() - 1; i >= completed; i--) {
      active.add(stages.get(i).strategy());
    }
    return active;
  }

  /** The event recording this plan's creation. */
  public RecoveryEvent.PlanCreated created() {
    return new RecoveryEvent.PlanCreated(agentId, resource, createdAtMs, limit,
        stages.stream().map(s -> s.strategy().strategy().wireName()).toList());
  }

  /** Feeds one usage sample; returns what it caused: a stage, a rollback, the completion, or nothing. */
  public List<RecoveryEvent> update(long nowMs, double usage) {
    List<RecoveryEvent> events = new ArrayList<>(2);
    if (phase == Phase.COMPLETE) {
      return events;
    }
    if (usage > limit) {
      rollBackOnNewViolation(nowMs, usage, events);
    } else {
      violating = false;
      runStageIfDue(nowMs, usage, events);
    }
    return events;
  }

  private void rollBackOnNewViolation(long nowMs, double usage, List<RecoveryEvent> events) {
    if (!violating && completed > 0) {
      completed--;
      RecoveryStage stage = stages.get(completed);
      events.add(new RecoveryEvent.RolledBack(agentId, resource, nowMs, stage.index(),
          stage.strategy().strategy().wireName(), usage));
    }
    violating = true;
    lastViolationMs = nowMs;
    nextStageNotBeforeMs = nowMs + config.stageIntervalMs();
  }

  private void runStageIfDue(long nowMs, double usage, List<RecoveryEvent> events) {
    boolean criteriaHold = usage < config.usageFraction() * limit
        && nowMs - lastViolationMs >= config.violationHoldMs()
        && nowMs >= nextStageNotBeforeMs;
    if (!criteriaHold) {
      return;
    }
    RecoveryStage stage = stages.get(completed);
    completed++;
    nextStageNotBeforeMs = nowMs + config.stageIntervalMs();
    events.add(new RecoveryEvent.StageCompleted(agentId, resource, nowMs, stage.index(),
        stage.strategy().strategy().wireName(), usage));
    if (completed == stages.size()) {
      phase = Phase.COMPLETE;
      events.add(new RecoveryEvent.RecoveryCompleted(agentId, resource, nowMs));
    }
  }

  public JsonObject toJson() {
    JsonArray list = new JsonArray();
    stages.forEach(s -> list.add(s.toJson().put("done", s.index() < completed)));
    return new JsonObject().put("agentId", agentId).put("resource", resource).put("limit", limit)
        .put("phase", phase.wireName()).put("createdAtMs", createdAtMs).put("completedStages", completed)
        .put("stages", list);
  }
}
