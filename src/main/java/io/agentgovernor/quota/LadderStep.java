package io.agentgovernor.quota;

import io.agentgovernor.bus.ErrorCode;
import io.agentgovernor.bus.GovernorException;
import io.agentgovernor.bus.Json;
import io.vertx.core.json.JsonObject;

/**
 * One rung of an escalation ladder: run {@code action} once the hard violation has lasted
 * {@code afterMs}, with optional action parameters (for {@code custom}, {@code {"handler": name}}).
 */
public record LadderStep(ActionType action, long afterMs, JsonObject params) {

  /** One day: a longer delay is almost certainly a unit mistake. */
  public static final long MAX_DELAY_MS = 86_400_000L;

  public LadderStep {
    if (action == null) {
      throw new GovernorException(ErrorCode.INVALID_LIMIT, "a ladder step needs an action");
    }
    if (action == ActionType.RESUME) {
      throw new GovernorException(ErrorCode.INVALID_LIMIT, "resume is not an escalation step");
    }
    if (afterMs < 0 || afterMs > MAX_DELAY_MS) {
      throw new GovernorException(ErrorCode.INVALID_LIMIT,
          "ladder step '" + action.wireName() + "': afterMs must be in [0, " + MAX_DELAY_MS + "], got " + afterMs);
    }
    if (action == ActionType.CUSTOM && (params == null || !(params.getValue("handler") instanceof String))) {
      throw new GovernorException(ErrorCode.INVALID_LIMIT, "a custom ladder step needs params.handler (a name)");
    }
    params = params == null ? null : params.copy();
  }

  public static LadderStep of(ActionType action, long afterMs) {
    return new LadderStep(action, afterMs, null);
  }

  public JsonObject toJson() {
    JsonObject json = new JsonObject().put("action", action.wireName()).put("afterMs", afterMs);
    if (params != null) {
      json.put("params", params.copy());
    }
    return json;
  }

  public static LadderStep fromJson(JsonObject json, String path) {
    String action = Json.string(json, "action", path);
    ActionType type;
    try {
      type = ActionType.parse(action);
    } catch (GovernorException e) {
      throw new GovernorException(ErrorCode.INVALID_LIMIT, path + ": " + e.getMessage());
    }
    Double after = Json.optNumber(json, "afterMs", path);
    if (after != null && (after < 0 || after > MAX_DELAY_MS || after != Math.rint(after))) {
      throw new GovernorException(ErrorCode.INVALID_LIMIT,
          path + ".afterMs must be a whole number of milliseconds in [0, " + MAX_DELAY_MS + "], got " + after);
    }
    return new LadderStep(type, after == null ? 0 : after.longValue(), Json.optObject(json, "params", path));
  }
}
