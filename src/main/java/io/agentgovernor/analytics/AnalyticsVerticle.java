package io.agentgovernor.analytics;

import io.agentgovernor.analytics.impl.AnalyticsConfig;
import io.agentgovernor.analytics.impl.AnalyticsService;
import io.agentgovernor.bus.Addresses;
import io.agentgovernor.bus.Handlers;
import io.agentgovernor.monitor.MonitorVerticle;
import io.agentgovernor.monitor.SampleBatch;
import io.agentgovernor.agent.RuntimeContext;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.function.Function;

/**
 * The analytics part: keeps a bounded window of each local agent's usage (from the node's sample
 * batches) and of its violations and enforcement actions (from the samples and the
 * {@code enforcement} events), analyses this node's agents every {@code analytics.intervalMs}
 * (default 5 min) and on {@link Addresses#ANALYTICS_RUN}, on a worker, and stores each agent's
 * patterns and recommendations cluster-wide, so any node answers {@link Addresses#ANALYTICS_PATTERNS},
 * {@link Addresses#ANALYTICS_RECOMMENDATIONS}, {@link Addresses#ANALYTICS_APPLY} and
 * {@link Addresses#ANALYTICS_REPORT}. Each new recommendation is published as a
 * {@code recommendation} event; groups listed under {@code analytics.autoApply} get theirs applied
 * automatically, one bounded step per analysis.
 */
public final class AnalyticsVerticle extends VerticleBase {

  private final RuntimeContext node;
  private AnalyticsConfig config;
  private AnalyticsService analytics;

  public AnalyticsVerticle(RuntimeContext node) {
    this.node = node;
  }

  /** Checks the {@code analytics} section; throws naming the fault. */
  public static void validate(JsonObject analytics) {
    AnalyticsConfig.fromJson(analytics);
  }

  @Override
  public Future<?> start() {
    config = AnalyticsConfig.fromJson(config());
    analytics = new AnalyticsService(vertx, node, config);
    return Future.all(List.of(followSamples(), followEvents(), answerQueries(), acceptCommands()))
        .onSuccess(v -> scheduleAnalysis());
  }

  private Future<?> followSamples() {
    return vertx.eventBus().<SampleBatch>localConsumer(MonitorVerticle.SAMPLES, m -> analytics.onBatch(m.body()))
        .completion();
  }

  private Future<?> followEvents() {
    return vertx.eventBus().consumer(Addresses.EVENTS, m -> analytics.onEvent(m.body())).completion();
  }

  private Future<?> answerQueries() {
    return Future.all(
        consume(Addresses.ANALYTICS_PATTERNS, analytics::patterns),
        consume(Addresses.ANALYTICS_RECOMMENDATIONS, analytics::recommendations),
        consume(Addresses.ANALYTICS_REPORT, analytics::report));
  }

  private Future<?> acceptCommands() {
    return Future.all(
        consume(Addresses.ANALYTICS_APPLY, analytics::apply),
        consume(Addresses.ANALYTICS_RUN, analytics::run),
        consume(Addresses.onNode(Addresses.ANALYTICS_RUN, node.nodeId()), analytics::runLocal));
  }

  private void scheduleAnalysis() {
    vertx.setPeriodic(config.intervalMs(), id -> analytics.tick());
  }

  private Future<?> consume(String address, Function<JsonObject, Future<?>> handler) {
    return vertx.eventBus().consumer(address, Handlers.json(handler)).completion();
  }
}
