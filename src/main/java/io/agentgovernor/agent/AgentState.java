package io.agentgovernor.agent;

import java.util.Locale;

/** The life of an agent as operators see it ({@code "state"} of the Agent JSON). */
public enum AgentState {
  DEPLOYING,
  RUNNING,
  THROTTLED,
  SUSPENDED,
  DEGRADED,
  MIGRATING,
  TERMINATING,
  TERMINATED,
  /** Its node is gone and no live node has room for it yet (restart policy {@code on-node-loss}). */
  PENDING;

  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static AgentState parse(String name) {
    for (AgentState s : values()) {
      if (s.wireName().equals(name)) {
        return s;
      }
    }
    throw new io.agentgovernor.bus.GovernorException(io.agentgovernor.bus.ErrorCode.INVALID_REQUEST,
        "unknown agent state '" + name + "'");
  }
}
