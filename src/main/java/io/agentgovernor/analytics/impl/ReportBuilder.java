package io.agentgovernor.analytics.impl;

import io.agentgovernor.bus.Addresses;
import io.agentgovernor.bus.LocalFirst;
import io.agentgovernor.bus.ErrorCode;
import io.agentgovernor.bus.GovernorException;
import io.agentgovernor.bus.Ids;
import io.agentgovernor.bus.Json;
import io.agentgovernor.agent.RuntimeContext;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * The report of {@link Addresses#ANALYTICS_REPORT}, answerable on any node. Per agent: usage
 * statistics per resource over [from, to] from the monitor's history (asked of the agent's node
 * through {@link Addresses#MONITOR_MEASUREMENTS}; none for an agent that is gone), the violation
 * episodes the latest analysis saw, the enforcement actions from the cluster-wide history
 * ({@link Addresses#ENFORCEMENT_HISTORY}), and the stored patterns and recommendations. "All" is
 * every agent in the registry plus every agent with stored results.
 */
final class ReportBuilder {

  private static final long DEFAULT_RANGE_MS = 3_600_000;
  private static final DeliveryOptions REQUEST = new DeliveryOptions().setSendTimeout(10_000);

  private final Vertx vertx;
  private final RuntimeContext node;
  private final AnalyticsStore store;

  ReportBuilder(Vertx vertx, RuntimeContext node, AnalyticsStore store) {
    this.vertx = vertx;
    this.node = node;
    this.store = store;
  }

  Future<JsonObject> report(JsonObject request) {
    String agentId = Json.optString(request, "agentId", "");
    if (agentId != null) {
      Ids.require(agentId, "agentId");
    }
    long now = node.clock().millis();
    Long toArg = Json.optLong(request, "to", "", 0, Long.MAX_VALUE);
    Long fromArg = Json.optLong(request, "from", "", 0, Long.MAX_VALUE);
    long to = toArg == null ? now : toArg;
    long from = fromArg == null ? Math.max(0, to - DEFAULT_RANGE_MS) : fromArg;
    if (from > to) {
      throw new GovernorException(ErrorCode.INVALID_RANGE, "from (" + from + ") is after to (" + to + ")");
    }
    return vertx.executeBlocking(() -> stored(agentId), false)
        .compose(records -> {
          List<Future<JsonObject>> agents = new ArrayList<>();
          records.forEach((id, record) -> agents.add(agentReport(id, record, from, to)));
          return Future.all(agents).map(all -> {
            JsonArray items = new JsonArray();
            agents.forEach(f -> items.add(f.result()));
            return new JsonObject().put("from", from).put("to", to).put("time", now).put("agents", items);
          });
        });
  }

  /** The agents to report on, with their stored results (null where none yet), ordered by id. */
  private Map<String, AgentAnalytics> stored(String agentId) {
    TreeSet<String> ids = new TreeSet<>();
    if (agentId != null) {
      ids.add(agentId);
    } else {
      node.registry().placements().forEach(p -> ids.add(p.id()));
      ids.addAll(store.agentIds());
    }
    Map<String, AgentAnalytics> found = store.getAll(ids);
    if (agentId != null && found.isEmpty() && node.registry().entry(agentId) == null) {
      throw GovernorException.notFound("agent", agentId);
    }
    Map<String, AgentAnalytics> out = new java.util.TreeMap<>();
    ids.forEach(id -> out.put(id, found.get(id)));
    return out;
  }

  private Future<JsonObject> agentReport(String agentId, AgentAnalytics record, long from, long to) {
    JsonObject entry = node.registry().entry(agentId);
    return Future.all(usage(agentId, entry != null, from, to), actions(agentId, from, to)).map(both -> {
      JsonObject out = new JsonObject().put("agentId", agentId)
          .put("node", entry != null ? entry.getString("node") : record == null ? null : record.node())
          .put("group", entry != null ? entry.getString("group") : record == null ? null : record.group())
          .put("state", entry != null ? entry.getString("state") : "terminated")
          .put("usage", both.resultAt(0))
          .put("violations", ReportStats.violations(record == null ? new JsonArray() : record.violations(), from, to))
          .put("actions", both.resultAt(1));
      return out.put("analysedAt", record == null ? null : record.time())
          .put("patterns", record == null ? new JsonObject() : record.patterns())
          .put("recommendations", record == null ? new JsonArray() : record.itemsJson());
    });
  }

  private Future<JsonObject> usage(String agentId, boolean live, long from, long to) {
    if (!live) {
      return Future.succeededFuture(new JsonObject());
    }
    return LocalFirst.<JsonObject>request(vertx, Addresses.MONITOR_MEASUREMENTS, new JsonObject()
            .put("agentId", agentId).put("from", from).put("to", to), REQUEST)
        .map(reply -> {
          JsonObject series = reply.body().getJsonObject("series", new JsonObject());
          JsonObject usage = new JsonObject();
          for (String resource : series.fieldNames()) {
            JsonObject stats = ReportStats.usage(series.getJsonArray(resource));
            if (stats != null) {
              usage.put(resource, stats);
            }
          }
          return usage;
        })
        // the agent may have gone between the registry read and the request
        .recover(e -> Future.succeededFuture(new JsonObject()));
  }

  private Future<JsonObject> actions(String agentId, long from, long to) {
    return LocalFirst.<JsonObject>request(vertx, Addresses.ENFORCEMENT_HISTORY, new JsonObject()
            .put("agentId", agentId).put("limit", 200), REQUEST)
        .map(reply -> ReportStats.actions(reply.body().getJsonArray("items", new JsonArray()), from, to))
        .recover(e -> Future.succeededFuture(ReportStats.actions(new JsonArray(), from, to)));
  }
}
