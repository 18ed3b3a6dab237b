package io.agentgovernor.quota;

import java.util.Locale;

/** How far a measurement is over its limit; {@code GROUP} is over a group's cluster-wide total. */
public enum ViolationKind {
  SOFT,
  HARD,
  BURST,
  GROUP;

  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }
}
