package io.agentgovernor.budget;

import io.agentgovernor.bus.GovernorException;
import io.agentgovernor.bus.Ids;
import io.agentgovernor.bus.Json;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * A tenant: a named set of quota groups, the scope between a group and the cluster. A budget of
 * scope {@code tenant} bounds every agent of every group the tenant holds. JSON {@code {"name",
 * "groups": [group, ...]}}; a group need not exist yet (a group created later is held from then on).
 */
public record Tenant(String name, Set<String> groups) {

  /** A tenant holds at most this many groups (an operator's list, not a data set). */
  public static final int MAX_GROUPS = 1000;
  private static final Set<String> FIELDS = Set.of("name", "groups");

  public Tenant {
    Ids.require(name, "name");
    if (groups == null) {
      throw GovernorException.invalid("groups is required: a list of group names");
    }
    if (groups.size() > MAX_GROUPS) {
      throw GovernorException.invalid("a tenant holds at most " + MAX_GROUPS + " groups");
    }
    for (String g : groups) {
      Ids.require(g, "groups[] (a group name)");
    }
    groups = Collections.unmodifiableSet(new LinkedHashSet<>(groups));
  }

  /** Parses a tenant; unknown fields are refused. */
  public static Tenant fromJson(JsonObject json) {
    for (String field : json.fieldNames()) {
      if (!FIELDS.contains(field)) {
        throw GovernorException.invalid("unknown field '" + field + "' (a tenant has [groups, name])");
      }
    }
    JsonArray list = Json.optArray(json, "groups", "tenant");
    if (list == null) {
      throw GovernorException.invalid("groups is required: a list of group names");
    }
    if (list.size() > MAX_GROUPS) {
      throw GovernorException.invalid("a tenant holds at most " + MAX_GROUPS + " groups");
    }
    Set<String> groups = new LinkedHashSet<>();
    for (Object g : list) {
      groups.add(Ids.require(g instanceof String s ? s : null, "groups[] (a group name)"));
    }
    return new Tenant(Json.string(json, "name", "tenant"), groups);
  }

  public JsonObject toJson() {
    return new JsonObject().put("name", name).put("groups", new JsonArray(groups.stream().sorted().toList()));
  }
}
