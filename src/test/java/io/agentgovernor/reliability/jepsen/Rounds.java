package io.agentgovernor.reliability.jepsen;

import io.agentgovernor.testing.NetnsCluster;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Runs seeded rounds one after another on one namespace network, and writes their figures as Markdown. */
public final class Rounds {

  private Rounds() {
  }

  /**
   * Runs a round per seed with {@code faultsPerRound} faults each; round files under {@code dir},
   * the summary in {@code dir/summary.md}. A round that breaks (a node that never starts) ends the
   * run with its exception.
   */
  public static List<RoundResult> run(List<Long> seeds, int faultsPerRound, Path dir) throws Exception {
    Files.createDirectories(dir);
    List<RoundResult> results = new ArrayList<>();
    try (NetnsCluster net = NetnsCluster.create(3)) {
      for (long seed : seeds) {
        RoundResult r = new Round(net, dir, seed, faultsPerRound).run();
        results.add(r);
        System.out.print("JEPSEN " + Report.row(r));
        Files.writeString(dir.resolve("summary.md"), summary(results));
      }
    }
    return results;
  }

  /** The table of rounds, then every violation with its evidence. */
  public static String summary(List<RoundResult> results) {
    StringBuilder out = new StringBuilder(Report.tableHeader());
    results.forEach(r -> out.append(Report.row(r)));
    long faults = results.stream().mapToLong(r -> r.faults().size()).sum();
    long violations = results.stream().mapToLong(r -> r.violations().size()).sum();
    long clean = results.stream().filter(r -> r.violations().isEmpty()).count();
    out.append("\n").append(results.size()).append(" rounds, ").append(faults).append(" faults, ").append(clean)
        .append(" rounds without a violation, ").append(violations).append(" violations: ")
        .append(Report.summary(results.stream().flatMap(r -> r.violations().stream()).toList())).append("\n\n");
    out.append("Per round: quota writes by HTTP status (-1: no answer within 3 s), and acknowledged messages lost with a failed node by reason (allowed):\n\n");
    results.forEach(r -> out.append("- seed ").append(r.seed()).append(": ").append(r.writeStatuses()).append("; ")
        .append(r.allowedLosses()).append("; largest handover gap between copies ").append(r.maxHandoverGapMs()).append(" ms\n"));
    out.append('\n');
    for (RoundResult r : results) {
      if (!r.violations().isEmpty()) {
        out.append("### seed ").append(r.seed()).append("\n\n");
        r.violations().stream().limit(40).forEach(v -> out.append("- ").append(v).append('\n'));
        if (r.violations().size() > 40) {
          out.append("- ... ").append(r.violations().size() - 40).append(" more in seed-").append(r.seed()).append("/round.md\n");
        }
        out.append('\n');
      }
    }
    return out.toString();
  }
}
