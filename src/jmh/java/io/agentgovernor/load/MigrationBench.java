package io.agentgovernor.load;

import io.agentgovernor.bus.Addresses;
import io.agentgovernor.node.GovernorNode;
import io.vertx.core.json.JsonObject;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Migration of an agent holding 1 MiB of state between two node JVMs ({@link LoadNodeMain}, on
 * loopback), back and forth {@code n} times, driven by an in-JVM third member over the clustered
 * event bus ({@code governor.enforcement.action} migrate with an explicit target). Each figure is
 * the reply's {@code detail.durationMs} (the source node's time from suspend + snapshot to the
 * hand-over done) and the driver's own round trip of the action. Baseline, same run and same two
 * JVMs: a clustered request-reply carrying the same 1 MiB body from the source node to the
 * target ({@code bench.ping}), timed on the source node; {@code n} of each, interleaved.
 *
 * <p>{@code java -cp target/benchmarks.jar io.agentgovernor.load.MigrationBench n outPrefix}
 */
public final class MigrationBench {

  public static void main(String[] args) throws Exception {
    int n = args.length > 0 ? Integer.parseInt(args[0]) : 30;
    Path out = Path.of(args.length > 1 ? args[1] : "load-tests/results/migration");
    Files.createDirectories(out.toAbsolutePath().getParent());
    String cluster = LoadNodes.randomClusterName();
    int port = LoadNodes.randomClusterPort();
    List<Process> processes = new ArrayList<>();
    GovernorNode driver = null;
    try {
      processes.add(LoadNodes.startProcess("mig-a", cluster, port, null));
      processes.add(LoadNodes.startProcess("mig-b", cluster, port + 1, "127.0.0.1:" + port));
      driver = LoadNodes.start("mig-driver", cluster, port + 2, List.of("127.0.0.1:" + port), "");
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      while (LoadNodes.request(driver, Addresses.CAPACITY_NODES, new JsonObject()).getJsonArray("items").size() < 3) {
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException("the three members did not all publish capacity within 30 s");
        }
        Thread.sleep(200);
      }
      LoadNodes.request(driver, Addresses.AGENT_DEPLOY, new JsonObject().put("id", "heavy").put("type", "state-1mb")
          .put("group", "standard_agent").put("node", "mig-a"));
      awaitOn(driver, "mig-a");
      // warm-up: two migrations and pings each way, not counted
      String at = "mig-a";
      for (int i = 0; i < 2; i++) {
        String to = other(at);
        migrate(driver, to);
        ping(driver, at, to);
        at = to;
      }
      double[] duration = new double[n];
      double[] roundTrip = new double[n];
      double[] baseline = new double[n];
      for (int i = 0; i < n; i++) {
        String to = other(at);
        baseline[i] = ping(driver, at, to);
        long t = System.nanoTime();
        JsonObject reply = migrate(driver, to);
        roundTrip[i] = (System.nanoTime() - t) / 1e6;
        duration[i] = reply.getJsonObject("detail").getDouble("durationMs");
        System.out.printf("migration %d %s -> %s: %.1f ms (action round trip %.1f ms, snapshot %d B); 1 MiB request-reply %.1f ms%n",
            i, at, to, duration[i], roundTrip[i], reply.getJsonObject("detail").getLong("snapshotBytes"), baseline[i]);
        at = to;
      }
      JsonObject status = LoadNodes.request(driver, Addresses.AGENT_GET, new JsonObject().put("id", "heavy"))
          .getJsonObject("status");
      report(out, n, duration, roundTrip, baseline, status);
    } finally {
      if (driver != null) {
        LoadNodes.close(driver);
      }
      for (Process p : processes) {
        LoadNodes.stop(p);
      }
    }
    System.exit(0);
  }

  private static String other(String node) {
    return node.equals("mig-a") ? "mig-b" : "mig-a";
  }

  private static JsonObject migrate(GovernorNode driver, String to) throws InterruptedException {
    JsonObject reply = LoadNodes.request(driver, Addresses.ENFORCEMENT_ACTION, new JsonObject().put("agentId", "heavy")
        .put("action", "migrate").put("params", new JsonObject().put("target", to)));
    if (!"success".equals(reply.getString("outcome"))) {
      throw new IllegalStateException("migration to " + to + " failed: " + reply.encode());
    }
    awaitOn(driver, to);
    return reply;
  }

  private static double ping(GovernorNode driver, String from, String to) {
    return LoadNodes.request(driver, LoadNodeMain.PING + from, new JsonObject().put("target", to).put("bytes", 1 << 20))
        .getDouble("ms");
  }

  /** Waits until the driver's registry mirror says the agent is on {@code node}, running. */
  private static void awaitOn(GovernorNode driver, String node) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (System.nanoTime() < deadline) {
      JsonObject e = driver.context().registry().entry("heavy");
      if (e != null && node.equals(e.getString("node")) && "running".equals(e.getString("state"))) {
        return;
      }
      Thread.sleep(10);
    }
    throw new IllegalStateException("agent not running on " + node + ": " + driver.context().registry().entry("heavy"));
  }

  private static void report(Path out, int n, double[] duration, double[] roundTrip, double[] baseline,
                             JsonObject status) throws Exception {
    try (PrintWriter w = new PrintWriter(Files.newBufferedWriter(Path.of(out + ".csv")))) {
      w.println("i,migration_duration_ms,action_round_trip_ms,baseline_1mib_request_reply_ms");
      for (int i = 0; i < n; i++) {
        w.printf("%d,%.3f,%.3f,%.3f%n", i, duration[i], roundTrip[i], baseline[i]);
      }
    }
    try (PrintWriter w = new PrintWriter(Files.newBufferedWriter(Path.of(out + ".run.md")))) {
      w.printf("## %d migrations of a 1 MiB-state agent between two JVMs (agent status after: %s)%n%n", n, status.encode());
      w.println("| series | p50 ms | p90 ms | p99 ms (= max for n < 100) | min ms |");
      w.println("| --- | --- | --- | --- | --- |");
      row(w, "migration `detail.durationMs`", duration);
      row(w, "migrate action, driver round trip", roundTrip);
      row(w, "baseline: 1 MiB clustered request-reply between the same JVMs", baseline);
      w.printf("%nRatio p50 migration / p50 baseline: %.2f×; p99: %.2f×%n", Stats.median(duration) / Stats.median(baseline),
          Stats.percentile(duration, 99) / Stats.percentile(baseline, 99));
    }
    System.out.println(Files.readString(Path.of(out + ".run.md")));
  }

  private static void row(PrintWriter w, String name, double[] v) {
    w.printf("| %s | %.1f | %.1f | %.1f | %.1f |%n", name, Stats.percentile(v, 50), Stats.percentile(v, 90),
        Stats.percentile(v, 99), Stats.percentile(v, 0));
  }
}
