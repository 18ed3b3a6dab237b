package io.agentgovernor.analytics.impl;

import io.agentgovernor.bus.Addresses;
import io.agentgovernor.bus.AgentRouting;
import io.agentgovernor.bus.GovernorException;
import io.agentgovernor.bus.Ids;
import io.agentgovernor.bus.Json;
import io.agentgovernor.monitor.SampleBatch;
import io.agentgovernor.agent.RuntimeContext;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

/**
 * The analytics part's behaviour behind its event-bus addresses, for {@code AnalyticsVerticle}:
 * what the node's samples and events feed, the periodic and on-demand analysis, and the requests.
 * Queries are answered from the cluster-wide store, so any node answers for any agent.
 */
public final class AnalyticsService {

  private final Vertx vertx;
  private final RuntimeContext node;
  private final LocalWindows windows;
  private final AnalyticsStore store;
  private final AnalysisRunner runner;
  private final RecommendationApplier applier;
  private final ReportBuilder reports;
  private final AgentRouting routing;

  public AnalyticsService(Vertx vertx, RuntimeContext node, AnalyticsConfig config) {
    this.vertx = vertx;
    this.node = node;
    this.windows = new LocalWindows(node.nodeId(), config.resolutionMs(), config.windowMs(),
        config.recommendations());
    this.store = new AnalyticsStore(node.hazelcast(), config.retentionMs());
    this.applier = new RecommendationApplier(vertx, node, store);
    this.runner = new AnalysisRunner(vertx, node, config, windows, store, applier);
    this.reports = new ReportBuilder(vertx, node, store);
    this.routing = new AgentRouting(vertx, node.nodeId(), node.registry()::nodeOf);
  }

  public void onBatch(SampleBatch batch) {
    windows.onBatch(batch);
  }

  public void onEvent(Object body) {
    if (body instanceof JsonObject event) {
      windows.onEvent(event);
    }
  }

  /** The periodic analysis of this node's agents. */
  public void tick() {
    runner.tick();
  }

  /** {@link Addresses#ANALYTICS_PATTERNS}. */
  public Future<JsonObject> patterns(JsonObject request) {
    String agentId = Ids.require(Json.optString(request, "agentId", ""), "agentId");
    return stored(agentId).map(record -> new JsonObject().put("agentId", agentId)
        .put("time", record == null ? null : record.time())
        .put("patterns", record == null ? new JsonObject() : record.patterns()));
  }

  /** {@link Addresses#ANALYTICS_RECOMMENDATIONS}: open ones first, then those applied, newest first. */
  public Future<JsonObject> recommendations(JsonObject request) {
    String agentId = Ids.require(Json.optString(request, "agentId", ""), "agentId");
    return stored(agentId).map(record -> new JsonObject().put("agentId", agentId)
        .put("time", record == null ? null : record.time())
        .put("items", record == null ? new io.vertx.core.json.JsonArray() : record.itemsJson()));
  }

  /** {@link Addresses#ANALYTICS_APPLY}: {@code {"agentId", "recommendationId", "by"?}}. */
  public Future<JsonObject> apply(JsonObject request) {
    String agentId = Ids.require(Json.optString(request, "agentId", ""), "agentId");
    String id = Ids.require(Json.optString(request, "recommendationId", ""), "recommendationId");
    String by = Json.optString(request, "by", "");
    return applier.apply(agentId, id, by == null || by.isBlank() ? "operator" : by, null);
  }

  /** {@link Addresses#ANALYTICS_REPORT}. */
  public Future<JsonObject> report(JsonObject request) {
    return reports.report(request);
  }

  /**
   * {@link Addresses#ANALYTICS_RUN} as asked of any node: one agent is analysed on its node; all
   * agents means every node that holds agents analyses its own, and the counts are summed.
   */
  public Future<JsonObject> run(JsonObject request) {
    String agentId = Json.optString(request, "agentId", "");
    if (agentId != null) {
      Ids.require(agentId, "agentId");
      String owner = node.registry().nodeOf(agentId);
      if (owner == null) {
        throw GovernorException.notFound("agent", agentId);
      }
      return owner.equals(node.nodeId()) ? runLocal(request)
          : routing.forward(Addresses.ANALYTICS_RUN, owner, request).map(JsonObject.class::cast);
    }
    TreeSet<String> nodes = new TreeSet<>();
    nodes.add(node.nodeId());
    node.registry().placements().stream().map(p -> p.node()).filter(n -> n != null).forEach(nodes::add);
    List<Future<Object>> runs = new ArrayList<>();
    nodes.forEach(n -> runs.add(routing.forward(Addresses.ANALYTICS_RUN, n, new JsonObject())));
    return Future.join(runs).transform(x -> {
      int analysed = 0;
      for (Future<Object> r : runs) {
        analysed += r.succeeded() ? ((JsonObject) r.result()).getInteger("analysed", 0) : 0;
      }
      return Future.succeededFuture(new JsonObject().put("analysed", analysed).put("nodes", nodes.size()));
    });
  }

  /** The node-specific form of {@link Addresses#ANALYTICS_RUN}: this node's agents only. */
  public Future<JsonObject> runLocal(JsonObject request) {
    String agentId = Json.optString(request, "agentId", "");
    if (agentId != null) {
      Ids.require(agentId, "agentId");
    }
    return runner.run(agentId).map(n -> new JsonObject().put("analysed", n));
  }

  /** The agent's stored results; null when it is known but not analysed yet; NOT_FOUND when unknown. */
  private Future<AgentAnalytics> stored(String agentId) {
    return vertx.executeBlocking(() -> {
      AgentAnalytics record = store.get(agentId);
      if (record == null && node.registry().entry(agentId) == null) {
        throw GovernorException.notFound("agent", agentId);
      }
      return record;
    }, false);
  }
}
