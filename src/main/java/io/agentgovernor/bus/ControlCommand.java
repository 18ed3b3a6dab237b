package io.agentgovernor.bus;

import io.vertx.core.json.JsonObject;

/**
 * A control command for one agent: the request of {@link Addresses#RUNTIME_CONTROL},
 * {@code {"agentId", "command", "params"?}}. Senders build it with the factory of its kind
 * instead of writing the JSON by hand; the runtime reads the kind with {@link Kind#of}.
 */
public record ControlCommand(String agentId, Kind kind, JsonObject params) {

  /** The commands the runtime carries out, by wire name. */
  public enum Kind {
    THROTTLE("throttle"), SUSPEND("suspend"), RESUME("resume"), NOTICE("notice"), SCALE_DOWN("scale_down"),
    DEGRADE("degrade"), SNAPSHOT("snapshot"), UNDEPLOY("undeploy"), MIGRATE_OUT("migrate_out"), FENCE("fence");

    private final String wireName;

    Kind(String wireName) {
      this.wireName = wireName;
    }

    public String wireName() {
      return wireName;
    }

    /** The kind of a wire name; INVALID_REQUEST naming it when there is none. */
    public static Kind of(String wireName) {
      for (Kind k : values()) {
        if (k.wireName.equals(wireName)) {
          return k;
        }
      }
      throw GovernorException.invalid("unknown control command '" + wireName + "'");
    }
  }

  /** Paces the agent by {@code factor} in (0, 1]; 1 lifts the throttle. */
  public static ControlCommand throttle(String agentId, double factor) {
    return new ControlCommand(agentId, Kind.THROTTLE, new JsonObject().put("factor", factor));
  }

  public static ControlCommand suspend(String agentId) {
    return new ControlCommand(agentId, Kind.SUSPEND, null);
  }

  public static ControlCommand resume(String agentId) {
    return new ControlCommand(agentId, Kind.RESUME, null);
  }

  /**
   * Stops this node's copy of an agent that now lives elsewhere (a newer epoch owns it, on node
   * {@code owner}, or wherever the registry places it when null), handing what waits in its inbox
   * to that copy.
   */
  public static ControlCommand fence(String agentId, String owner) {
    return new ControlCommand(agentId, Kind.FENCE, owner == null ? null : new JsonObject().put("owner", owner));
  }

  /** Tells the agent it will be undeployed after {@code graceMs}. */
  public static ControlCommand notice(String agentId, long graceMs) {
    return new ControlCommand(agentId, Kind.NOTICE, new JsonObject().put("graceMs", graceMs));
  }

  /** Undeploys the agent (and its quota). */
  public static ControlCommand undeploy(String agentId) {
    return new ControlCommand(agentId, Kind.UNDEPLOY, new JsonObject());
  }

  /** Asks the agent to bring {@code resource} down to {@code target} by {@code deadline} (epoch ms). */
  public static ControlCommand scaleDown(String agentId, String resource, double target, long deadline) {
    return new ControlCommand(agentId, Kind.SCALE_DOWN,
        new JsonObject().put("resource", resource).put("target", target).put("deadline", deadline));
  }

  /** Asks the agent to apply ({@code active}) or lift a degradation strategy. */
  public static ControlCommand degrade(String agentId, String strategy, JsonObject params, boolean active) {
    return new ControlCommand(agentId, Kind.DEGRADE,
        new JsonObject().put("strategy", strategy).put("params", params).put("active", active));
  }

  /** Moves the agent to node {@code target}. */
  public static ControlCommand migrateOut(String agentId, String target) {
    return new ControlCommand(agentId, Kind.MIGRATE_OUT, new JsonObject().put("target", target));
  }

  /** The request body; {@code params} only when the command has them. */
  public JsonObject toJson() {
    JsonObject json = new JsonObject().put("agentId", agentId).put("command", kind.wireName());
    if (params != null) {
      json.put("params", params);
    }
    return json;
  }
}
