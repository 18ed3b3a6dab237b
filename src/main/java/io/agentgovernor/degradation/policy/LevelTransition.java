package io.agentgovernor.degradation.policy;

import io.vertx.core.json.JsonObject;

/**
 * A change of pressure level, for the feed and the degradation history.
 *
 * @param key what is pressed: {@code agentId/resource}, or {@code node:<id>}
 */
public record LevelTransition(String key, PressureLevel from, PressureLevel to, double pressure, long atMs,
                              String reason) {

  public boolean isUp() {
    return to.ordinal() > from.ordinal();
  }

  public JsonObject toJson() {
    return new JsonObject().put("key", key).put("from", from.wireName()).put("to", to.wireName())
        .put("pressure", pressure).put("atMs", atMs).put("reason", reason);
  }
}
