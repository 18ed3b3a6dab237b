package io.agentgovernor.degradation;

import io.agentgovernor.bus.Addresses;
import io.agentgovernor.bus.Handlers;
import io.agentgovernor.degradation.impl.DegradationEngine;
import io.agentgovernor.monitor.MonitorVerticle;
import io.agentgovernor.monitor.SampleBatch;
import io.agentgovernor.agent.RuntimeContext;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import java.util.List;

/**
 * The degradation part. Every sample batch of this node drives the pressure of each agent's
 * limited resources and of the node itself; entering a level sends the plan's strategies to the
 * agent ({@code degrade} on {@link Addresses#RUNTIME_CONTROL}), the feedback deepens a plan that
 * falls short or hands an uncooperative agent to enforcement ({@link Addresses#ENFORCEMENT_ACTION}),
 * and when the pressure is gone the strategies are lifted in stages, with rollback. Each change is
 * a {@code degradation} or {@code recovery} event on {@link Addresses#EVENTS}.
 *
 * <p>Current levels and plans, and the history, live in Hazelcast maps (see
 * {@code DegradationStore}), so {@link Addresses#DEGRADATION_STATUS} and
 * {@link Addresses#RECOVERY_STATUS} are answered by any node for the whole cluster.
 */
public final class DegradationVerticle extends VerticleBase {

  private final RuntimeContext node;
  private DegradationEngine engine;

  public DegradationVerticle(RuntimeContext node) {
    this.node = node;
  }

  /** The engine, for tests that read its measurements. */
  public DegradationEngine engine() {
    return engine;
  }

  @Override
  public Future<?> start() {
    DegradationSettings settings = DegradationSettings.fromJson(config());
    engine = new DegradationEngine(vertx, node, settings);
    return Future.all(List.of(
            followSamples(settings.enabled()),
            vertx.eventBus().consumer(Addresses.DEGRADATION_STATUS, Handlers.json(engine::status)).completion(),
            vertx.eventBus().consumer(Addresses.RECOVERY_STATUS, Handlers.json(engine::recoveryStatus)).completion()))
        .onSuccess(v -> startEventLoopProbe(settings.node().eventLoopProbeMs()));
  }

  @Override
  public Future<?> stop() {
    return engine.flushHistory();
  }

  private Future<?> followSamples(boolean enabled) {
    if (!enabled) {
      return Future.succeededFuture(); // switched off: the node still answers the status queries
    }
    return vertx.eventBus().<SampleBatch>localConsumer(MonitorVerticle.SAMPLES, m -> engine.onBatch(m.body()))
        .completion();
  }

  private void startEventLoopProbe(long periodMs) {
    // Lateness of this timer is the event-loop delay the node pressure reads.
    vertx.setPeriodic(periodMs, id -> engine.tick());
  }
}
