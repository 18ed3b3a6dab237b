package io.agentgovernor.bridge;

import io.agentgovernor.bus.GovernorException;
import io.agentgovernor.bus.Json;
import io.vertx.core.json.JsonObject;
import java.util.Set;

/**
 * The {@code bridge} section: where outside agents connect and the bounds every connection lives
 * within. Validated at node start ({@code GovernorNode.validate}): an unknown
 * field or a value outside its range stops the node with the path at fault.
 *
 * @param enabled           whether the node serves the bridge at all
 * @param port              TCP port on the cluster host; 0 turns the bridge off
 * @param maxFrameBytes     largest frame (its JSON, after the 4-byte length) a client may send; a
 *                          larger length closes the connection before any of it is buffered
 * @param maxConnections    connections bound to an agent at once; a register beyond it is refused
 * @param maxUnregistered   connections not yet registered; the oldest is closed to admit a new one
 * @param registerTimeoutMs time a new connection has to register before it is closed
 * @param idleTimeoutMs     a registered connection that sends no frame for this long is closed
 * @param leaseGraceMs      an agent outlives its connection this long; a reconnect with its secret
 *                          within the grace takes it back
 * @param leaseExpiry       what happens to an agent whose grace ran out: {@code undeploy} or {@code suspend}
 * @param maxRefusals       refused frames a connection may send before it is closed
 */
public record BridgeConfig(boolean enabled, int port, int maxFrameBytes, int maxConnections, int maxUnregistered,
                           long registerTimeoutMs, long idleTimeoutMs, long leaseGraceMs, LeaseExpiry leaseExpiry,
                           int maxRefusals) {

  /** What becomes of an agent whose connection stayed away past the grace. */
  public enum LeaseExpiry { UNDEPLOY, SUSPEND }

  private static final String PATH = "bridge";
  private static final Set<String> FIELDS = Set.of("enabled", "port", "maxFrameBytes", "maxConnections",
      "maxUnregistered", "registerTimeoutMs", "idleTimeoutMs", "leaseGraceMs", "leaseExpiry", "maxRefusals");

  /** The defaults, as {@code conf/governor.yaml} documents them. */
  public static BridgeConfig ofDefaults() {
    return fromJson(new JsonObject());
  }

  /** Reads and validates the section; fails INVALID_REQUEST naming the field at fault. */
  public static BridgeConfig fromJson(JsonObject json) {
    for (String field : json.fieldNames()) {
      if (!FIELDS.contains(field)) {
        throw GovernorException.invalid(PATH + ": unknown field '" + field + "': expected one of "
            + FIELDS.stream().sorted().toList());
      }
    }
    Boolean enabled = Json.optBoolean(json, "enabled", PATH);
    return new BridgeConfig(
        enabled == null || enabled,
        (int) whole(json, "port", 7001, 0, 65_535),
        (int) whole(json, "maxFrameBytes", 64 * 1024, 1024, 16 << 20),
        (int) whole(json, "maxConnections", 1024, 1, 100_000),
        (int) whole(json, "maxUnregistered", 64, 1, 100_000),
        whole(json, "registerTimeoutMs", 10_000, 100, 600_000),
        whole(json, "idleTimeoutMs", 60_000, 500, 86_400_000),
        whole(json, "leaseGraceMs", 30_000, 0, 86_400_000),
        leaseExpiry(Json.optString(json, "leaseExpiry", PATH)),
        (int) whole(json, "maxRefusals", 16, 1, 10_000));
  }

  /** Whether a node with this configuration listens at all. */
  public boolean serves() {
    return enabled && port > 0;
  }

  /** How often connections and leases are checked: a quarter of the shortest deadline, within [50 ms, 1 s]. */
  public long sweepIntervalMs() {
    long shortest = Math.min(registerTimeoutMs, idleTimeoutMs);
    if (leaseGraceMs > 0) {
      shortest = Math.min(shortest, leaseGraceMs);
    }
    return Math.max(50, Math.min(1000, shortest / 4));
  }

  private static LeaseExpiry leaseExpiry(String text) {
    if (text == null || text.equals("undeploy")) {
      return LeaseExpiry.UNDEPLOY;
    }
    if (text.equals("suspend")) {
      return LeaseExpiry.SUSPEND;
    }
    throw GovernorException.invalid(PATH + ".leaseExpiry must be undeploy or suspend, got '" + text + "'");
  }

  private static long whole(JsonObject json, String field, long dflt, long min, long max) {
    Long value = Json.optLong(json, field, PATH, min, max);
    return value == null ? dflt : value;
  }
}
