package io.agentgovernor.admin.feed;

import io.agentgovernor.bus.GovernorException;
import io.agentgovernor.bus.Ids;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * Which events a subscriber wants: by type and by agent, each an allow-list where empty means all.
 * An event without an agent (a node or degradation event) passes an agent filter only if no agent
 * is named.
 */
public record FeedFilter(Set<String> types, Set<String> agents) {

  private static final int MAX_ENTRIES = 1000;

  public static final FeedFilter ALL = new FeedFilter(Set.of(), Set.of());

  public boolean matches(FeedEvent event) {
    return (types.isEmpty() || types.contains(event.type()))
        && (agents.isEmpty() || event.agentId() != null && agents.contains(event.agentId()));
  }

  /** From query parameters {@code types=a,b} and {@code agents=x,y} (either may be null). */
  public static FeedFilter fromQuery(String types, String agents) {
    return new FeedFilter(split(types, "types"), split(agents, "agents"));
  }

  /** From a subscribe message's {@code {"types": [...], "agents": [...]}}. */
  public static FeedFilter fromJson(JsonObject json) {
    return new FeedFilter(set(json.getValue("types"), "types"), set(json.getValue("agents"), "agents"));
  }

  public JsonObject toJson() {
    return new JsonObject().put("types", new JsonArray(types.stream().toList()))
        .put("agents", new JsonArray(agents.stream().toList()));
  }

  private static Set<String> split(String csv, String what) {
    return csv == null || csv.isBlank() ? Set.of() : checked(Arrays.asList(csv.split(",")), what);
  }

  private static Set<String> set(Object value, String what) {
    if (value == null) {
      return Set.of();
    }
    if (!(value instanceof JsonArray array)) {
      throw GovernorException.invalid(what + " must be an array of strings");
    }
    return checked(array.getList(), what);
  }

  private static Set<String> checked(Iterable<?> values, String what) {
    Set<String> out = new LinkedHashSet<>();
    for (Object v : values) {
      if (!(v instanceof String s)) {
        throw GovernorException.invalid(what + " must hold strings");
      }
      out.add(Ids.require(s.trim(), what));
      if (out.size() > MAX_ENTRIES) {
        throw GovernorException.invalid(what + " may name at most " + MAX_ENTRIES);
      }
    }
    return Set.copyOf(out);
  }
}
