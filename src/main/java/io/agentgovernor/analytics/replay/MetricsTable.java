package io.agentgovernor.analytics.replay;

import java.io.PrintStream;
import java.util.List;
import java.util.Locale;

/** Prints replay metrics as a fixed-width text table, one block per resource. */
final class MetricsTable {

  private static final String HEADER = "%-9s %-9s %9s %7s %7s %7s %7s %7s %9s %13s %8s %8s %9s %9s %9s %9s%n";
  private static final String ROW = "%-9s %-9s %9d %7.3f %7.3f %7.3f %7.3f %7.3f %9.3f %13.1f %8.3f %8.3f %9.3f %9.3f %9.3f %9s%n";

  private MetricsTable() {
  }

  static void print(List<ReplayMetrics> metrics, PrintStream out) {
    out.printf(Locale.ROOT, HEADER, "resource", "recomm.", "ent-days", "slk-med", "slk-mean", "slk-p10",
        "slk-p90", "slk-time", "over-%", "abs-slack", "overrun", "runs/d", "no-runs", "chg/d", "chg10/d", "upd10/d");
    for (ReplayMetrics m : metrics) {
      out.printf(Locale.ROOT, ROW, m.resource().wireName(), m.recommender(), m.entityDays(), m.slackMedian(),
          m.slackMean(), m.slackP10(), m.slackP90(), m.slackTime(), 100 * m.overFraction(), m.absoluteSlack(),
          m.severity(), m.runsPerDay(), m.entitiesWithoutRuns(), m.changesPerDay(), m.changes10PerDay(),
          Double.isNaN(m.appliedChanges10PerDay()) ? "-"
              : String.format(Locale.ROOT, "%.3f", m.appliedChanges10PerDay()));
    }
    out.println("slk = relative slack per entity-day (mean L - P95 u)/mean L; slk-time = time-weighted (L-u)/L;"
        + " over-% = % of scored time with usage > limit; overrun = mean (u-L)/L when over;");
    out.println("abs-slack = sum dt (L-u) in core-hours (cpu) or GiB-hours (memory); runs/d = runs over the limit"
        + " per entity-day; no-runs = fraction of entities without any; chg/d, chg10/d = limit changes (any, >10 %)"
        + " per entity-day; upd10/d = VPA updater-applied changes >10 %.");
  }
}
