package io.agentgovernor.agent;

import io.agentgovernor.quota.QuotaContext;

/**
 * A {@link QuotaContext} with what the agent runtime shares with the parts above it (monitor,
 * enforcement, degradation, analytics, failover, bridge): the agents running on this node, the
 * registry, and the agent types the node can start.
 */
public interface RuntimeContext extends QuotaContext {

  LocalAgents localAgents();

  /** The cluster's registry of agents and their snapshots; written only through it. */
  Registry registry();

  AgentTypes agentTypes();
}
