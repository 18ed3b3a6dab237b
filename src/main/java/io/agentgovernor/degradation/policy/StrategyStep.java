package io.agentgovernor.degradation.policy;

import io.agentgovernor.bus.DegradationStrategy;
import io.agentgovernor.bus.GovernorException;
import io.vertx.core.json.JsonObject;

/**
 * One strategy as sent to an agent, with its parameters: the seed's for the strategy
 * ({@link DegradationStrategy#seedParams()}, e.g. {@code batch_size_increase} and
 * {@code batch_delay}), any from the strategy table, and on every step {@code resource} (what to
 * relieve), {@code level} and {@code intensity} in (0, 1] (how far to go: 0.25 at minimal pressure
 * up to 1 at emergency), so an agent can scale its response without knowing the governor's levels.
 */
public record StrategyStep(DegradationStrategy strategy, JsonObject params) {

  public StrategyStep {
    if (strategy == null) {
      throw GovernorException.invalid("a strategy step needs a strategy");
    }
    params = params == null ? new JsonObject() : params.copy();
  }

  public double intensity() {
    return params.getDouble("intensity", 1.0);
  }

  public JsonObject toJson() {
    return new JsonObject().put("strategy", strategy.wireName()).put("params", params.copy());
  }
}
