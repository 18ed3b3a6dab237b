package io.agentgovernor.monitor;

import io.agentgovernor.bus.Json;
import io.agentgovernor.quota.Resource;
import io.agentgovernor.quota.Violation;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;

/**
 * One measurement of one agent: its usage of every built-in resource (indexed by
 * {@link Resource#index()}), of its custom resources, and the violations the node's compliance
 * check found in it.
 */
public record AgentSample(String agentId, String group, int priority, long time, double[] usage,
                          Map<String, Double> custom, List<Violation> violations) {

  public double get(Resource resource) {
    return resource.isCustom() ? custom.getOrDefault(resource.name(), 0.0) : usage[resource.index()];
  }

  /** {@code {resource: amount}} for the Usage JSON of DESIGN.md. */
  public JsonObject usageJson() {
    JsonObject json = new JsonObject();
    for (Resource r : Resource.BUILT_IN) {
      json.put(r.name(), Json.num(round(usage[r.index()])));
    }
    custom.forEach((name, v) -> json.put(name, Json.num(round(v))));
    return json;
  }

  public JsonObject toJson(String node) {
    return new JsonObject().put("agentId", agentId).put("node", node).put("time", time).put("usage", usageJson());
  }

  /** Three decimals are more than any measurement here is worth. */
  static double round(double v) {
    return Math.round(v * 1000) / 1000.0;
  }
}
