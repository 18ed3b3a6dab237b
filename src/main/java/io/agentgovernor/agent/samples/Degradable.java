package io.agentgovernor.agent.samples;

import io.agentgovernor.agent.ControlAck;
import io.vertx.core.json.JsonObject;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The degradation strategies a sample agent honours and how much each cuts its work: the product
 * of the active strategies' cuts, scaled by each strategy's {@code intensity} parameter (0..1).
 */
final class Degradable {

  private final Map<String, Double> cuts;
  private final Map<String, Double> active = new LinkedHashMap<>();

  /** {@code cuts}: strategy → the share of work it removes at full intensity. */
  Degradable(Map<String, Double> cuts) {
    this.cuts = Map.copyOf(cuts);
  }

  ControlAck apply(String strategy, JsonObject params, boolean on) {
    Double cut = cuts.get(strategy);
    if (cut == null) {
      return ControlAck.UNSUPPORTED;
    }
    if (on) {
      double intensity = params == null ? 1.0 : Math.max(0, Math.min(1, params.getDouble("intensity", 1.0)));
      active.put(strategy, cut * intensity);
    } else {
      active.remove(strategy);
    }
    return ControlAck.APPLIED;
  }

  boolean isActive(String strategy) {
    return active.containsKey(strategy);
  }

  /** The share of full work still done: 1.0 with no strategy active. */
  double workScale() {
    double scale = 1.0;
    for (double cut : active.values()) {
      scale *= 1 - cut;
    }
    return scale;
  }

  JsonObject toJson() {
    return new JsonObject().put("activeStrategies", new io.vertx.core.json.JsonArray(active.keySet().stream().toList()))
        .put("workScale", workScale());
  }
}
