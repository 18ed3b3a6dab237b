package io.agentgovernor.load;

import io.agentgovernor.agent.LocalAgent;
import io.agentgovernor.bus.Addresses;
import io.agentgovernor.node.GovernorNode;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Breach-to-action latency on one in-JVM node: {@code spawner} agents with one child each (a
 * constant {@code processes} usage of 1) have their quota's processes limit lowered below 1 with
 * a zero-delay {@code suspend} step, in waves of {@code wave} agents, so each wave is that many
 * hard breaches seen by one sample; the limit is raised again the next wave (with hysteresis
 * hold 0 the suspension is lifted at the next sample) and the agents breach again later. Two
 * groups of {@code wave} agents alternate until {@code breaches} suspensions have been applied.
 *
 * <p>The latency of each is the {@code durationMs} of its {@code enforcement} event: from
 * {@code System.nanoTime()} when the sample that saw the breach began (the SampleBatch's
 * {@code takenNanos}) to the suspension applied on the agent's context and its reply received
 * (the same figure {@code EnforcementEngine.latency()} records, which also counts lifts).
 *
 * <p>Baseline, same run: the control round trip an action needs at least, a {@code resume} of a
 * running agent over the node's event bus (to the runtime, onto the agent's context, back),
 * timed one at a time between waves (up to 20 per wave).
 *
 * <p>{@code java -cp target/benchmarks.jar io.agentgovernor.load.BreachLatency breaches wave intervalMs outPrefix}
 */
public final class BreachLatency {

  private static JsonArray atOnce;
  /** Waves reported apart as warm-up (at most half the run). */
  private static final int WARMUP_WAVES = 10;

  public static void main(String[] args) throws Exception {
    try {
      run(args);
    } catch (Exception e) {
      e.printStackTrace();
      System.exit(1);
    }
    System.exit(0);
  }

  private static void run(String[] args) throws Exception {
    int breaches = args.length > 0 ? Integer.parseInt(args[0]) : 10_000;
    int wave = args.length > 1 ? Integer.parseInt(args[1]) : 100;
    long intervalMs = args.length > 2 ? Long.parseLong(args[2]) : 100;
    Path out = Path.of(args.length > 3 ? args[3] : "load-tests/results/breach-latency");
    // suspend: a real action on the agent's context; warn: no agent hop (detection and decision only)
    String action = args.length > 4 ? args[4] : "suspend";
    atOnce = new JsonArray().add(new JsonObject().put("action", action).put("afterMs", 0));
    Files.createDirectories(out.toAbsolutePath().getParent());
    int agents = 2 * wave;

    GovernorNode node = LoadNodes.start("breach", LoadNodes.randomClusterName(), LoadNodes.randomClusterPort(),
        List.of(), LoadNodes.GROUP_YAML + "monitor:\n  intervalMs: " + intervalMs
            + "\nenforcement:\n  warnIntervalMs: 0\n  hysteresis:\n    fraction: 0.9\n    holdMs: 0\n" + System.getenv().getOrDefault("BREACH_YAML", ""));
    ConcurrentLinkedQueue<Double> latencies = new ConcurrentLinkedQueue<>();
    // when the sample that saw each breach began (node clock, ms): how many breaches one sample carried
    ConcurrentLinkedQueue<Double> sampledAt = new ConcurrentLinkedQueue<>();
    AtomicInteger applied = new AtomicInteger();
    AtomicInteger failures = new AtomicInteger();
    node.vertx().eventBus().<JsonObject>consumer(Addresses.EVENTS, m -> {
      JsonObject e = m.body();
      if ("enforcement".equals(e.getString("type")) && "apply".equals(e.getString("kind"))
          && action.equals(e.getString("action"))) {
        if ("success".equals(e.getString("outcome"))) {
          latencies.add(e.getDouble("durationMs"));
          sampledAt.add(e.getLong("time") - e.getDouble("durationMs"));
          applied.incrementAndGet();
        } else {
          failures.incrementAndGet();
        }
      }
    }).completion().await();
    try {
      LoadNodes.pipelined(node, Addresses.AGENT_DEPLOY, agents, 128, i -> new JsonObject().put("id", "b-" + i)
          .put("type", "spawner").put("config", new JsonObject().put("children", 1)).put("group", "bench"));
      Thread.sleep(3 * intervalMs + 500);
      List<Double> baseline = new ArrayList<>();
      long start = System.nanoTime();
      int round = 0;
      long[] raisedAt = new long[2];
      while (applied.get() < breaches) {
        int group = round % 2;
        int target = applied.get() + wave;
        awaitResumed(node, group, wave);
        // the episode ends at the first sample that sees the raised limit: let two go by (warn has no resume to wait for)
        long wait = raisedAt[group] + 2 * intervalMs * 1_000_000 - System.nanoTime();
        if (wait > 0) {
          Thread.sleep(wait / 1_000_000 + 1);
        }
        baseline.addAll(roundTrips(node, group, wave));
        setLimit(node, group, wave, 0, 0.5);
        setLimit(node, 1 - group, wave, 8, 10);
        raisedAt[1 - group] = System.nanoTime();
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (applied.get() < target && System.nanoTime() < deadline) {
          Thread.sleep(5);
        }
        if (applied.get() < target) {
          throw new IllegalStateException("wave " + round + ": only " + applied.get() + " of " + target
              + " suspensions applied (failures " + failures.get() + ")");
        }
        round++;
      }
      double seconds = (System.nanoTime() - start) / 1e9;
      report(out, action, breaches, wave, intervalMs, new ArrayList<>(latencies), baseline, failures.get(), seconds, round,
          perSample(new ArrayList<>(sampledAt), intervalMs));
    } finally {
      LoadNodes.close(node);
    }
  }

  private static void setLimit(GovernorNode node, int group, int wave, double soft, double hard) throws Exception {
    LoadNodes.pipelined(node, Addresses.QUOTA_UPDATE, wave, 64, i -> new JsonObject()
        .put("agentId", "b-" + (group * wave + i)).put("group", "bench")
        .put("limits", new JsonObject().put("processes", new JsonObject().put("soft", soft).put("hard", hard)
            .put("ladder", atOnce))));
  }

  private static void awaitResumed(GovernorNode node, int group, int wave) throws InterruptedException {
    long deadline = System.nanoTime() + 30_000_000_000L;
    while (System.nanoTime() < deadline) {
      boolean all = true;
      for (int i = 0; i < wave && all; i++) {
        LocalAgent h = node.context().localAgents().get("b-" + (group * wave + i));
        all = h != null && !h.context().suspended();
      }
      if (all) {
        return;
      }
      Thread.sleep(5);
    }
    throw new IllegalStateException("group " + group + " not resumed within 30 s");
  }

  /** Serial, individually timed control round trips (resume on a running agent: no state change). */
  private static List<Double> roundTrips(GovernorNode node, int group, int wave) {
    List<Double> ms = new ArrayList<>();
    for (int i = 0; i < Math.min(wave, 20); i++) {
      long t = System.nanoTime();
      LoadNodes.request(node, Addresses.RUNTIME_CONTROL, new JsonObject().put("agentId", "b-" + (group * wave + i))
          .put("command", "resume"));
      ms.add((System.nanoTime() - t) / 1e6);
    }
    return ms;
  }

  /**
   * Breaches per sample: the samples' start times (ms, from each event's time less its duration)
   * sorted and cut where two are more than a third of the interval apart (samples are an interval
   * apart; the two clocks agree to well under a millisecond).
   */
  static double[] perSample(List<Double> sampledAt, long intervalMs) {
    double[] t = sampledAt.stream().mapToDouble(Double::doubleValue).sorted().toArray();
    double[] counts = new double[t.length];
    int samples = 0;
    for (int i = 0; i < t.length; i++) {
      if (i == 0 || t[i] - t[i - 1] > intervalMs / 3.0) {
        samples++;
      }
      counts[samples - 1]++;
    }
    return java.util.Arrays.copyOf(counts, samples);
  }

  private static void report(Path out, String action, int breaches, int wave, long intervalMs, List<Double> latencies,
                             List<Double> baseline, int failures, double seconds, int rounds, double[] perSample)
      throws Exception {
    double[] l = latencies.stream().mapToDouble(Double::doubleValue).toArray();
    double[] b = baseline.stream().mapToDouble(Double::doubleValue).toArray();
    try (PrintWriter w = new PrintWriter(Files.newBufferedWriter(Path.of(out + ".csv")))) {
      w.println("series,index,ms");
      for (int i = 0; i < l.length; i++) {
        w.printf("breach_to_%s,%d,%.3f%n", action, i, l[i]);
      }
      for (int i = 0; i < b.length; i++) {
        w.printf("baseline_control_round_trip,%d,%.3f%n", i, b[i]);
      }
    }
    try (PrintWriter w = new PrintWriter(Files.newBufferedWriter(Path.of(out + ".run.md")))) {
      w.printf("## %,d breaches → %s, in waves of %d (monitor interval %d ms), %d waves in %.1f s, %d failed actions%n%n",
          l.length, action, wave, intervalMs, rounds, seconds, failures);
      w.println("| series | n | p50 ms | p90 ms | p99 ms | max ms |");
      w.println("| --- | --- | --- | --- | --- | --- |");
      w.printf("| breach → " + action + " applied | %d | %.2f | %.2f | %.2f | %.2f |%n", l.length, Stats.percentile(l, 50),
          Stats.percentile(l, 90), Stats.percentile(l, 99), Stats.percentile(l, 100));
      // the first waves run while the JIT compiles the path: their tail makes the overall p99 of a short run
      int warm = Math.min(WARMUP_WAVES * wave, l.length / 2);
      double[] s = java.util.Arrays.copyOfRange(l, warm, l.length);
      w.printf("| the same after the first %d (JIT warm-up) | %d | %.2f | %.2f | %.2f | %.2f |%n", warm, s.length,
          Stats.percentile(s, 50), Stats.percentile(s, 90), Stats.percentile(s, 99), Stats.percentile(s, 100));
      w.printf("| baseline: one control round trip (resume, on an idle node) | %d | %.2f | %.2f | %.2f | %.2f |%n",
          b.length, Stats.percentile(b, 50), Stats.percentile(b, 90), Stats.percentile(b, 99), Stats.percentile(b, 100));
      // a wave's breaches come from quota writes and land over several samples; a sample acts on its breaches one after another
      w.printf("%nBreaches per sample that saw them: %d samples, mean %.0f, p50 %.0f, max %.0f.%n", perSample.length,
          java.util.Arrays.stream(perSample).average().orElse(0), Stats.percentile(perSample, 50),
          Stats.percentile(perSample, 100));
    }
    System.out.println(Files.readString(Path.of(out + ".run.md")));
  }
}
