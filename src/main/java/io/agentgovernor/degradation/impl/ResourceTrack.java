package io.agentgovernor.degradation.impl;

import io.agentgovernor.bus.Events;
import io.agentgovernor.degradation.policy.AgentAck;
import io.agentgovernor.degradation.policy.DegradationFeedback;
import io.agentgovernor.degradation.policy.DegradationPlan;
import io.agentgovernor.degradation.policy.DegradationPlanner;
import io.agentgovernor.degradation.policy.FeedbackResult;
import io.agentgovernor.degradation.policy.PressureLevel;
import io.agentgovernor.degradation.policy.RecoveryEvent;
import io.agentgovernor.degradation.policy.RecoveryPlan;
import io.agentgovernor.degradation.policy.RecoveryPlanner;
import io.agentgovernor.degradation.policy.StrategyStep;
import io.agentgovernor.quota.Resource;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The degradation of one agent's resource, from one source ({@code agent}: its own usage against
 * its limit; {@code node}: picked by node load shedding): the plan in force, the agent's answer,
 * the feedback verdict, the hand-over to enforcement and the staged recovery. Pure glue over the
 * policy classes: every call returns the {@link Effect}s to carry out.
 *
 * <p>An agent that applies none of a plan's strategies is asked one level deeper at once (deeper
 * levels add strategies it may know); only a refusal at the deepest level counts as
 * {@code unsupported}, which the feedback hands to enforcement. Not thread-safe; one event
 * loop drives it.
 */
final class ResourceTrack {

  private final String agentId;
  private final Resource resource;
  private final String source;
  private final DegradationPlanner planner;
  private final RecoveryPlanner recoveryPlanner;
  private DegradationPlan plan;
  private AgentAck ack = AgentAck.NONE;
  private List<String> applied = List.of();
  private boolean settled;
  private boolean handedOver;
  private RecoveryPlan recovery;
  private final String statusKey;

  ResourceTrack(String agentId, Resource resource, String source, DegradationPlanner planner,
                RecoveryPlanner recoveryPlanner) {
    this.agentId = agentId;
    this.resource = resource;
    this.source = source;
    this.planner = planner;
    this.recoveryPlanner = recoveryPlanner;
    this.statusKey = "agent:" + agentId + "/" + resource.name() + "/" + source;
  }

  /** Its key in the cluster-wide status map. */
  String statusKey() {
    return statusKey;
  }

  /**
   * What {@link #toJson} and the level are built from, cheap to compare: equal versions give equal
   * status entries, so an unchanged track is not rebuilt as JSON and encoded every sample (in a
   * storm of 1,000 pressed agents that was most of the event loop it shares with enforcement).
   * The plan, the applied list and the recovery plan are compared by identity (replaced when they
   * change); the recovery plan's progress by value.
   */
  Object statusVersion(String level) {
    return new StatusVersion(plan, ack, applied, handedOver, recovery,
        recovery == null ? null : recovery.phase(), recovery == null ? 0 : recovery.completedStages(), level);
  }

  private record StatusVersion(DegradationPlan plan, AgentAck ack, List<String> applied, boolean handedOver,
                               RecoveryPlan recovery, RecoveryPlan.Phase phase, int completed, String level) {
    @Override
    public boolean equals(Object o) {
      return o instanceof StatusVersion v && plan == v.plan && ack == v.ack && applied == v.applied
          && handedOver == v.handedOver && recovery == v.recovery && phase == v.phase && completed == v.completed
          && level.equals(v.level);
    }

    @Override
    public int hashCode() {
      return System.identityHashCode(plan) * 31 + completed;
    }
  }

  String agentId() {
    return agentId;
  }

  Resource resource() {
    return resource;
  }

  String source() {
    return source;
  }

  DegradationPlan plan() {
    return plan;
  }

  RecoveryPlan recovery() {
    return recovery;
  }

  /** Whether nothing is in force any more: no plan, no recovery, no hand-over. */
  boolean idle() {
    return plan == null && recovery == null && !handedOver;
  }

  /** Whether a strategy is in force on the agent through this track. */
  boolean holds(String strategy) {
    if (recovery != null) {
      return recovery.activeStrategies().stream().anyMatch(s -> s.strategy().wireName().equals(strategy));
    }
    return plan != null && applied.contains(strategy);
  }

  /**
   * Pressure reached {@code level}: plan it unless the plan in force (or being recovered from) is
   * already as deep, or the agent is in enforcement's hands. A recovery under way is superseded
   * by a deeper plan.
   */
  List<Effect> degrade(PressureLevel level, double usage, long nowMs) {
    // During recovery a rise no deeper than the plan is the rollback's business, not a new plan's.
    if (handedOver || level == PressureLevel.NONE || (plan != null && plan.level().ordinal() >= level.ordinal())) {
      return List.of();
    }
    List<Effect> effects = new ArrayList<>();
    if (recovery != null) {
      effects.add(recoveryEvent("superseded", new JsonObject().put("level", level.wireName())));
      recovery = null;
    }
    plan = planner.plan(agentId, resource, level, usage, nowMs);
    return start(plan, effects);
  }

  /** The agent's answers to the plan's strategies: unsupported only if it applied none of them. */
  List<Effect> acknowledged(DegradationPlan answered, Map<String, String> outcomes, long nowMs) {
    if (answered != plan) {
      return List.of(); // a deeper plan has replaced it meanwhile
    }
    applied = outcomes.entrySet().stream().filter(e -> "applied".equals(e.getValue())).map(Map.Entry::getKey).toList();
    boolean anyAnswer = outcomes.values().stream().anyMatch(o -> "applied".equals(o) || "unsupported".equals(o));
    ack = !applied.isEmpty() ? AgentAck.APPLIED : anyAnswer ? AgentAck.UNSUPPORTED : AgentAck.NONE;
    List<Effect> effects = new ArrayList<>(List.of(degradationEvent("acknowledged", new JsonObject()
        .put("level", plan.level().wireName()).put("ack", ack.wireName()).put("strategies", asJson(outcomes)))));
    if (ack == AgentAck.UNSUPPORTED && !plan.level().isDeepest() && !handedOver) {
      // None of this level's strategies is in the agent's vocabulary; a deeper level adds others.
      // Waiting out the timeline could not change that, so go deeper now. Only an agent that
      // refuses every strategy of its resource reaches the deepest level refusing, and enforcement.
      effects.add(degradationEvent("deepened", new JsonObject().put("verdict", "deepen")
          .put("nextLevel", plan.level().deeper().wireName()).put("reason", "the agent supports none of the strategies")));
      plan = planner.plan(agentId, resource, plan.level().deeper(), plan.baselineUsage(), nowMs);
      return start(plan, effects);
    }
    return effects;
  }

  /** After the plan's timeline: keep it, go one level deeper, or hand the agent to enforcement. */
  List<Effect> feedback(double usage, long nowMs) {
    if (plan == null || recovery != null || settled || handedOver) {
      return List.of();
    }
    FeedbackResult result = DegradationFeedback.evaluate(plan, nowMs, usage, ack);
    switch (result.verdict()) {
      case WAIT:
        return List.of();
      case EFFECTIVE:
        settled = true;
        return List.of(degradationEvent("effective", result.toJson()));
      case DEEPEN:
        List<Effect> effects = new ArrayList<>(List.of(degradationEvent("deepened", result.toJson())));
        plan = planner.deepen(plan, usage, nowMs);
        return start(plan, effects);
      default:
        handedOver = true;
        return List.of(degradationEvent("handed_over", result.toJson()), new Effect.HandOver(this, false, result.reason()));
    }
  }

  /**
   * Pressure is gone: lift what the agent applied, last first, one stage at a time. A plan not yet
   * judged is judged now: the pressure ended before its timeline, so it worked.
   */
  List<Effect> startRecovery(double limit, double usage, long nowMs) {
    List<Effect> effects = new ArrayList<>();
    if (plan != null && recovery == null && !settled && !handedOver) {
      settled = true;
      double reduction = plan.baselineUsage() <= 0 ? 0 : (plan.baselineUsage() - usage) / plan.baselineUsage();
      effects.add(degradationEvent("effective", new JsonObject().put("verdict", "effective")
          .put("nextLevel", plan.level().wireName()).put("reduction", reduction)
          .put("reason", "pressure ended before the timeline")));
    }
    if (handedOver) {
      handedOver = false;
      effects.add(new Effect.HandOver(this, true, "pressure on " + resource.name() + " is gone"));
    }
    if (plan == null || recovery != null) {
      return effects;
    }
    List<StrategyStep> steps = plan.strategies().stream().filter(s -> applied.contains(s.strategy().wireName())).toList();
    DegradationPlan toLift = new DegradationPlan(agentId, resource, plan.level(), steps, plan.targetReduction(),
        plan.baselineUsage(), plan.createdAtMs(), plan.timelineMs());
    recovery = recoveryPlanner.plan(toLift, limit, nowMs);
    effects.add(recoveryEvent("plan_created", recovery.created().toJson().put("plan", recovery.toJson())));
    return finishIfComplete(effects, nowMs);
  }

  /** One sample during recovery: run a stage, roll one back, or complete. */
  List<Effect> recover(double usage, long nowMs) {
    if (recovery == null) {
      return List.of();
    }
    List<Effect> effects = new ArrayList<>();
    for (RecoveryEvent e : recovery.update(nowMs, usage)) {
      if (e instanceof RecoveryEvent.StageCompleted s) {
        effects.add(new Effect.Lift(this, recovery.stages().get(s.stage()).strategy()));
      } else if (e instanceof RecoveryEvent.RolledBack r) {
        effects.add(new Effect.Reapply(this, recovery.stages().get(r.stage()).strategy()));
      }
      if (!(e instanceof RecoveryEvent.RecoveryCompleted)) {
        effects.add(recoveryEvent(type(e), e.toJson()));
      }
    }
    return finishIfComplete(effects, nowMs);
  }

  private List<Effect> finishIfComplete(List<Effect> effects, long nowMs) {
    if (recovery != null && recovery.phase() == RecoveryPlan.Phase.COMPLETE) {
      effects.add(recoveryEvent("recovery_completed", new JsonObject().put("stages", recovery.stages().size())
          .put("atMs", nowMs)));
      recovery = null;
      plan = null;
      applied = List.of();
      ack = AgentAck.NONE;
      settled = false;
    }
    return effects;
  }

  private List<Effect> start(DegradationPlan next, List<Effect> effects) {
    settled = false;
    ack = AgentAck.NONE;
    effects.add(degradationEvent("plan", new JsonObject().put("level", next.level().wireName())
        .put("plan", next.toJson())));
    effects.add(new Effect.Apply(this, next));
    return effects;
  }

  private static JsonObject asJson(Map<String, String> outcomes) {
    JsonObject json = new JsonObject();
    outcomes.forEach(json::put);
    return json;
  }

  private static String type(RecoveryEvent e) {
    return e.toJson().getString("type");
  }

  private Effect degradationEvent(String event, JsonObject fields) {
    return new Effect.Event(Events.DEGRADATION, base(event).mergeIn(fields));
  }

  private Effect recoveryEvent(String event, JsonObject fields) {
    JsonObject body = fields.copy();
    body.remove("type");
    return new Effect.Event(Events.RECOVERY, base(event).mergeIn(body));
  }

  private JsonObject base(String event) {
    return new JsonObject().put("event", event).put("agentId", agentId).put("resource", resource.name())
        .put("source", source);
  }

  JsonObject toJson() {
    return new JsonObject().put("agentId", agentId).put("resource", resource.name()).put("source", source)
        .put("plan", plan == null ? null : plan.toJson()).put("ack", ack.wireName()).put("applied", applied)
        .put("handedOver", handedOver).put("recovery", recovery == null ? null : recovery.toJson());
  }
}
