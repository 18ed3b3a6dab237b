package io.agentgovernor.degradation;

import com.hazelcast.config.Config;
import io.agentgovernor.bus.Addresses;
import io.agentgovernor.bus.Handlers;
import io.agentgovernor.degradation.impl.DegradationEngine;
import io.agentgovernor.degradation.impl.EventLoopProbe;
import io.agentgovernor.monitor.MonitorVerticle;
import io.agentgovernor.monitor.SampleBatch;
import io.agentgovernor.agent.RuntimeContext;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.VertxOptions;
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
 *
 * <p>Deployed as a worker on a pool of its own ({@link #POOL}): it reads every agent of every
 * batch, and on an event loop it delayed whatever shared that loop (enforcement's breach-to-action
 * path most). The event-loop lateness it reads comes from an {@link EventLoopProbe} on each loop.
 */
public final class DegradationVerticle extends VerticleBase {

  /** The member configuration of degradation's maps (called before the member starts). */
  public static void configureMaps(Config hz, int backupCount) {
    DegradationEngine.configureMaps(hz, backupCount);
  }

  /** The worker pool it runs on, and that pool's size (its blocking reads of the status maps use it too). */
  public static final String POOL = "governor-degradation";
  public static final int POOL_SIZE = 2;

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
        .compose(v -> startEventLoopProbes(settings.node().eventLoopProbeMs()));
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

  /** One probe per event loop (undeployed with this verticle, whose child deployment it is). */
  private Future<?> startEventLoopProbes(long periodMs) {
    Integer configured = node.config().section("vertx").getInteger("eventLoopPoolSize");
    int loops = configured != null && configured > 0 ? configured : VertxOptions.DEFAULT_EVENT_LOOP_POOL_SIZE;
    return vertx.deployVerticle(() -> new EventLoopProbe(periodMs, engine::eventLoopLate),
        new DeploymentOptions().setInstances(loops));
  }
}
