package io.agentgovernor.bus;

import io.vertx.core.json.JsonObject;

/**
 * The events published on {@link Addresses#EVENTS} (the live feed's, DESIGN.md), one factory per
 * family. Each returns the event's common fields, {@code {"type", "agentId"?, "node", "time"}} in
 * that order, plus the family's own; callers add the rest. The enforcement event is built by the
 * enforcement part's {@code Action.event}, with its fields in the order DESIGN.md lists them.
 */
public final class Events {

  public static final String AGENT = "agent";
  public static final String NODE = "node";
  public static final String RECOMMENDATION = "recommendation";
  public static final String ALERT = "alert";
  public static final String VIOLATION = "violation";
  public static final String DEGRADATION = "degradation";
  public static final String RECOVERY = "recovery";

  private Events() {
  }

  /** An event of {@code type} about an agent, or about the node when {@code agentId} is null. */
  public static JsonObject of(String type, String agentId, String node, long time) {
    JsonObject event = new JsonObject().put("type", type);
    if (agentId != null) {
      event.put("agentId", agentId);
    }
    return event.put("node", node).put("time", time);
  }

  /** An agent's lifecycle: {@code event} is e.g. {@code deployed}, {@code suspended}, {@code restarted}. */
  public static JsonObject agent(String agentId, String node, long time, String event) {
    return of(AGENT, agentId, node, time).put("event", event);
  }

  /** A node joined, left or is leaving: {@code {"type": "node", "node", "event", "time"}}. */
  public static JsonObject node(String node, String event, long time) {
    return new JsonObject().put("type", NODE).put("node", node).put("event", event).put("time", time);
  }

  /** A recommendation of the analytics, {@code status} {@code open} or {@code applied}. */
  public static JsonObject recommendation(String agentId, String node, long time, String status) {
    return of(RECOMMENDATION, agentId, node, time).put("status", status);
  }
}
