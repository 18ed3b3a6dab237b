package io.agentgovernor.degradation.policy;

import io.agentgovernor.bus.GovernorException;
import java.util.Locale;

/** An agent's answer to a degradation plan sent through its control channel. */
public enum AgentAck {
  /** The agent applied the strategies. */
  APPLIED,
  /** The agent cannot apply them: it does not cooperate, enforcement takes over. */
  UNSUPPORTED,
  /** No answer (yet); at the end of the timeline this counts as no effect. */
  NONE;

  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** Parses {@code applied} or {@code unsupported}; anything else is refused. */
  public static AgentAck parse(String name) {
    if ("applied".equals(name)) {
      return APPLIED;
    }
    if ("unsupported".equals(name)) {
      return UNSUPPORTED;
    }
    throw GovernorException.invalid("unknown acknowledgement '" + name + "': expected applied or unsupported");
  }
}
