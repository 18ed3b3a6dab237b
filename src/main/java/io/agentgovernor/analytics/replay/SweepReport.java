package io.agentgovernor.analytics.replay;

import java.io.PrintWriter;
import java.util.List;
import java.util.Locale;

/** Writes a {@link BudgetSweep}: a Markdown report for people and a CSV of the curve for tools. */
final class SweepReport {

  static final String CSV_HEADER = "resource,recommender,violation_budget,median_slack,mean_slack,over_pct,"
      + "runs_per_entity_day,changes10_per_entity_day,changes_per_entity_day";

  private SweepReport() {
  }

  static void csv(List<BudgetSweep.Result> results, PrintWriter out) {
    out.println(CSV_HEADER);
    for (BudgetSweep.Result r : results) {
      for (BudgetSweep.Point p : r.curve()) {
        out.println(csvRow(p.metrics(), String.format(Locale.ROOT, "%s", p.budget())));
      }
      for (ReplayMetrics b : r.baselines()) {
        out.println(csvRow(b, ""));
      }
    }
  }

  static void markdown(List<BudgetSweep.Result> results, String trace, PrintWriter out) {
    out.println("# Violation budget sweep");
    out.println();
    out.println("Trace: `" + trace + "`. The governor is replayed at each `analytics.violationBudget`; VPA and");
    out.println("Autopilot are the baselines. Slack is the median relative slack per entity-day; over-% the share");
    out.println("of scored time above the limit; changes >10 % and runs over the limit are per entity-day.");
    for (BudgetSweep.Result r : results) {
      out.println();
      out.println("## " + r.resource().wireName());
      out.println();
      out.println("| recommender | violationBudget | median slack | mean slack | % time over | runs / entity-day"
          + " | changes >10 % / entity-day | any change / entity-day |");
      out.println("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
      for (BudgetSweep.Point p : r.curve()) {
        out.println(mdRow(p.metrics(), String.format(Locale.ROOT, "%s", p.budget())));
      }
      for (ReplayMetrics b : r.baselines()) {
        out.println(mdRow(b, "—"));
      }
      out.println();
      out.println("| baseline | its slack | its % time over | governor slack at that % (interpolated) | less slack? |");
      out.println("| --- | ---: | ---: | ---: | --- |");
      for (BudgetSweep.Comparison c : r.comparisons()) {
        out.printf(Locale.ROOT, "| %s | %.3f | %.3f %% | %s | %s |%n", c.baseline().recommender(),
            c.baseline().slackMedian(), 100 * c.baseline().overFraction(),
            Double.isNaN(c.governorSlack()) ? "outside the swept range" : String.format(Locale.ROOT, "%.3f",
                c.governorSlack()),
            Double.isNaN(c.governorSlack()) ? "not measured" : c.beaten() ? "**yes**" : "no");
      }
    }
  }

  private static String csvRow(ReplayMetrics m, String budget) {
    return String.format(Locale.ROOT, "%s,%s,%s,%.4f,%.4f,%.4f,%.4f,%.4f,%.4f", m.resource().wireName(), m.recommender(),
        budget, m.slackMedian(), m.slackMean(), 100 * m.overFraction(), m.runsPerDay(), m.changes10PerDay(),
        m.changesPerDay());
  }

  private static String mdRow(ReplayMetrics m, String budget) {
    return String.format(Locale.ROOT, "| %s | %s | %.3f | %.3f | %.3f %% | %.3f | %.3f | %.3f |", m.recommender(), budget,
        m.slackMedian(), m.slackMean(), 100 * m.overFraction(), m.runsPerDay(), m.changes10PerDay(), m.changesPerDay());
  }
}
