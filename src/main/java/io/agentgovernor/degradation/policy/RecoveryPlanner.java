package io.agentgovernor.degradation.policy;

import io.agentgovernor.bus.GovernorException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Builds a {@link RecoveryPlan} from the degradation plan in force when the pressure ends: one
 * stage per strategy, last introduced removed first, so the agent climbs back the way it went
 * down and the cheapest relief (the first strategy) is the last to go.
 */
public final class RecoveryPlanner {

  private final RecoveryConfig config;

  public RecoveryPlanner(RecoveryConfig config) {
    this.config = Objects.requireNonNull(config, "config");
  }

  public static RecoveryPlanner ofDefaults() {
    return new RecoveryPlanner(RecoveryConfig.ofDefaults());
  }

  public RecoveryConfig config() {
    return config;
  }

  /** @param limit the limit usage is measured against (the resource's hard limit, or the node's capacity) */
  public RecoveryPlan plan(DegradationPlan degraded, double limit, long nowMs) {
    if (!Double.isFinite(limit) || limit <= 0) {
      throw GovernorException.invalid("recovery needs a limit > 0, got " + limit);
    }
    List<StrategyStep> strategies = degraded.strategies();
    List<RecoveryStage> stages = new ArrayList<>(strategies.size());
    for (int i = strategies.size() - 1; i >= 0; i--) {
      stages.add(new RecoveryStage(stages.size(), strategies.get(i)));
    }
    return new RecoveryPlan(degraded.agentId(), degraded.resource().name(), limit, stages, config, nowMs);
  }
}
