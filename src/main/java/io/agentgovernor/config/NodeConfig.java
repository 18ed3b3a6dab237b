package io.agentgovernor.config;

import io.agentgovernor.bus.GovernorException;
import io.agentgovernor.bus.Ids;
import io.agentgovernor.bus.Json;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * The node's configuration, typed and validated. The sections each part reads for itself
 * ({@code capacity}, {@code quota}, {@code monitor}, ...) travel as JSON in {@link #raw()} and are
 * handed to that part's verticle as its deployment config. {@link #fromJson} validates the node's
 * own fields ({@code node}, {@code cluster} and {@code admin} basics); {@code GovernorNode.validate}
 * checks every part's section (their settings types live in their parts, and this package depends on
 * none of them), both before the node joins a cluster.
 */
public record NodeConfig(String nodeId, String httpHost, int httpPort, String dataDir, boolean demo,
                         String clusterName, String clusterHost, int clusterPort, List<String> members,
                         int heartbeatIntervalSeconds, int maxNoHeartbeatSeconds, int backupCount,
                         String adminToken, String viewerToken, int bodyLimitBytes, JsonObject raw) {

  public static NodeConfig fromJson(JsonObject json) {
    try {
      JsonObject node = section(json, "node");
      JsonObject cluster = section(json, "cluster");
      JsonObject admin = section(json, "admin");
      String nodeId = orDefault(Json.optString(node, "id", "node"), "");
      if (nodeId.isEmpty()) {
        nodeId = "node-" + UUID.randomUUID().toString().substring(0, 8);
      }
      Ids.require(nodeId, "node.id");
      List<String> members = members(cluster);
      NodeConfig config = new NodeConfig(
          nodeId,
          orDefault(Json.optString(node, "httpHost", "node"), "127.0.0.1"),
          intIn(node, "httpPort", "node", 8080, 0, 65535),
          orDefault(Json.optString(node, "dataDir", "node"), "data"),
          Boolean.TRUE.equals(Json.optBoolean(node, "demo", "node")),
          orDefault(Json.optString(cluster, "name", "cluster"), "agent-governor"),
          orDefault(Json.optString(cluster, "host", "cluster"), "127.0.0.1"),
          intIn(cluster, "port", "cluster", 5701, 1, 65535),
          members,
          intIn(cluster, "heartbeatIntervalSeconds", "cluster", 1, 1, 60),
          intIn(cluster, "maxNoHeartbeatSeconds", "cluster", 5, 2, 600),
          intIn(cluster, "backupCount", "cluster", 1, 0, 6),
          orDefault(Json.optString(admin, "adminToken", "admin"), ""),
          orDefault(Json.optString(admin, "viewerToken", "admin"), ""),
          intIn(admin, "bodyLimitBytes", "admin", 1 << 20, 1024, 64 << 20),
          json);
      return config;
    } catch (GovernorException e) {
      throw new ConfigException("configuration: " + e.getMessage());
    }
  }

  /** A section of the configuration ({@code capacity}, {@code quota}, ...), empty when absent. */
  public JsonObject section(String name) {
    Object value = raw.getValue(name);
    return value instanceof JsonObject o ? o.copy() : new JsonObject();
  }

  /** The same configuration (and node id) with another value at a dotted path: for tests and embedding. */
  public NodeConfig with(String path, Object value) {
    JsonObject copy = raw.copy();
    put(copy, "node.id", nodeId);
    put(copy, path, value);
    return fromJson(copy);
  }

  static void put(JsonObject json, String path, Object value) {
    String[] parts = path.split("\\.");
    JsonObject node = json;
    for (int i = 0; i < parts.length - 1; i++) {
      if (!(node.getValue(parts[i]) instanceof JsonObject)) {
        node.put(parts[i], new JsonObject());
      }
      node = node.getJsonObject(parts[i]);
    }
    node.put(parts[parts.length - 1], value instanceof List<?> l ? new JsonArray(new ArrayList<>(l)) : value);
  }

  private static JsonObject section(JsonObject json, String name) {
    JsonObject s = Json.optObject(json, name, "");
    return s == null ? new JsonObject() : s;
  }

  private static List<String> members(JsonObject cluster) {
    JsonArray array = Json.optArray(cluster, "members", "cluster");
    List<String> members = new ArrayList<>();
    if (array == null) {
      return members;
    }
    for (Object m : array) {
      if (!(m instanceof String s) || !s.matches("[A-Za-z0-9.\\-\\[\\]:]+:\\d{1,5}")) {
        throw GovernorException.invalid("cluster.members: '" + m + "' is not host:port");
      }
      int port = Integer.parseInt(s.substring(s.lastIndexOf(':') + 1));
      if (port < 1 || port > 65535) {
        throw GovernorException.invalid("cluster.members: port of '" + s + "' is outside [1, 65535]");
      }
      members.add(s);
    }
    return List.copyOf(members);
  }

  private static int intIn(JsonObject json, String field, String path, int dflt, int min, int max) {
    Long value = Json.optLong(json, field, path, min, max);
    return value == null ? dflt : value.intValue();
  }

  private static String orDefault(String value, String dflt) {
    return value == null ? dflt : value;
  }

  @Override
  public String toString() {
    // Tokens must never reach a log.
    return "NodeConfig[nodeId=" + nodeId + ", http=" + httpHost + ":" + httpPort + ", cluster=" + clusterName
        + "@" + clusterHost + ":" + clusterPort + ", members=" + members + "]";
  }
}
