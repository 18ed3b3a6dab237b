package io.agentgovernor.analytics.recommend;

import java.util.Locale;

/** What a recommendation asks for. */
public enum RecommendationType {
  /** Raise soft and hard: the agent needs more than it has. */
  INCREASE_QUOTA,
  /** Lower soft and hard: the agent uses far less than it has. */
  DECREASE_QUOTA,
  /** The need is several times off the current limit: the agent is in the wrong quota group. */
  CHANGE_GROUP,
  /** A bursty agent: keep hard near its base and give its bursts room above it. */
  RAISE_BURST,
  /** The need exceeds what the governor will grant, or memory grows without end: fix the agent. */
  OPTIMIZE_CODE;

  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }
}
