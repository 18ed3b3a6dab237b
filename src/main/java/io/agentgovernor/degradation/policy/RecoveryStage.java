package io.agentgovernor.degradation.policy;

import io.vertx.core.json.JsonObject;

/** One stage of a {@link RecoveryPlan}: remove {@code strategy} from the agent. */
public record RecoveryStage(int index, StrategyStep strategy) {

  public JsonObject toJson() {
    return new JsonObject().put("index", index).put("strategy", strategy.strategy().wireName());
  }
}
