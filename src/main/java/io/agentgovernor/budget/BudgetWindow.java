package io.agentgovernor.budget;

import io.agentgovernor.bus.GovernorException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.Locale;

/**
 * The period over which a budget's amount may be spent; at its end the budget refills (committed
 * back to zero). Windows are aligned to the epoch (a minute window starts on the minute, UTC), so
 * every node computes the same window start from the same time. {@link #RUN} is one run of an
 * agent (agent-scoped budgets only): it refills when the agent is deployed anew (a higher epoch);
 * {@link #LIFETIME} never refills.
 */
public enum BudgetWindow {
  MINUTE("minute", 60_000L),
  HOUR("hour", 3_600_000L),
  DAY("day", 86_400_000L),
  /** A calendar month in UTC. */
  MONTH("month", -1),
  RUN("run", -1),
  LIFETIME("lifetime", -1);

  private final String wireName;
  private final long fixedMs;

  BudgetWindow(String wireName, long fixedMs) {
    this.wireName = wireName;
    this.fixedMs = fixedMs;
  }

  public String wireName() {
    return wireName;
  }

  /** Whether the window refills with time (minute, hour, day, month). */
  public boolean timed() {
    return fixedMs > 0 || this == MONTH;
  }

  /** The start of the window that holds {@code nowMs}; 0 for run and lifetime (they never roll with time). */
  public long start(long nowMs) {
    if (fixedMs > 0) {
      return Math.floorDiv(nowMs, fixedMs) * fixedMs;
    }
    if (this == MONTH) {
      ZonedDateTime t = Instant.ofEpochMilli(nowMs).atZone(ZoneOffset.UTC);
      return t.withDayOfMonth(1).toLocalDate().atStartOfDay(ZoneOffset.UTC).toInstant().toEpochMilli();
    }
    return 0;
  }

  /** The end of the window that holds {@code nowMs} (when it refills); -1 when it never refills with time. */
  public long end(long nowMs) {
    if (fixedMs > 0) {
      return start(nowMs) + fixedMs;
    }
    if (this == MONTH) {
      return Instant.ofEpochMilli(start(nowMs)).atZone(ZoneOffset.UTC).plusMonths(1).toInstant().toEpochMilli();
    }
    return -1;
  }

  public static BudgetWindow of(String name) {
    if (name != null) {
      String lower = name.toLowerCase(Locale.ROOT);
      for (BudgetWindow w : values()) {
        if (w.wireName.equals(lower)) {
          return w;
        }
      }
    }
    throw GovernorException.invalid("window must be one of minute, hour, day, month, run, lifetime (got '" + name + "')");
  }
}
