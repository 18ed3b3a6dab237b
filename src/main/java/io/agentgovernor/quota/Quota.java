package io.agentgovernor.quota;

import io.agentgovernor.bus.ErrorCode;
import io.agentgovernor.bus.GovernorException;
import io.agentgovernor.bus.Ids;
import io.agentgovernor.bus.Json;
import io.agentgovernor.cluster.Versions;
import io.vertx.core.json.JsonObject;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One agent's quota: its group, priority and a limit per resource.
 *
 * <p>Immutable. For the hot path, {@link CompiledQuota} holds the limits in an array indexed by
 * built-in resource.
 *
 * @param version incremented by every stored update; used for optimistic concurrency
 */
public record Quota(String agentId, String group, int priority, Map<String, Limit> limits, boolean dryRun,
                    long createdAt, long updatedAt, long version) {

  public Quota {
    Ids.require(agentId, "agentId");
    Ids.require(group, "group");
    if (priority < QuotaGroup.MIN_PRIORITY || priority > QuotaGroup.MAX_PRIORITY) {
      throw GovernorException.invalid("priority must be in [" + QuotaGroup.MIN_PRIORITY + ", "
          + QuotaGroup.MAX_PRIORITY + "], got " + priority);
    }
    limits = Collections.unmodifiableMap(new LinkedHashMap<>(limits));
    limits.forEach((name, limit) -> Resource.resolve(name, limit.custom()));
  }

  /**
   * The quota an agent gets from its group: the group's default limits, each replaced by the
   * override of the same resource if given.
   */
  public static Quota fromGroup(String agentId, QuotaGroup group, Integer priority, Map<String, Limit> overrides,
                                boolean dryRun, long now) {
    Map<String, Limit> limits = new LinkedHashMap<>(group.defaultLimits());
    if (overrides != null) {
      limits.putAll(overrides);
    }
    return new Quota(agentId, group.name(), priority == null ? group.priority() : priority, limits,
        dryRun || group.dryRun(), now, now, Versions.next(0, now));
  }

  /** The limit for a resource name, or null. */
  public Limit limit(String resource) {
    return limits.get(resource);
  }

  /** This quota with another group, priority, limits or dry-run flag: same creation time, next version. */
  public Quota updated(String group, int priority, Map<String, Limit> limits, boolean dryRun, long now) {
    return new Quota(agentId, group, priority, limits, dryRun, createdAt, now, Versions.next(version, now));
  }

  public JsonObject toJson() {
    JsonObject limitsJson = new JsonObject();
    limits.forEach((r, l) -> limitsJson.put(r, l.toJson()));
    return new JsonObject()
        .put("agentId", agentId)
        .put("group", group)
        .put("priority", priority)
        .put("limits", limitsJson)
        .put("dryRun", dryRun)
        .put("createdAt", createdAt)
        .put("updatedAt", updatedAt)
        .put("version", version);
  }

  /** Reads a stored quota (trusted, written by {@link #toJson()}). */
  public static Quota fromJson(JsonObject json) {
    return new Quota(
        json.getString("agentId"),
        json.getString("group"),
        json.getInteger("priority", 5),
        QuotaGroup.limitsFromJson(json.getJsonObject("limits"), "limits"),
        json.getBoolean("dryRun", false),
        json.getLong("createdAt", 0L),
        json.getLong("updatedAt", 0L),
        json.getLong("version", 1L));
  }

  /**
   * A client's request to create or change a quota: {@code {"group", "priority"?, "limits"?,
   * "dryRun"?, "version"?}} (or the seed's {@code quota_group} and {@code resource_limits}).
   * Validated here; the group is resolved by the caller.
   *
   * @param expectedVersion when given, the update applies only if the stored version matches
   */
  public record Request(String group, Integer priority, Map<String, Limit> limits, Boolean dryRun,
                        Long expectedVersion) {

    public static Request fromJson(JsonObject given) {
      JsonObject json = SeedForm.quotaRequest(given);
      String group = Json.optString(json, "group", "");
      if (group != null) {
        Ids.require(group, "group");
      }
      Long priority = Json.optLong(json, "priority", "", QuotaGroup.MIN_PRIORITY, QuotaGroup.MAX_PRIORITY);
      JsonObject limitsJson = Json.optObject(json, "limits", "");
      Map<String, Limit> limits = limitsJson == null ? null : QuotaGroup.limitsFromJson(limitsJson, "limits");
      Long version = Json.optLong(json, "version", "", 1, Long.MAX_VALUE);
      return new Request(group, priority == null ? null : priority.intValue(), limits,
          Json.optBoolean(json, "dryRun", ""), version);
    }

    public Request {
      if (limits != null && limits.size() > 64) {
        throw new GovernorException(ErrorCode.INVALID_LIMIT, "at most 64 limits per quota");
      }
    }
  }
}
