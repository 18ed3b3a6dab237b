package io.agentgovernor.analytics.impl;

import io.agentgovernor.bus.Events;
import io.agentgovernor.analytics.pattern.PatternAnalyzer;
import io.agentgovernor.analytics.pattern.PatternConfig;
import io.agentgovernor.analytics.recommend.RecommendationType;
import io.agentgovernor.bus.Addresses;
import io.agentgovernor.bus.GovernorException;
import io.agentgovernor.agent.RuntimeContext;
import io.agentgovernor.quota.CompiledQuota;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One analysis of this node's agents (or of one of them). Runs never overlap: a run asked for
 * while one is going starts after it. Agents are taken in chunks: the chunk's windows are copied
 * on the event loop, then analysed and merged into the store on a worker, each agent's entry on
 * its own (never clearing anyone else's results). New recommendations are published as events,
 * and where the agent's group auto-applies, each eligible one is applied one guarded step.
 */
final class AnalysisRunner {

  private static final Logger LOG = LoggerFactory.getLogger(AnalysisRunner.class);
  private static final int CHUNK = 500;

  private final Vertx vertx;
  private final RuntimeContext node;
  private final AnalyticsConfig config;
  private final LocalWindows windows;
  private final AnalyticsStore store;
  private final RecommendationApplier applier;
  private final AgentAnalyzer analyzer;
  private Future<Integer> tail = Future.succeededFuture(0);
  private boolean running;

  AnalysisRunner(Vertx vertx, RuntimeContext node, AnalyticsConfig config, LocalWindows windows, AnalyticsStore store,
                 RecommendationApplier applier) {
    this.vertx = vertx;
    this.node = node;
    this.config = config;
    this.windows = windows;
    this.store = store;
    this.applier = applier;
    PatternConfig patterns = PatternConfig.custom().window(Duration.ofMillis(config.windowMs())).build();
    this.analyzer = new AgentAnalyzer(node.clock(), new PatternAnalyzer(node.clock(), patterns),
        config.recommendations(), config.windowMs());
  }

  /** The periodic run: skipped while another is still going, so a slow one never piles up. */
  void tick() {
    if (!running) {
      run(null).onFailure(e -> LOG.warn("analysis failed: {}", e.toString()));
    }
  }

  /**
   * Analyses one local agent, or all when {@code agentId} is null.
   *
   * @return how many agents were analysed
   */
  Future<Integer> run(String agentId) {
    if (agentId != null && windows.get(agentId) == null) {
      return Future.failedFuture(node.localAgents().get(agentId) == null ? GovernorException.notFound("agent", agentId)
          : GovernorException.notFound("samples of agent", agentId));
    }
    Future<Integer> next = tail.transform(x -> {
      running = true;
      return runNow(agentId).eventually(() -> {
        running = false;
        return Future.succeededFuture();
      });
    });
    tail = next;
    return next;
  }

  private Future<Integer> runNow(String agentId) {
    long now = node.clock().millis();
    List<String> ids = agentId != null ? List.of(agentId) : windows.agentIds(now);
    Future<Integer> done = Future.succeededFuture(0);
    for (int from = 0; from < ids.size(); from += CHUNK) {
      List<String> chunk = ids.subList(from, Math.min(ids.size(), from + CHUNK));
      done = done.compose(n -> analyseChunk(chunk, now).map(m -> n + m));
    }
    return done;
  }

  private record Outcome(AgentAnalytics record, List<StoredRecommendation> added) {
  }

  private Future<Integer> analyseChunk(List<String> ids, long now) {
    List<AgentSnapshot> snapshots = new ArrayList<>(ids.size());
    List<CompiledQuota> quotas = new ArrayList<>(ids.size());
    for (String id : ids) {
      AgentWindow window = windows.get(id);
      if (window != null) {
        snapshots.add(AgentSnapshot.of(window, now));
        quotas.add(node.quotaIndex().get(id));
      }
    }
    return vertx.executeBlocking(() -> {
      List<Outcome> outcomes = new ArrayList<>(snapshots.size());
      for (int i = 0; i < snapshots.size(); i++) {
        outcomes.add(analyseOne(snapshots.get(i), quotas.get(i)));
      }
      return outcomes;
    }, false).compose(outcomes -> {
      outcomes.forEach(o -> o.added().forEach(r -> announce(o.record(), r)));
      return autoApply(outcomes).map(outcomes.size());
    });
  }

  private Outcome analyseOne(AgentSnapshot snapshot, CompiledQuota quota) {
    AgentAnalyzer.Result result = analyzer.analyze(snapshot, quota == null ? null : quota.quota());
    List<StoredRecommendation> added = new ArrayList<>();
    AgentAnalytics stored = store.update(snapshot.agentId(), previous -> {
      AgentAnalytics.Merge merge = AgentAnalytics.merge(previous, result, node.nodeId(),
          LocalWindows.episodesJson(snapshot), LocalWindows.actionsJson(snapshot));
      added.clear();
      added.addAll(merge.added());
      return merge.record();
    });
    return new Outcome(stored, added);
  }

  private void announce(AgentAnalytics record, StoredRecommendation rec) {
    vertx.eventBus().publish(Addresses.EVENTS, Events.recommendation(record.agentId(), node.nodeId(), record.time(), "open")
        .put("recommendationId", rec.id()).put("resource", rec.resource()).put("recommendation", rec.toJson()));
  }

  /** One guarded step per eligible open recommendation; a failure is logged, never fails the run. */
  private Future<Void> autoApply(List<Outcome> outcomes) {
    List<Future<?>> applies = new ArrayList<>();
    for (Outcome o : outcomes) {
      AnalyticsConfig.AutoApply auto = o.record().group() == null ? null : config.autoApply().get(o.record().group());
      if (auto == null) {
        continue;
      }
      for (StoredRecommendation r : o.record().items()) {
        if (r.status() == StoredRecommendation.Status.OPEN && r.confidence() >= auto.minConfidence()
            && auto.types().contains(RecommendationType.valueOf(r.type().toUpperCase(Locale.ROOT)))) {
          applies.add(applier.apply(o.record().agentId(), r.id(), "auto-apply", auto.maxChangeFraction())
              .onFailure(e -> LOG.info("auto-apply of {} to {} not done: {}", r.id(), o.record().agentId(),
                  e.getMessage())));
        }
      }
    }
    return Future.join(applies).mapEmpty();
  }
}
