package io.agentgovernor.node;

import com.hazelcast.core.HazelcastInstance;
import io.agentgovernor.agent.AgentTypes;
import io.agentgovernor.agent.LocalAgents;
import io.agentgovernor.agent.Registry;
import io.agentgovernor.agent.RuntimeContext;
import io.agentgovernor.cluster.NodeLease;
import io.agentgovernor.config.NodeConfig;
import io.agentgovernor.quota.QuotaIndex;
import java.time.Clock;

/**
 * The node's context as the node builds it: every part takes the narrowest view it needs
 * ({@link io.agentgovernor.spi.NodeContext}, {@link io.agentgovernor.quota.QuotaContext} or
 * {@link RuntimeContext}), so no part depends on the node.
 */
record NodeServices(NodeConfig config, HazelcastInstance hazelcast, QuotaIndex quotaIndex,
                    LocalAgents localAgents, Registry registry, AgentTypes agentTypes, Clock clock,
                    NodeLease lease) implements RuntimeContext {
}
