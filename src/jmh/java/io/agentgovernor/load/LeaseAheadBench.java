package io.agentgovernor.load;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.cluster.Member;
import io.agentgovernor.budget.Reservation;
import io.agentgovernor.node.GovernorNode;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * What leasing ahead ({@code budgets.prefetchAt}) saves a stream of reservations: one node JVM owns
 * two budgets' partitions ({@link LoadNodeMain}); this JVM runs two driver nodes, one leasing ahead
 * (the default, 0.5) and one not (0), each reserving a tenth of a slice at a time from its own
 * budget and committing it in full, so a slice lasts ten reservations. The two streams alternate,
 * one reservation each, {@code n} of each after a warm-up of 200, timed as an agent sees them
 * ({@code Budgets.reserve}). Reported: latency percentiles of each, how many went to the owner
 * (the node's counter {@code governor_budget_reservations_waited_total}), and the price: leases at
 * the owner, those reservations' plus the top-ups ({@code governor_budget_leases_ahead_total}).
 *
 * <p>{@code java -cp target/benchmarks.jar io.agentgovernor.load.LeaseAheadBench n outPrefix}
 */
public final class LeaseAheadBench {

  private static final long AMOUNT = 1_000_000_000_000L;
  private static final double SLICE_FRACTION = 0.0001;
  private static final long STEP = (long) (AMOUNT * SLICE_FRACTION) / 10;
  private static final int WARMUP = 200;

  public static void main(String[] args) throws Exception {
    int n = args.length > 0 ? Integer.parseInt(args[0]) : 5000;
    if (n < 1 || (long) (n + WARMUP) * STEP > AMOUNT / 2) {
      throw new IllegalArgumentException("n must be in [1, " + (AMOUNT / 2 / STEP - WARMUP) + "]");
    }
    Path out = Path.of(args.length > 1 ? args[1] : "load-tests/results/budget-lease-ahead");
    Files.createDirectories(out.toAbsolutePath().getParent());
    String cluster = LoadNodes.randomClusterName();
    int port = LoadNodes.randomClusterPort();
    Process owner = null;
    GovernorNode ahead = null;
    GovernorNode plain = null;
    try {
      owner = LoadNodes.startProcess("lease-owner", cluster, port, null);
      String members = "127.0.0.1:" + port;
      ahead = LoadNodes.start("lease-ahead", cluster, port + 1, List.of(members),
          "budgets:\n  sliceFraction: " + SLICE_FRACTION + "\n  prefetchAt: 0.5\nbridge:\n  port: 0\n");
      plain = LoadNodes.start("lease-plain", cluster, port + 2, List.of(members),
          "budgets:\n  sliceFraction: " + SLICE_FRACTION + "\n  prefetchAt: 0\nbridge:\n  port: 0\n");
      HazelcastInstance hz = ahead.context().hazelcast();
      RefillBench.awaitClusterSafe(hz);
      Set<Member> drivers = Set.of(hz.getCluster().getLocalMember(), plain.context().hazelcast().getCluster().getLocalMember());
      List<String> budgets = RefillBench.budgetIdsOwnedBy(hz, "lease-", 2, m -> !drivers.contains(m));
      RefillBench.createBudget(ahead, budgets.get(0), "ahead_tokens");
      RefillBench.createBudget(ahead, budgets.get(1), "plain_tokens");
      for (int i = 0; i < WARMUP; i++) {
        timed(ahead, "ahead_tokens");
        timed(plain, "plain_tokens");
      }
      long aheadWaitedBefore = counter(ahead, WAITED);
      long plainWaitedBefore = counter(plain, WAITED);
      long toppedUpBefore = counter(ahead, AHEAD);
      double[] withLeaseAhead = new double[n];
      double[] without = new double[n];
      for (int i = 0; i < n; i++) {
        withLeaseAhead[i] = timed(ahead, "ahead_tokens");
        without[i] = timed(plain, "plain_tokens");
      }
      long aheadWaited = counter(ahead, WAITED) - aheadWaitedBefore;
      long plainWaited = counter(plain, WAITED) - plainWaitedBefore;
      long toppedUp = counter(ahead, AHEAD) - toppedUpBefore;
      for (String id : budgets) {
        if (drivers.contains(hz.getPartitionService().getPartition(id).getOwner())) {
          throw new IllegalStateException("budget " + id + "'s partition moved to a driver during the run");
        }
      }
      report(out, n, withLeaseAhead, without, aheadWaited, plainWaited, toppedUp);
    } finally {
      for (GovernorNode node : new GovernorNode[] {ahead, plain}) {
        if (node != null) {
          LoadNodes.close(node);
        }
      }
      LoadNodes.stop(owner);
    }
    System.exit(0);
  }

  /** One reservation of a tenth of a slice, in ms, then committed in full. */
  private static double timed(GovernorNode node, String resource) throws Exception {
    long t0 = System.nanoTime();
    Reservation r = RefillBench.reserve(node, resource, STEP);
    long t1 = System.nanoTime();
    r.commit(STEP).await(30, TimeUnit.SECONDS);
    return (t1 - t0) / 1e6;
  }

  private static final String WAITED = "governor.budget.reservations.waited";
  private static final String AHEAD = "governor.budget.leases.ahead";

  /** One of the node's budget counters, from its /metrics registry. */
  private static long counter(GovernorNode node, String name) {
    io.micrometer.core.instrument.MeterRegistry registry = io.vertx.micrometer.backends.BackendRegistries.getNow(node.nodeId());
    if (registry == null) {
      throw new IllegalStateException("node " + node.nodeId() + " has no metrics registry");
    }
    return (long) registry.get(name).functionCounter().count();
  }

  private static void report(Path out, int n, double[] ahead, double[] plain, long aheadWaited, long plainWaited,
                             long toppedUp) throws Exception {
    try (PrintWriter w = new PrintWriter(Files.newBufferedWriter(Path.of(out + ".csv")))) {
      w.println("i,lease_ahead_reserve_ms,no_lease_ahead_reserve_ms");
      for (int i = 0; i < n; i++) {
        w.printf("%d,%.4f,%.4f%n", i, ahead[i], plain[i]);
      }
    }
    List<String> lines = new ArrayList<>();
    lines.add(String.format("## %d reservations of a tenth of a slice per stream, alternating; budgets owned by another member%n", n));
    lines.add("| series | went to the owner | p50 ms | p90 ms | p99 ms | p99.9 ms | max ms |");
    lines.add("| --- | --- | --- | --- | --- | --- | --- |");
    lines.add(row("leasing ahead (`prefetchAt` 0.5)", ahead, aheadWaited, n));
    lines.add(row("baseline: no leasing ahead (`prefetchAt` 0)", plain, plainWaited, n));
    lines.add("");
    lines.add(String.format("Ratio leasing ahead / without: p50 %.2f×, p90 %.2f×, p99 %.2f×; reservations that went to the owner %d vs %d.",
        Stats.median(ahead) / Stats.median(plain), Stats.percentile(ahead, 90) / Stats.percentile(plain, 90),
        Stats.percentile(ahead, 99) / Stats.percentile(plain, 99), aheadWaited, plainWaited));
    lines.add(String.format("Cost: leases at the owner %d (%d for reservations + %d ahead) vs %d, %.2f×.",
        aheadWaited + toppedUp, aheadWaited, toppedUp, plainWaited, (aheadWaited + toppedUp) / (double) Math.max(1, plainWaited)));
    Files.write(Path.of(out + ".run.md"), lines);
    lines.forEach(System.out::println);
  }

  private static String row(String name, double[] v, long waited, int n) {
    return String.format("| %s | %d of %d | %.3f | %.3f | %.3f | %.3f | %.3f |", name, waited, n, Stats.percentile(v, 50),
        Stats.percentile(v, 90), Stats.percentile(v, 99), Stats.percentile(v, 99.9), Stats.percentile(v, 100));
  }
}
