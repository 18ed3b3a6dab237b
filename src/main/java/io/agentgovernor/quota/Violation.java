package io.agentgovernor.quota;

import io.vertx.core.json.JsonObject;

/**
 * One resource over one of its limits at one measurement.
 *
 * @param threshold the amount crossed: soft, hard or burst (or the group total)
 */
public record Violation(Resource resource, ViolationKind kind, double current, double threshold) {

  public JsonObject toJson() {
    return new JsonObject()
        .put("resource", resource.name())
        .put("violation", kind.wireName())
        .put("current", io.agentgovernor.bus.Json.num(current))
        .put("limit", io.agentgovernor.bus.Json.num(threshold));
  }
}
