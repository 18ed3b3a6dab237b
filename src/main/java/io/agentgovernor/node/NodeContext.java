package io.agentgovernor.node;

import com.hazelcast.core.HazelcastInstance;
import io.agentgovernor.agent.AgentTypes;
import io.agentgovernor.agent.LocalAgents;
import io.agentgovernor.agent.Registry;
import io.agentgovernor.cluster.NodeLease;
import io.agentgovernor.config.NodeConfig;
import io.agentgovernor.quota.QuotaIndex;
import java.time.Clock;

/**
 * What the parts of one node share: its configuration, the Hazelcast member its maps live in,
 * the node-local read models kept by their owning parts, the clock, and the lease under which the
 * node runs its agents ({@link NodeLease}). Parts still talk to each
 * other only over the event bus; this holds the things that are not parts.
 */
public record NodeContext(NodeConfig config, HazelcastInstance hazelcast, QuotaIndex quotaIndex,
                          LocalAgents localAgents, Registry registry, AgentTypes agentTypes, Clock clock,
                          NodeLease lease) {

  public String nodeId() {
    return config.nodeId();
  }
}
