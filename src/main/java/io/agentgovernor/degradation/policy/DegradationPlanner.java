package io.agentgovernor.degradation.policy;

import io.agentgovernor.bus.GovernorException;
import io.agentgovernor.bus.Ids;
import io.agentgovernor.quota.Resource;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Objects;

/**
 * Builds {@link DegradationPlan}s from the {@link DegradationConfig}: the strategies in force for
 * the resource at the level, each with its parameters (the seed's for the strategy, e.g.
 * {@code precision_reduction: 0.5}, those of its table entry, then {@code resource}, {@code level}
 * and {@code intensity}), the level's target reduction and timeline. Pure and immutable: planning is
 * separate from sending the plan to the agent.
 */
public final class DegradationPlanner {

  private final DegradationConfig config;

  public DegradationPlanner(DegradationConfig config) {
    this.config = Objects.requireNonNull(config, "config");
  }

  public static DegradationPlanner ofDefaults() {
    return new DegradationPlanner(DegradationConfig.ofDefaults());
  }

  /** A plan for an agent whose {@code resource} usage is {@code baselineUsage} at pressure {@code level}. */
  public DegradationPlan plan(String agentId, Resource resource, PressureLevel level, double baselineUsage,
                              long nowMs) {
    Ids.require(agentId, "agentId");
    Objects.requireNonNull(resource, "resource");
    if (level == null || level == PressureLevel.NONE) {
      throw GovernorException.invalid("a degradation plan needs a level above none");
    }
    if (!Double.isFinite(baselineUsage) || baselineUsage < 0) {
      throw GovernorException.invalid("baseline usage must be finite and >= 0, got " + baselineUsage);
    }
    List<StrategyStep> steps = config.table().entries(resource, level).stream()
        .map(e -> new StrategyStep(e.strategy(), e.effectiveParams().mergeIn(parameters(resource, level))))
        .toList();
    return new DegradationPlan(agentId, resource, level, steps, config.targetReduction().get(level), baselineUsage,
        nowMs, config.timelineMs().get(level));
  }

  /** The plan one level deeper than {@code plan}, measured from the usage now; the same level when deepest. */
  public DegradationPlan deepen(DegradationPlan plan, double usageNow, long nowMs) {
    return plan(plan.agentId(), plan.resource(), plan.level().deeper(), usageNow, nowMs);
  }

  private JsonObject parameters(Resource resource, PressureLevel level) {
    return new JsonObject().put("resource", resource.name()).put("level", level.wireName())
        .put("intensity", config.intensity().get(level));
  }
}
