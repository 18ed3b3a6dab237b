package io.agentgovernor.degradation.policy;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;

/**
 * The agents to degrade in this round of node load shedding.
 *
 * @param projectedUsage node usage expected once they have shed their share
 * @param sufficient whether that brings the node under its threshold; if not, the next round
 *     (after these plans' timeline) picks more
 */
public record SheddingPlan(List<AgentLoad> selected, double projectedUsage, double thresholdUsage,
                           boolean sufficient) {

  public SheddingPlan {
    selected = List.copyOf(selected);
  }

  public JsonObject toJson() {
    JsonArray agents = new JsonArray();
    selected.forEach(a -> agents.add(a.agentId()));
    return new JsonObject().put("agents", agents).put("projectedUsage", projectedUsage)
        .put("thresholdUsage", thresholdUsage).put("sufficient", sufficient);
  }
}
