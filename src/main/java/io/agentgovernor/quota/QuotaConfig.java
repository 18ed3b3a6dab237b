package io.agentgovernor.quota;

import io.agentgovernor.bus.GovernorException;
import io.agentgovernor.bus.Json;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The {@code quota} section of the configuration: the seed quota groups and the node's default
 * escalation ladder (used wherever neither the limit nor its group names one).
 */
public record QuotaConfig(Map<String, QuotaGroup> groups, List<LadderStep> defaultLadder) {

  /**
   * Warn at once, throttle after 30 s, suspend after 5 min, terminate after 10 min: ours, chaining
   * the seed's escalation delays (a seed-style limit runs only its own action, see {@link SeedForm}).
   */
  public static final List<LadderStep> STANDARD_LADDER = List.of(
      LadderStep.of(ActionType.WARN, 0),
      LadderStep.of(ActionType.THROTTLE, 30_000),
      LadderStep.of(ActionType.SUSPEND, 300_000),
      LadderStep.of(ActionType.TERMINATE, 600_000));

  public QuotaConfig {
    groups = Map.copyOf(groups);
    defaultLadder = List.copyOf(defaultLadder);
  }

  public static QuotaConfig fromJson(JsonObject json) {
    Map<String, QuotaGroup> groups = new LinkedHashMap<>();
    JsonObject groupsJson = Json.optObject(json, "groups", "quota");
    if (groupsJson != null) {
      for (String name : groupsJson.fieldNames()) {
        JsonObject g = Json.optObject(groupsJson, name, "quota.groups");
        if (g == null) {
          throw GovernorException.invalid("quota.groups." + name + " must be a mapping");
        }
        try {
          groups.put(name, QuotaGroup.fromJson(g.copy().put("name", name)));
        } catch (GovernorException e) {
          throw new GovernorException(e.code(), "quota.groups." + name + ": " + e.getMessage());
        }
      }
    }
    List<LadderStep> ladder = new ArrayList<>();
    JsonArray steps = Json.optArray(json, "defaultLadder", "quota");
    if (steps == null) {
      ladder.addAll(STANDARD_LADDER);
    } else {
      for (int i = 0; i < steps.size(); i++) {
        String path = "quota.defaultLadder[" + i + "]";
        ladder.add(LadderStep.fromJson(Json.object(steps.getValue(i), path), path));
      }
    }
    return new QuotaConfig(groups, ladder);
  }

  public JsonObject toJson() {
    JsonObject groupsJson = new JsonObject();
    groups.forEach((n, g) -> groupsJson.put(n, g.toJson()));
    JsonArray steps = new JsonArray();
    defaultLadder.forEach(s -> steps.add(s.toJson()));
    return new JsonObject().put("groups", groupsJson).put("defaultLadder", steps);
  }
}
