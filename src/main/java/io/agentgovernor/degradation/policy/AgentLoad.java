package io.agentgovernor.degradation.policy;

import io.agentgovernor.bus.GovernorException;
import io.agentgovernor.bus.Ids;

/**
 * One agent as load shedding sees it.
 *
 * @param priority higher means more important (shed later)
 * @param usage its share of the node's pressed resource, in the node's units
 * @param degraded whether it already runs a degradation plan (it is not picked again)
 */
public record AgentLoad(String agentId, int priority, double usage, boolean degraded) {

  public AgentLoad {
    Ids.require(agentId, "agentId");
    if (!Double.isFinite(usage) || usage < 0) {
      throw GovernorException.invalid("agent usage must be finite and >= 0, got " + usage);
    }
  }

  public static AgentLoad of(String agentId, int priority, double usage) {
    return new AgentLoad(agentId, priority, usage, false);
  }
}
