package io.agentgovernor.quota;

import io.agentgovernor.bus.ErrorCode;
import io.agentgovernor.bus.GovernorException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The seed's way of writing limits and groups, accepted as input beside our own form and turned
 * into it before anything is validated, so a seed-style configuration means what the seed means.
 *
 * <ul>
 *   <li>A limit {@code {"soft_limit", "hard_limit", "burst_limit"?, "enforcement_action"}} is the
 *       limit {@code {"soft", "hard", "burst"?, "ladder": [one step]}}: the seed runs a limit's
 *       {@code enforcement_action} once a hard violation has lasted the action's escalation delay
 *       ({@link #escalationDelayMs}), so the ladder is that one step after that delay. Its
 *       {@code custom_handler} is our {@code custom}, named by a sibling {@code "handler"}. A
 *       {@code burst_limit} is our {@code burst} (tolerated for {@code burst_window_ms}, none by
 *       default); the seed's rule "burst → throttle" is not reproduced, as its own compliance check
 *       never reports a burst violation (it classifies hard and soft only).
 *   <li>A group's {@code default_limits} and {@code total_group_limit} are our
 *       {@code defaultLimits} and {@code totalLimits}.
 * </ul>
 *
 * <p>Nothing is ignored: a key that neither form knows, both spellings of one field, or a seed
 * field we do not implement ({@code scaling_policy}, which the seed leaves undefined) is refused
 * with a message naming it.
 */
public final class SeedForm {

  /**
   * The seed's escalation delays: warn at once, throttle after 30 s, suspend after 5 min,
   * terminate after 10 min; any other action at once (the seed looks the delay up with a default
   * of 0).
   */
  public static final Map<ActionType, Long> ESCALATION_DELAYS = Map.of(
      ActionType.WARN, 0L,
      ActionType.THROTTLE, 30_000L,
      ActionType.SUSPEND, 300_000L,
      ActionType.TERMINATE, 600_000L);

  private static final Set<String> LIMIT_KEYS = Set.of("soft", "hard", "burst", "burstWindowMs", "ladder", "custom");
  private static final Map<String, String> SEED_LIMIT_KEYS = Map.of(
      "soft_limit", "soft", "hard_limit", "hard", "burst_limit", "burst", "burst_window_ms", "burstWindowMs");
  private static final Set<String> GROUP_KEYS = Set.of("name", "description", "priority", "defaultLimits",
      "totalLimits", "ladder", "overcommit", "dryRun");
  /** Written by the store beside a group's fields; not part of the group. */
  private static final Set<String> STORED_GROUP_KEYS = Set.of("version", "conf");
  private static final Map<String, String> SEED_GROUP_KEYS = Map.of(
      "default_limits", "defaultLimits", "total_group_limit", "totalLimits");

  private SeedForm() {
  }

  /** How long the seed lets a hard violation last before it runs {@code action}. */
  public static long escalationDelayMs(ActionType action) {
    return ESCALATION_DELAYS.getOrDefault(action, 0L);
  }

  /** The one-step ladder a seed {@code enforcement_action} stands for. */
  public static LadderStep enforcementStep(ActionType action, String handler) {
    JsonObject params = action == ActionType.CUSTOM ? new JsonObject().put("handler", handler) : null;
    return new LadderStep(action, escalationDelayMs(action), params);
  }

  /**
   * A limit in our form: seed keys translated, unknown keys refused ({@link ErrorCode#INVALID_LIMIT}).
   *
   * @param resource the resource the limit is on (the seed's limit may repeat it as {@code type})
   */
  public static JsonObject limit(JsonObject json, String resource, String path) {
    JsonObject out = new JsonObject();
    for (String key : json.fieldNames()) {
      Object value = json.getValue(key);
      if (LIMIT_KEYS.contains(key)) {
        putOnce(out, key, value, path, key, ErrorCode.INVALID_LIMIT);
      } else if (SEED_LIMIT_KEYS.containsKey(key)) {
        putOnce(out, SEED_LIMIT_KEYS.get(key), value, path, key, ErrorCode.INVALID_LIMIT);
      } else if (key.equals("type")) {
        if (!String.valueOf(value).equals(resource)) {
          throw new GovernorException(ErrorCode.INVALID_LIMIT, path + ".type is '" + value
              + "' but the limit is listed under '" + resource + "'");
        }
      } else if (!key.equals("enforcement_action") && !key.equals("handler")) {
        throw new GovernorException(ErrorCode.INVALID_LIMIT, path + ": unknown field '" + key
            + "'; a limit has soft, hard, burst, burstWindowMs, ladder, custom (or the seed's soft_limit,"
            + " hard_limit, burst_limit, enforcement_action)");
      }
    }
    if (json.containsKey("enforcement_action")) {
      putOnce(out, "ladder", new JsonArray().add(enforcementStep(json, path).toJson()), path,
          "enforcement_action", ErrorCode.INVALID_LIMIT);
    } else if (json.containsKey("handler")) {
      throw new GovernorException(ErrorCode.INVALID_LIMIT,
          path + ".handler goes with \"enforcement_action\": \"custom_handler\" only");
    }
    return out;
  }

  private static LadderStep enforcementStep(JsonObject json, String path) {
    Object action = json.getValue("enforcement_action");
    if (!(action instanceof String name)) {
      throw new GovernorException(ErrorCode.INVALID_LIMIT, path + ".enforcement_action must be a string");
    }
    ActionType type;
    try {
      type = ActionType.parse(name.equals("custom_handler") ? "custom" : name);
    } catch (GovernorException e) {
      throw new GovernorException(ErrorCode.INVALID_LIMIT, path + ".enforcement_action: " + e.getMessage());
    }
    Object handler = json.getValue("handler");
    if (type == ActionType.CUSTOM && !(handler instanceof String)) {
      throw new GovernorException(ErrorCode.INVALID_LIMIT, path
          + ": \"enforcement_action\": \"" + name + "\" needs \"handler\": the name of the custom handler");
    }
    if (type != ActionType.CUSTOM && handler != null) {
      throw new GovernorException(ErrorCode.INVALID_LIMIT,
          path + ".handler goes with \"enforcement_action\": \"custom_handler\" only");
    }
    try {
      return enforcementStep(type, (String) handler);
    } catch (GovernorException e) {
      throw new GovernorException(ErrorCode.INVALID_LIMIT, path + ".enforcement_action: " + e.getMessage());
    }
  }

  /** A group in our form: seed keys translated, unknown keys refused ({@link ErrorCode#INVALID_GROUP}). */
  public static JsonObject group(JsonObject json) {
    JsonObject out = new JsonObject();
    for (String key : json.fieldNames()) {
      Object value = json.getValue(key);
      if (GROUP_KEYS.contains(key)) {
        putOnce(out, key, value, "", key, ErrorCode.INVALID_GROUP);
      } else if (SEED_GROUP_KEYS.containsKey(key)) {
        putOnce(out, SEED_GROUP_KEYS.get(key), value, "", key, ErrorCode.INVALID_GROUP);
      } else if (key.equals("scaling_policy")) {
        throw new GovernorException(ErrorCode.INVALID_GROUP,
            "scaling_policy is not supported: the seed names it without defining it; leave it out");
      } else if (!STORED_GROUP_KEYS.contains(key)) {
        throw new GovernorException(ErrorCode.INVALID_GROUP, "unknown field '" + key + "'; a group has "
            + List.of("name", "description", "priority", "defaultLimits", "totalLimits", "ladder", "overcommit", "dryRun")
            + " (or the seed's default_limits, total_group_limit)");
      }
    }
    return out;
  }

  /**
   * A quota request in our form: the seed's {@code quota_group} and {@code resource_limits} are
   * {@code group} and {@code limits}; other keys are left as they are.
   */
  public static JsonObject quotaRequest(JsonObject json) {
    if (!json.containsKey("quota_group") && !json.containsKey("resource_limits")) {
      return json;
    }
    JsonObject out = json.copy();
    rename(out, "quota_group", "group");
    rename(out, "resource_limits", "limits");
    return out;
  }

  private static void rename(JsonObject json, String seedKey, String ourKey) {
    if (json.containsKey(seedKey)) {
      if (json.containsKey(ourKey)) {
        throw GovernorException.invalid("give " + ourKey + " or the seed's " + seedKey + ", not both");
      }
      json.put(ourKey, json.remove(seedKey));
    }
  }

  private static void putOnce(JsonObject out, String key, Object value, String path, String given, ErrorCode code) {
    if (out.containsKey(key)) {
      String at = path.isEmpty() ? "" : path + ": ";
      throw new GovernorException(code, at + "'" + given + "' says again what another field already says ('"
          + key + "'); give one of them");
    }
    out.put(key, value);
  }
}
