package io.agentgovernor.enforcement;

import com.hazelcast.config.Config;
import io.agentgovernor.bus.Addresses;
import io.agentgovernor.bus.AgentRouting;
import io.agentgovernor.bus.Handlers;
import io.agentgovernor.enforcement.impl.EnforcementConfig;
import io.agentgovernor.enforcement.impl.EnforcementEngine;
import io.agentgovernor.enforcement.impl.EnforcementHistory;
import io.agentgovernor.monitor.MonitorVerticle;
import io.agentgovernor.monitor.SampleBatch;
import io.agentgovernor.agent.RuntimeContext;
import io.agentgovernor.quota.QuotaConfig;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.core.VerticleBase;
import java.util.List;

/**
 * The enforcement part: every sample batch of this node goes through the escalation policy, and
 * the decisions are carried out on the agents with their real outcome recorded cluster-wide and
 * published as {@code enforcement} events. Operators' actions arrive on
 * {@link Addresses#ENFORCEMENT_ACTION} (routed to the agent's node); the history and the lists of
 * throttled and suspended agents can be read from any node.
 */
public final class EnforcementVerticle extends VerticleBase {

  /** The member configuration of enforcement's maps (its history; called before the member starts). */
  public static void configureMaps(Config hz, int backupCount) {
    EnforcementHistory.configureMap(hz, backupCount);
  }

  private final RuntimeContext node;
  private EnforcementEngine engine;

  public EnforcementVerticle(RuntimeContext node) {
    this.node = node;
  }

  /** The engine, for tests and benchmarks that read its latency figures. */
  public EnforcementEngine engine() {
    return engine;
  }

  /** Checks the {@code enforcement} section (its default ladder comes from {@code quota}); throws naming the fault. */
  public static void validate(JsonObject enforcement, JsonObject quota) {
    settings(enforcement, quota);
  }

  private static EnforcementConfig settings(JsonObject enforcement, JsonObject quota) {
    return EnforcementConfig.fromJson(enforcement, QuotaConfig.fromJson(quota).defaultLadder());
  }

  @Override
  public Future<?> start() {
    EnforcementConfig config = settings(config(), node.config().section("quota"));
    engine = new EnforcementEngine(vertx, node, config);
    AgentRouting routing = new AgentRouting(vertx, node.nodeId(), node.registry()::nodeOf);
    return vertx.executeBlocking(() -> {
      engine.start();
      return null;
    }).compose(v -> Future.all(List.of(
        vertx.eventBus().<SampleBatch>localConsumer(MonitorVerticle.SAMPLES, m -> engine.onBatch(m.body())).completion(),
        routing.register(Addresses.ENFORCEMENT_ACTION, "agentId", engine::operatorAction),
        vertx.eventBus().consumer(Addresses.ENFORCEMENT_HISTORY, Handlers.json(engine::history)).completion(),
        vertx.eventBus().consumer(Addresses.ENFORCEMENT_LIST, Handlers.json(engine::list)).completion(),
        vertx.eventBus().localConsumer(Addresses.ENFORCEMENT_RECORD, Handlers.json(engine::recordOutside)).completion())));
  }

  @Override
  public Future<?> stop() {
    return engine.flushHistory().transform(flushed -> vertx.executeBlocking(() -> {
      engine.stop();
      return null;
    }));
  }
}
