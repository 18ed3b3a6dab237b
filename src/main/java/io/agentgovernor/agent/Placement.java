package io.agentgovernor.agent;

import io.vertx.core.json.JsonObject;

/**
 * Where an agent of the cluster is and in what state: the part of its registration every node
 * keeps for every agent (routing, failover, listing filters). The whole registration (config,
 * deploy time, ...) is read from the registry map when needed ({@link Registry#stored}).
 *
 * <p>Cost: one object of 64 bytes per agent; the strings that repeat across agents (node,
 * incarnation, group, type, state, restart policy) are interned. Keeping placements instead of
 * parsed registrations saved ~1.16 KB of heap per agent of the cluster (measured: see
 * docs/ARCHITECTURE.md, "What a node keeps in memory").
 *
 * @param throttleFactor null when the agent is not throttled
 * @param since          when the agent entered its state (epoch ms), or -1 if unknown
 */
public record Placement(String id, String node, String incarnation, String group, String type, String state,
                        long since, long epoch, Double throttleFactor, String restartPolicy, boolean quotaCreated) {

  /** How a {@link #holder()} names a node rather than a process. */
  private static final String NODE_HOLDER = "node:";

  /** The placement of a registration. */
  public static Placement of(JsonObject entry) {
    Object since = entry.getValue("since");
    Object factor = entry.getValue("throttleFactor");
    Object epoch = entry.getValue("epoch");
    return new Placement(entry.getString("id"), intern(entry.getValue("node")), intern(entry.getValue("incarnation")),
        intern(entry.getValue("group")), intern(entry.getValue("type")), intern(entry.getValue("state")),
        since instanceof Number n ? n.longValue() : -1, epoch instanceof Number n ? n.longValue() : 0,
        factor instanceof Number n ? n.doubleValue() : null, intern(entry.getValue("restartPolicy")),
        Boolean.TRUE.equals(entry.getValue("quotaCreated")));
  }

  /**
   * Whose loss this agent waits on: its process (the incarnation), or {@code "node:" + node} when
   * it has no process yet; null when the registration names neither.
   */
  public String holder() {
    return holder(incarnation, node);
  }

  /** The {@link #holder()} of a registration naming this incarnation and node (either may be null). */
  public static String holder(String incarnation, String node) {
    if (incarnation != null) {
      return incarnation;
    }
    return node == null ? null : NODE_HOLDER + node;
  }

  /** The node a {@link #holder()} names when it names no process, or null when it names a process. */
  public static String nodeOfHolder(String holder) {
    return holder.startsWith(NODE_HOLDER) ? holder.substring(NODE_HOLDER.length()) : null;
  }

  /** The fields above as a registration-shaped object (what a node that does not host the agent can say of it). */
  public JsonObject toJson() {
    JsonObject json = new JsonObject().put("id", id).put("node", node).put("incarnation", incarnation)
        .put("group", group).put("type", type).put("state", state).put("epoch", epoch);
    if (since >= 0) {
      json.put("since", since);
    }
    if (throttleFactor != null) {
      json.put("throttleFactor", throttleFactor);
    }
    if (restartPolicy != null) {
      json.put("restartPolicy", restartPolicy);
    }
    return quotaCreated ? json.put("quotaCreated", true) : json;
  }

  /** Strings shared by many agents, held once (a node id, a group, a state): few distinct values. */
  private static String intern(Object value) {
    return value instanceof String s ? s.intern() : null;
  }
}
