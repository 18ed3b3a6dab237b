package io.agentgovernor.load;

import io.agentgovernor.budget.Budgets;
import io.agentgovernor.budget.Reservation;
import io.agentgovernor.budget.ReserveOptions;
import io.agentgovernor.bus.Addresses;
import io.agentgovernor.node.GovernorNode;
import io.vertx.core.json.JsonObject;
import com.hazelcast.cluster.Member;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * The remote slice refill: a reservation that the node cannot grant from what it holds, so it
 * leases a new slice from the budget's owner on another member (one entry processor there), timed
 * as an agent sees it ({@code Budgets.reserve}, what {@code AgentContext.reserve} calls: a local
 * event-bus request to the node's budget part, the lease, the reply). Two members: a node JVM
 * ({@link LoadNodeMain}) that owns the budget's partition, and this JVM's node (the driver), with
 * {@code budgets.sliceFraction} 0.0001. Each timed reservation asks for exactly one slice and is
 * committed in full, so the driver holds nothing unreserved afterwards and the next one must lease
 * again. Baseline, same run, same key, same owner: a plain {@code IMap.get} of the budget's entry.
 * Context: a 1-token reservation of a second budget whose slice the driver holds (a local grant).
 * The three are interleaved, {@code n} of each after a warm-up of 200.
 *
 * <p>{@code java -cp target/benchmarks.jar io.agentgovernor.load.RefillBench n outPrefix}
 */
public final class RefillBench {

  private static final long AMOUNT = 1_000_000_000_000L;
  private static final double SLICE_FRACTION = 0.0001;
  private static final long SLICE = (long) (AMOUNT * SLICE_FRACTION);
  /** The budgets map (BudgetStore.MAP): its entry is what the refill's entry processor runs on. */
  private static final String BUDGETS_MAP = "governor.budgets";
  private static final int WARMUP = 200;

  public static void main(String[] args) throws Exception {
    int n = args.length > 0 ? Integer.parseInt(args[0]) : 2000;
    if (n < 1 || (long) (n + WARMUP) * SLICE > AMOUNT) {
      throw new IllegalArgumentException("n must be in [1, " + (AMOUNT / SLICE - WARMUP) + "]");
    }
    Path out = Path.of(args.length > 1 ? args[1] : "load-tests/results/budget-refill");
    Files.createDirectories(out.toAbsolutePath().getParent());
    String cluster = LoadNodes.randomClusterName();
    int port = LoadNodes.randomClusterPort();
    Process owner = null;
    GovernorNode driver = null;
    try {
      owner = LoadNodes.startProcess("refill-owner", cluster, port, null);
      driver = LoadNodes.start("refill-driver", cluster, port + 1, List.of("127.0.0.1:" + port),
          "budgets:\n  sliceFraction: " + SLICE_FRACTION + "\nbridge:\n  port: 0\n"); // the owner JVM has the bridge port
      HazelcastInstance hz = driver.context().hazelcast();
      awaitClusterSafe(hz);
      String remote = budgetIdsOwnedBy(hz, "refill-", 1, m -> !m.localMember()).get(0);
      createBudget(driver, remote, "refill_tokens");
      createBudget(driver, "local-tokens", "local_tokens");
      IMap<String, String> map = hz.getMap(BUDGETS_MAP);
      for (int i = 0; i < WARMUP; i++) {
        round(driver, map, remote);
      }
      double[] refill = new double[n];
      double[] baseline = new double[n];
      double[] local = new double[n];
      for (int i = 0; i < n; i++) {
        double[] r = round(driver, map, remote);
        baseline[i] = r[0];
        refill[i] = r[1];
        local[i] = r[2];
      }
      JsonObject status = LoadNodes.request(driver, Addresses.BUDGET_GET, new JsonObject().put("id", remote));
      long expected = (long) (n + WARMUP) * SLICE;
      if (status.getLong("committed") + status.getLong("outstanding") < expected) {
        throw new IllegalStateException("the owner saw less than the slices reserved: " + status.encode());
      }
      if (hz.getPartitionService().getPartition(remote).getOwner().localMember()) {
        throw new IllegalStateException("the budget's partition moved to the driver during the run");
      }
      report(out, n, refill, baseline, local, hz.getPartitionService().getPartition(remote).getOwner().toString());
    } finally {
      if (driver != null) {
        LoadNodes.close(driver);
      }
      LoadNodes.stop(owner);
    }
    System.exit(0);
  }

  /** Waits until the partitions have settled after the driver joined (no migration under way). */
  static void awaitClusterSafe(HazelcastInstance hz) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (!hz.getPartitionService().isClusterSafe()) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("partitions still migrating after 60 s");
      }
      Thread.sleep(100);
    }
  }

  /**
   * The first {@code count} budget ids {@code <prefix><i>} whose partition's owner passes
   * {@code owner}: a lease on them crosses the network to that member.
   */
  static List<String> budgetIdsOwnedBy(HazelcastInstance hz, String prefix, int count, Predicate<Member> owner) {
    List<String> ids = new ArrayList<>(count);
    for (int i = 0; i < 10_000 && ids.size() < count; i++) {
      String id = prefix + i;
      if (owner.test(hz.getPartitionService().getPartition(id).getOwner())) {
        ids.add(id);
      }
    }
    if (ids.size() < count) {
      throw new IllegalStateException("not " + count + " partitions owned by the member asked for");
    }
    return ids;
  }

  static void createBudget(GovernorNode driver, String id, String resource) {
    LoadNodes.request(driver, Addresses.BUDGET_CREATE, new JsonObject().put("id", id).put("resource", resource)
        .put("amount", AMOUNT).put("window", "lifetime").put("scope", "cluster"));
  }

  /** One of each, in ms: the IMap.get baseline, the refill, the local grant. */
  private static double[] round(GovernorNode driver, IMap<String, String> map, String remote) throws Exception {
    long t0 = System.nanoTime();
    if (map.get(remote) == null) {
      throw new IllegalStateException("budget " + remote + " missing");
    }
    long t1 = System.nanoTime();
    Reservation refill = reserve(driver, "refill_tokens", SLICE);
    long t2 = System.nanoTime();
    refill.commit(SLICE).await(30, TimeUnit.SECONDS);
    long t3 = System.nanoTime();
    Reservation one = reserve(driver, "local_tokens", 1);
    long t4 = System.nanoTime();
    one.commit(1).await(30, TimeUnit.SECONDS);
    return new double[] {(t1 - t0) / 1e6, (t2 - t1) / 1e6, (t4 - t3) / 1e6};
  }

  static Reservation reserve(GovernorNode driver, String resource, long amount) throws Exception {
    Reservation r = Budgets.reserve(driver.vertx(), driver.nodeId(), "bench-agent", "bench", 0, resource, amount,
        ReserveOptions.defaults()).await(30, TimeUnit.SECONDS);
    if (!r.granted()) {
      throw new IllegalStateException("refused: " + r.denial().explain());
    }
    return r;
  }

  private static void report(Path out, int n, double[] refill, double[] baseline, double[] local, String owner)
      throws Exception {
    try (PrintWriter w = new PrintWriter(Files.newBufferedWriter(Path.of(out + ".csv")))) {
      w.println("i,imap_get_ms,remote_refill_reserve_ms,local_grant_reserve_ms");
      for (int i = 0; i < n; i++) {
        w.printf("%d,%.4f,%.4f,%.4f%n", i, baseline[i], refill[i], local[i]);
      }
    }
    List<String> lines = new ArrayList<>();
    lines.add(String.format("## %d reservations each needing a new slice from the owner on another member (%s)%n", n, owner));
    lines.add("| series | p50 ms | p90 ms | p99 ms | p99.9 ms | max ms |");
    lines.add("| --- | --- | --- | --- | --- | --- |");
    lines.add(row("remote slice refill (`Budgets.reserve`, one lease at the owner)", refill));
    lines.add(row("baseline: `IMap.get` of the same entry (same owner)", baseline));
    lines.add(row("context: local grant from a held slice (`Budgets.reserve`, 1 token)", local));
    lines.add("");
    lines.add(String.format("Ratio refill / IMap.get: p50 %.2f×, p99 %.2f×. Target: refill p99 ≤ 5 ms: %s (%.2f ms).",
        Stats.median(refill) / Stats.median(baseline), Stats.percentile(refill, 99) / Stats.percentile(baseline, 99),
        Stats.percentile(refill, 99) <= 5 ? "met" : "not met", Stats.percentile(refill, 99)));
    Files.write(Path.of(out + ".run.md"), lines);
    lines.forEach(System.out::println);
  }

  static String row(String name, double[] v) {
    return String.format("| %s | %.3f | %.3f | %.3f | %.3f | %.3f |", name, Stats.percentile(v, 50), Stats.percentile(v, 90),
        Stats.percentile(v, 99), Stats.percentile(v, 99.9), Stats.percentile(v, 100));
  }
}
