package io.agentgovernor.quota;

import io.agentgovernor.bus.ErrorCode;
import io.agentgovernor.bus.GovernorException;
import io.agentgovernor.bus.Ids;
import io.agentgovernor.bus.Json;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A quota group: the default limits its agents start from, the ladder they escalate through when
 * a limit names none, and totals over all its agents in the whole cluster.
 *
 * @param priority the priority its agents get unless their quota says otherwise (higher = more
 *     important; the lowest are degraded and enforced first)
 * @param overcommit how far what its agents are promised (the sum of their soft limits) may exceed
 *     a total at admission (1.0 = not at all; 2.0 = twice the total); measured usage is held to
 *     the total itself at run time
 * @param dryRun decisions for its agents are recorded, never applied
 */
public record QuotaGroup(String name, String description, int priority, Map<String, Limit> defaultLimits,
                         Map<String, Double> totalLimits, List<LadderStep> ladder, double overcommit,
                         boolean dryRun) {

  public static final int MIN_PRIORITY = 0;
  public static final int MAX_PRIORITY = 10;

  public QuotaGroup {
    Ids.require(name, "group name");
    description = description == null ? "" : description;
    if (priority < MIN_PRIORITY || priority > MAX_PRIORITY) {
      throw new GovernorException(ErrorCode.INVALID_GROUP,
          "group '" + name + "': priority must be in [" + MIN_PRIORITY + ", " + MAX_PRIORITY + "]");
    }
    if (!(overcommit >= 1.0 && overcommit <= 100.0)) {
      throw new GovernorException(ErrorCode.INVALID_GROUP,
          "group '" + name + "': overcommit must be in [1, 100], got " + overcommit);
    }
    defaultLimits = Collections.unmodifiableMap(new LinkedHashMap<>(defaultLimits == null ? Map.of() : defaultLimits));
    totalLimits = Collections.unmodifiableMap(new LinkedHashMap<>(totalLimits == null ? Map.of() : totalLimits));
    for (Map.Entry<String, Double> total : totalLimits.entrySet()) {
      Double v = total.getValue();
      if (v == null || !(v >= 0) || v > Limit.MAX_AMOUNT) {
        throw new GovernorException(ErrorCode.INVALID_GROUP,
            "group '" + name + "': totalLimits." + total.getKey() + " must be a number in [0, " + Limit.MAX_AMOUNT + "]");
      }
    }
    ladder = ladder == null ? List.of() : List.copyOf(ladder);
  }

  public JsonObject toJson() {
    JsonObject limits = new JsonObject();
    defaultLimits.forEach((r, l) -> limits.put(r, l.toJson()));
    JsonObject totals = new JsonObject();
    totalLimits.forEach((r, v) -> totals.put(r, Json.num(v)));
    JsonArray steps = new JsonArray();
    ladder.forEach(s -> steps.add(s.toJson()));
    return new JsonObject()
        .put("name", name)
        .put("description", description)
        .put("priority", priority)
        .put("defaultLimits", limits)
        .put("totalLimits", totals)
        .put("ladder", steps)
        .put("overcommit", overcommit)
        .put("dryRun", dryRun);
  }

  /** The longest description a group may have. */
  public static final int MAX_DESCRIPTION = 1024;

  /**
   * Reads a group from untrusted JSON, in our form or the seed's ({@link SeedForm#group}); every
   * error names the field at fault, and unknown fields are refused, never ignored.
   */
  public static QuotaGroup fromJson(JsonObject given) {
    JsonObject json = SeedForm.group(given);
    String name = Json.string(json, "name", "");
    Ids.require(name, "group name");
    String description = Json.optString(json, "description", "");
    if (description != null && description.length() > MAX_DESCRIPTION) {
      // Groups live in a replicated Hazelcast map and in every node's mirror: no megabyte prose.
      throw new GovernorException(ErrorCode.INVALID_GROUP, "description must be at most " + MAX_DESCRIPTION + " characters");
    }
    Long priority = Json.optLong(json, "priority", "", MIN_PRIORITY, MAX_PRIORITY);
    Double overcommit = Json.optNumber(json, "overcommit", "");
    Boolean dryRun = Json.optBoolean(json, "dryRun", "");
    Map<String, Limit> limits = limitsFromJson(Json.optObject(json, "defaultLimits", ""), "defaultLimits");
    Map<String, Double> totals = new LinkedHashMap<>();
    JsonObject totalJson = Json.optObject(json, "totalLimits", "");
    if (totalJson != null) {
      for (String resource : totalJson.fieldNames()) {
        Resource r = Resource.builtIn(resource);
        if (r == null && !limits.containsKey(resource)) {
          throw new GovernorException(ErrorCode.UNKNOWN_RESOURCE,
              "totalLimits." + resource + ": unknown resource (declare custom resources in defaultLimits)");
        }
        totals.put(resource, Json.number(totalJson, resource, "totalLimits"));
      }
    }
    List<LadderStep> ladder = new ArrayList<>();
    JsonArray steps = Json.optArray(json, "ladder", "");
    if (steps != null) {
      for (int i = 0; i < steps.size(); i++) {
        ladder.add(LadderStep.fromJson(Json.object(steps.getValue(i), "ladder[" + i + "]"), "ladder[" + i + "]"));
      }
    }
    return new QuotaGroup(name, description, priority == null ? 5 : priority.intValue(), limits, totals, ladder,
        overcommit == null ? 1.0 : overcommit, dryRun != null && dryRun);
  }

  /**
   * Reads a {@code {resource: Limit}} object. Resource names must be built in, or the limit must
   * say {@code "custom": true}.
   */
  public static Map<String, Limit> limitsFromJson(JsonObject json, String path) {
    Map<String, Limit> limits = new LinkedHashMap<>();
    if (json == null) {
      return limits;
    }
    for (String resource : json.fieldNames()) {
      JsonObject limitJson = Json.optObject(json, resource, path);
      if (limitJson == null) {
        throw GovernorException.invalid(path + "." + resource + " must be a limit object");
      }
      Limit limit = Limit.fromJson(limitJson, path + "." + resource);
      Resource.resolve(resource, limit.custom());
      limits.put(resource, limit);
    }
    return limits;
  }
}
