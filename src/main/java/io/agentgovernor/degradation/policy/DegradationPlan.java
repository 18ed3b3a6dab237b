package io.agentgovernor.degradation.policy;

import io.agentgovernor.quota.Resource;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;

/**
 * What one agent is asked to do about one pressed resource (the seed's
 * {@code create_degradation_plan}): the strategies in force, in the order they were introduced,
 * and the effect expected by the end of the timeline. Immutable; a deeper level is a new plan.
 *
 * @param targetReduction the share by which usage should fall from {@code baselineUsage}, in (0, 1)
 * @param timelineMs how long the agent has before the effect is measured
 */
public record DegradationPlan(String agentId, Resource resource, PressureLevel level, List<StrategyStep> strategies,
                              double targetReduction, double baselineUsage, long createdAtMs, long timelineMs) {

  public DegradationPlan {
    strategies = List.copyOf(strategies);
  }

  /** The usage the plan aims at: the baseline less the target reduction. */
  public double targetUsage() {
    return baselineUsage * (1 - targetReduction);
  }

  /** When the feedback looks at the effect. */
  public long evaluateAtMs() {
    return createdAtMs + timelineMs;
  }

  public JsonObject toJson() {
    JsonArray steps = new JsonArray();
    strategies.forEach(s -> steps.add(s.toJson()));
    return new JsonObject().put("agentId", agentId).put("resource", resource.name()).put("level", level.wireName())
        .put("strategies", steps).put("targetReduction", targetReduction).put("baselineUsage", baselineUsage)
        .put("targetUsage", targetUsage()).put("createdAtMs", createdAtMs).put("timelineMs", timelineMs)
        .put("evaluateAtMs", evaluateAtMs());
  }
}
