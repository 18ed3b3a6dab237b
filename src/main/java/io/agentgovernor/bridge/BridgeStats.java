package io.agentgovernor.bridge;

import io.agentgovernor.bridge.impl.BridgeConnection;
import io.agentgovernor.bridge.impl.ConnectionTable;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.micrometer.backends.BackendRegistries;
import java.util.ArrayList;
import java.util.List;

/**
 * The bridge's figures on the node's {@code /metrics}: {@code governor_bridge_connections} by state
 * ({@code registered}, {@code unregistered}), {@code governor_bridge_agents} (agents holding a lease
 * here) and {@code governor_bridge_refused_total}. Nothing is registered when the node runs without
 * metrics.
 */
final class BridgeStats {

  private final MeterRegistry registry;
  private final List<Meter> meters = new ArrayList<>();
  private final Counter refused;

  BridgeStats(String nodeId, ConnectionTable<BridgeConnection> connections, BridgeAgents agents) {
    registry = BackendRegistries.getNow(nodeId);
    if (registry == null) {
      refused = null;
      return;
    }
    meters.add(Gauge.builder("governor.bridge.connections", connections, ConnectionTable::boundCount)
        .description("Bridge connections on this node").tag("state", "registered").register(registry));
    meters.add(Gauge.builder("governor.bridge.connections", connections, ConnectionTable::unregisteredCount)
        .description("Bridge connections on this node").tag("state", "unregistered").register(registry));
    meters.add(Gauge.builder("governor.bridge.connections", connections, ConnectionTable::claimingCount)
        .description("Bridge connections on this node").tag("state", "claiming").register(registry));
    meters.add(Gauge.builder("governor.bridge.agents", agents, BridgeAgents::size)
        .description("Outside agents holding a lease on this node's bridge").register(registry));
    refused = Counter.builder("governor.bridge.refused").description("Bridge frames and connections refused")
        .register(registry);
    meters.add(refused);
  }

  void refused() {
    if (refused != null) {
      refused.increment();
    }
  }

  void close() {
    if (registry != null) {
      meters.forEach(registry::remove);
    }
  }
}
