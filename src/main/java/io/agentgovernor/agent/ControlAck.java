package io.agentgovernor.agent;

import java.util.Locale;

/** An agent's answer to a control request it may decline (a degradation strategy, a scale-down). */
public enum ControlAck {
  APPLIED,
  UNSUPPORTED;

  private final String wireName = name().toLowerCase(Locale.ROOT);

  public String wireName() {
    return wireName;
  }
}
