package io.agentgovernor.analytics.pattern;

import java.util.Locale;

/** The shape of an agent's use of one resource. */
public enum UsagePattern {
  /** Little variation and no structure: a flat limit with a small margin fits. */
  STEADY,
  /** A repeating cycle: the limit should follow the cycle's peak. */
  PERIODIC,
  /** Rare large excursions above a lower base: burst room fits better than a higher hard limit. */
  BURSTY,
  /** A sustained rise: the limit must anticipate it (and for memory it may be a leak). */
  GROWING,
  /** A sustained fall: the limit may follow it down, carefully. */
  DECLINING;

  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }
}
