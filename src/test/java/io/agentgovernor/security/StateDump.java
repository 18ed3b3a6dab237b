package io.agentgovernor.security;

import io.agentgovernor.bus.Addresses;
import io.agentgovernor.node.GovernorNode;
import io.agentgovernor.testing.TestNodes;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A node's governed state as one canonical JSON document, read through the event-bus list and get
 * addresses: every group ({@code GROUP_LIST}), every tenant ({@code TENANT_LIST}), every quota with its version ({@code QUOTA_LIST},
 * all pages) and every agent's registry entry ({@code AGENT_LIST}) with the status the agent
 * reports ({@code AGENT_GET}: a stateful-counter's count changes only if a message got through).
 * Keys are sorted at every level and lists by id, so two dumps of the same state are equal
 * strings and a difference names exactly what changed.
 */
final class StateDump {

  private StateDump() {
  }

  static String take(GovernorNode node) {
    JsonObject dump = new JsonObject()
        .put("groups", sorted(TestNodes.request(node, Addresses.GROUP_LIST, new JsonObject()).getJsonArray("items"), "name"))
        .put("quotas", sorted(allQuotas(node), "agentId"))
        .put("tenants", sorted(TestNodes.request(node, Addresses.TENANT_LIST, new JsonObject()).getJsonArray("items"), "name"));
    JsonArray agents = new JsonArray();
    for (Object o : TestNodes.request(node, Addresses.AGENT_LIST, new JsonObject().put("limit", 1000)).getJsonArray("items")) {
      JsonObject entry = ((JsonObject) o).copy();
      JsonObject live = TestNodes.request(node, Addresses.AGENT_GET, new JsonObject().put("id", entry.getString("id")));
      entry.put("liveState", live.getValue("state")).put("status", live.getValue("status"));
      agents.add(entry);
    }
    dump.put("agents", sorted(agents, "id"));
    return canonical(dump).encodePrettily();
  }

  private static JsonArray allQuotas(GovernorNode node) {
    JsonArray all = new JsonArray();
    int offset = 0;
    while (true) {
      JsonObject page = TestNodes.request(node, Addresses.QUOTA_LIST, new JsonObject().put("offset", offset).put("limit", 1000));
      JsonArray items = page.getJsonArray("items");
      items.forEach(all::add);
      offset += items.size();
      if (items.isEmpty() || offset >= page.getInteger("total")) {
        return all;
      }
    }
  }

  private static JsonArray sorted(JsonArray items, String key) {
    List<JsonObject> list = new ArrayList<>();
    items.forEach(o -> list.add((JsonObject) o));
    list.sort(Comparator.comparing(o -> String.valueOf(o.getValue(key))));
    return new JsonArray(new ArrayList<>(list));
  }

  private static Object canonical(Object value) {
    if (value instanceof JsonObject json) {
      Map<String, Object> map = new TreeMap<>();
      json.forEach(e -> map.put(e.getKey(), canonical(e.getValue())));
      return new JsonObject(new java.util.LinkedHashMap<>(map));
    }
    if (value instanceof JsonArray array) {
      JsonArray out = new JsonArray();
      array.forEach(v -> out.add(canonical(v)));
      return out;
    }
    return value;
  }

  private static JsonObject canonical(JsonObject json) {
    return (JsonObject) canonical((Object) json);
  }

  private static String cut(String line) {
    return line.length() > 160 ? line.substring(0, 140) + "...(" + line.length() + " chars)" : line;
  }

  /** The lines of {@code after} that differ from {@code before}, for a readable failure. */
  static String diff(String before, String after) {
    String[] a = before.split("\n");
    String[] b = after.split("\n");
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < Math.max(a.length, b.length); i++) {
      String x = i < a.length ? a[i] : "<none>";
      String y = i < b.length ? b[i] : "<none>";
      if (!x.equals(y)) {
        out.append("line ").append(i + 1).append(": ").append(cut(x.trim())).append("  ->  ").append(cut(y.trim())).append('\n');
        if (out.length() > 4000) {
          break;
        }
      }
    }
    return out.length() == 0 ? "none" : out.toString();
  }
}
