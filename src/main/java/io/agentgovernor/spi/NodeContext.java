package io.agentgovernor.spi;

import com.hazelcast.core.HazelcastInstance;
import io.agentgovernor.cluster.NodeLease;
import io.agentgovernor.config.NodeConfig;
import java.time.Clock;

/**
 * What every part of one node shares: its configuration, the Hazelcast member its maps live in, the
 * clock, and the lease under which the node runs its agents ({@link NodeLease}). The node
 * implements it and assembles the parts; the parts talk to each other only over the event bus.
 *
 * <p>Its methods return only types from the parts below this package ({@code config},
 * {@code cluster}) or libraries, so any part may take it without depending on the node. A part
 * that shares a node-local read model with the parts above it extends this interface with an
 * accessor for it ({@code quota.QuotaContext}, {@code agent.RuntimeContext}).
 */
public interface NodeContext {

  NodeConfig config();

  HazelcastInstance hazelcast();

  Clock clock();

  NodeLease lease();

  default String nodeId() {
    return config().nodeId();
  }
}
