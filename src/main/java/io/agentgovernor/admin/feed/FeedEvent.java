package io.agentgovernor.admin.feed;

import io.vertx.core.json.JsonObject;

/**
 * One event of the live feed, encoded once and shared by every subscriber: its type and agent
 * (for filtering without decoding) and its JSON text.
 */
public record FeedEvent(String type, String agentId, String text) {

  public static final String MEASUREMENT = "measurement";

  static FeedEvent of(JsonObject event) {
    return new FeedEvent(event.getString("type", "unknown"), event.getString("agentId"), event.encode());
  }

  boolean isMeasurement() {
    return MEASUREMENT.equals(type);
  }
}
