package io.agentgovernor.load;

import static io.agentgovernor.load.LoadReport.f;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The governor tax: N {@code work} agents (a timer each, a fixed computation per tick) on one node
 * with the governor's monitoring on (shipped defaults: 1 s sampling, compliance, history, alerts,
 * measurement events, enforcement, degradation and analytics fed every interval) against the same
 * agents with sampling off ({@code monitor.enabled: false}: no samples, so none of those run). The
 * two modes alternate, each in a fresh JVM. Figures: process CPU (utime+stime from /proc) per tick
 * and heap after full GC per agent (minus the same node's heap before deploying).
 *
 * <p>Usage: TaxLoad [agents=10000] [reps=2] [warmupS=20] [measureS=30] [periodMs=1000] [rounds=20000]
 */
public final class TaxLoad {

  record Run(String mode, int rep, int agents, long deployMs, double seconds, long ticks, long cpuNanos, long jitNanos,
             long heapBefore, long heapAfter, long jfrSamples, long jfrGovernor) {
    double jfrShare() {
      return jfrSamples == 0 ? Double.NaN : jfrGovernor / (double) jfrSamples;
    }

    double cpuPerTickUs() {
      return cpuNanos / 1000.0 / ticks;
    }

    /** Without the JIT compiler threads: what is left once the code is compiled. */
    double steadyPerTickUs() {
      return (cpuNanos - jitNanos) / 1000.0 / ticks;
    }

    double cores() {
      return cpuNanos / 1e9 / seconds;
    }

    double heapPerAgent() {
      return (heapAfter - heapBefore) / (double) agents;
    }
  }

  /** standard_agent's limits without group totals: 10,000 agents fit. */
  static final String GROUP = "{\"name\":\"load\",\"priority\":5,\"defaultLimits\":{"
      + "\"memory\":{\"soft\":200000000,\"hard\":256000000},\"cpu\":{\"soft\":40,\"hard\":50},"
      + "\"processes\":{\"soft\":8,\"hard\":10},\"message_queue\":{\"soft\":2000,\"hard\":5000}}}";

  public static void main(String[] a) throws Exception {
    int agents = a.length > 0 ? Integer.parseInt(a[0]) : 10_000;
    int reps = a.length > 1 ? Integer.parseInt(a[1]) : 2;
    int warmup = a.length > 2 ? Integer.parseInt(a[2]) : 20;
    int measure = a.length > 3 ? Integer.parseInt(a[3]) : 30;
    long period = a.length > 4 ? Long.parseLong(a[4]) : 1000;
    int rounds = a.length > 5 ? Integer.parseInt(a[5]) : 20_000;
    List<Run> runs = new ArrayList<>();
    for (int rep = 1; rep <= reps; rep++) {
      for (String mode : List.of("off", "on")) {
        Run r = once(mode, rep, agents, warmup, measure, period, rounds);
        runs.add(r);
        System.out.printf("TAX %s rep %d: %d ticks in %.1f s, %.2f us CPU/tick, %.3f cores, heap %.0f B/agent%n",
            mode, rep, r.ticks, r.seconds, r.cpuPerTickUs(), r.cores(), r.heapPerAgent());
      }
    }
    report(runs, agents, warmup, measure, period, rounds);
  }

  static Run once(String mode, int rep, int agents, int warmup, int measure, long period, int rounds) throws Exception {
    Path conf = Files.createTempFile("tax-" + mode + "-", ".yaml");
    // node pressure off in both modes: on this shared machine the load of other users would make the
    // governor shed (throttle) the work agents, which is not the monitoring cost measured here
    Files.writeString(conf, "monitor:\n  enabled: " + mode.equals("on") + "\ndegradation:\n  node:\n    enabled: false\n");
    int port = 21_000 + ThreadLocalRandom.current().nextInt(800) * 10;
    try (LoadProcess node = LoadProcess.start("tax-" + mode, "1g", List.of("--http-port", "0", "--bridge-port", "0",
        "--cluster-name", "tax-" + System.nanoTime(), "--cluster-port", String.valueOf(port), "--node-id", "tax-" + mode,
        "--config", conf.toString()), Map.of("GOVERNOR_ADMIN_TOKEN", "load-token", "GOVERNOR_STORE_KIND", "none"))) {
      node.awaitReady(Duration.ofSeconds(90));
      long heapBefore = Long.parseLong(node.command("heap", Duration.ofSeconds(30))[1]);
      node.command("group " + GROUP, Duration.ofSeconds(30));
      String[] d = node.command("deploy " + agents + " work load w never {\"periodMs\":" + period
          + ",\"rounds\":" + rounds + "}", Duration.ofMinutes(15));
      if (!d[2].equals("0")) {
        throw new IllegalStateException("deploy failures: " + String.join(" ", d));
      }
      Thread.sleep(warmup * 1000L);
      long t0 = System.nanoTime();
      long ticks0 = Long.parseLong(node.command("ticks", Duration.ofSeconds(10))[1]);
      long cpu0 = node.cpuNanos();
      long jit0 = node.jitNanos();
      Path jfr = Files.createTempFile("tax-" + mode + "-", ".jfr");
      jcmd(node.pid(), "JFR.start", "name=tax", "settings=profile", "filename=" + jfr);
      Thread.sleep(measure * 1000L);
      jcmd(node.pid(), "JFR.stop", "name=tax");
      long ticks1 = Long.parseLong(node.command("ticks", Duration.ofSeconds(10))[1]);
      long cpu1 = node.cpuNanos();
      long jit1 = node.jitNanos();
      double seconds = (System.nanoTime() - t0) / 1e9;
      long heapAfter = Long.parseLong(node.command("heap", Duration.ofSeconds(60))[1]);
      long[] attributed = attribute(jfr);
      String keep = System.getenv("TAX_KEEP_JFR"); // a directory: the recording is kept there for a profile
      if (keep != null && !keep.isBlank()) {
        Files.copy(jfr, Path.of(keep).resolve("tax-" + mode + "-" + rep + ".jfr"),
            java.nio.file.StandardCopyOption.REPLACE_EXISTING);
      }
      Files.deleteIfExists(jfr);
      return new Run(mode, rep, agents, Long.parseLong(d[3]), seconds, ticks1 - ticks0, cpu1 - cpu0, jit1 - jit0, heapBefore,
          heapAfter,
          attributed[0], attributed[1]);
    }
  }

  /** The parts whose per-agent work exists only while sampling runs. */
  private static final String[] GOVERNOR = {"io.agentgovernor.monitor.", "io.agentgovernor.enforcement.",
      "io.agentgovernor.analytics.", "io.agentgovernor.degradation.", "io.agentgovernor.admin.feed.",
      "io.agentgovernor.capacity."};

  /** {all execution samples of the process, those with a frame of a governor part on the stack}. */
  static long[] attribute(Path jfr) throws Exception {
    long all = 0;
    long governor = 0;
    for (jdk.jfr.consumer.RecordedEvent e : jdk.jfr.consumer.RecordingFile.readAllEvents(jfr)) {
      if (!e.getEventType().getName().equals("jdk.ExecutionSample") || e.getStackTrace() == null) {
        continue;
      }
      all++;
      boolean gov = false;
      for (jdk.jfr.consumer.RecordedFrame f : e.getStackTrace().getFrames()) {
        String type = f.getMethod().getType().getName();
        for (String p : GOVERNOR) {
          gov |= type.startsWith(p);
        }
        if (gov) {
          break;
        }
      }
      if (gov) {
        governor++;
      }
    }
    return new long[] {all, governor};
  }

  private static void jcmd(long pid, String... args) throws Exception {
    List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(), String.valueOf(pid)));
    cmd.addAll(List.of(args));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes());
    if (!p.waitFor(60, java.util.concurrent.TimeUnit.SECONDS) || p.exitValue() != 0) {
      throw new IllegalStateException("jcmd " + String.join(" ", args) + ": " + out);
    }
  }

  static void report(List<Run> runs, int agents, int warmup, int measure, long period, int rounds) throws Exception {
    LoadReport rep = new LoadReport("governor-tax", "Governor tax: " + agents + " agents, monitoring on vs off");
    rep.text("Each agent: a timer every " + period + " ms running " + rounds + " xorshift rounds (`work`, "
        + "src/test/java/io/agentgovernor/load/WorkAgent.java). One node JVM per run (-Xmx1g -Xms1g, store none), "
        + "agents deployed over its local event bus, " + warmup + " s warm-up, then " + measure + " s measured. "
        + "CPU = utime+stime of the node process from /proc/PID/stat (10 ms ticks); heap = used heap after two "
        + "System.gc() minus the same JVM's heap before deploying. **on** = shipped defaults (1 s sampling, "
        + "compliance, history, alerts, measurement events on the feed bus, enforcement, degradation, analytics "
        + "windows fed every interval); **off** = `monitor.enabled: false` (no sampling, so none of that runs; the "
        + "per-handler accounting in AgentContext stays, it is measured by the accounting JMH). Modes alternate, "
        + "each in a fresh JVM. In both modes `degradation.node.enabled: false`: the machine is shared, and other users' load "
        + "otherwise raises this node's CPU pressure until the governor sheds (throttles) the work agents, which would "
        + "change the work done rather than measure the monitoring.\n");
    rep.text("| mode | rep | deploy | ticks | s | CPU µs/tick | of which JIT | cores | heap/agent | JFR samples | in governor parts |");
    rep.text("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
    rep.csv("mode,rep,agents,deploy_ms,seconds,ticks,cpu_ns,jit_ns,cpu_us_per_tick,cores,heap_before,heap_after,heap_per_agent,jfr_samples,jfr_governor");
    for (Run r : runs) {
      rep.text("| " + r.mode + " | " + r.rep + " | " + f(r.deployMs / 1000.0, 1) + " s | " + r.ticks + " | " + f(r.seconds, 1)
          + " | " + f(r.cpuPerTickUs(), 2) + " | " + f(r.cpuPerTickUs() - r.steadyPerTickUs(), 2) + " | " + f(r.cores(), 3)
          + " | " + f(r.heapPerAgent(), 0) + " B | " + r.jfrSamples + " | " + f(r.jfrShare() * 100, 2) + " % |");
      rep.csv(String.join(",", r.mode, "" + r.rep, "" + r.agents, "" + r.deployMs, f(r.seconds, 2), "" + r.ticks,
          "" + r.cpuNanos, "" + r.jitNanos, f(r.cpuPerTickUs(), 3), f(r.cores(), 4), "" + r.heapBefore, "" + r.heapAfter,
          f(r.heapPerAgent(), 0), "" + r.jfrSamples, "" + r.jfrGovernor));
    }
    double[] tax = new double[runs.size() / 2];
    double[] steadyTax = new double[tax.length];
    double[] heap = new double[tax.length];
    double[] govCores = new double[tax.length];
    for (int i = 0; i < tax.length; i++) {
      Run off = runs.get(2 * i);
      Run on = runs.get(2 * i + 1);
      tax[i] = (on.cpuPerTickUs() - off.cpuPerTickUs()) / on.cpuPerTickUs();
      steadyTax[i] = (on.steadyPerTickUs() - off.steadyPerTickUs()) / on.steadyPerTickUs();
      heap[i] = on.heapPerAgent() - off.heapPerAgent();
      govCores[i] = on.cores() - off.cores();
    }
    rep.text("");
    rep.text("| pair | CPU/tick on ÷ off | governor share of CPU | without JIT: on ÷ off | share | governor cores | governor heap/agent (on − off) | heap/agent on |");
    rep.text("| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
    for (int i = 0; i < tax.length; i++) {
      Run off = runs.get(2 * i);
      Run on = runs.get(2 * i + 1);
      rep.text("| " + (i + 1) + " | " + f(on.cpuPerTickUs() / off.cpuPerTickUs(), 3) + "× | " + f(tax[i] * 100, 1) + " % | "
          + f(on.steadyPerTickUs() / off.steadyPerTickUs(), 3) + "× | " + f(steadyTax[i] * 100, 1) + " % | " + f(govCores[i], 3) + " | " + f(heap[i], 0) + " B | " + f(on.heapPerAgent(), 0) + " B |");
    }
    double[] share = runs.stream().filter(r -> r.mode.equals("on")).mapToDouble(Run::jfrShare).sorted().toArray();
    double[] offShare = runs.stream().filter(r -> r.mode.equals("off")).mapToDouble(Run::jfrShare).sorted().toArray();
    java.util.Arrays.sort(tax);
    java.util.Arrays.sort(steadyTax);
    java.util.Arrays.sort(heap);
    rep.text("");
    rep.text("Two measures of the CPU tax. (1) Whole-process CPU per tick, on against off in fresh JVMs: exact in what it "
        + "counts but exposed to the machine's other users (the off runs alone spread "
        + f(runs.stream().filter(r -> r.mode.equals("off")).mapToDouble(Run::cpuPerTickUs).min().orElse(0), 1) + " – "
        + f(runs.stream().filter(r -> r.mode.equals("off")).mapToDouble(Run::cpuPerTickUs).max().orElse(0), 1)
        + " µs/tick), and to the JIT: 15–20 s after the deploy the compiler threads still compile, more in the on mode "
        + "(more code runs), so the same figure is given without the C1/C2 compiler threads' CPU (from /proc/PID/task). "
        + "(2) Within each run, JFR execution samples (settings=profile, 10 ms) whose stack holds a frame of "
        + "a part that works per sample (monitor, enforcement, analytics, degradation, feed, capacity) over all Java "
        + "samples of the process: insensitive to the neighbours, but blind to GC and to Hazelcast threads serving those parts.");
    rep.text("");
    rep.text("JFR share in governor parts, on: " + f(share[0] * 100, 2) + " – " + f(share[share.length - 1] * 100, 2)
        + " % (off: " + f(offShare[0] * 100, 2) + " – " + f(offShare[offShare.length - 1] * 100, 2) + " %, the parts' "
        + "idle timers and queries).");
    rep.text("");
    rep.text("Governor share of CPU: " + f(tax[0] * 100, 1) + " – " + f(tax[tax.length - 1] * 100, 1) + " % over "
        + tax.length + " pairs (target ≤ 3 %): **" + (tax[tax.length - 1] <= 0.03 ? "met" : "not met") + "**; without "
        + "the JIT compiler threads: " + f(steadyTax[0] * 100, 1) + " – " + f(steadyTax[steadyTax.length - 1] * 100, 1)
        + " %. "
        + "Governor heap per agent: " + f(heap[0] / 1024, 1) + " – " + f(heap[heap.length - 1] / 1024, 1)
        + " KB (target ≤ 16 KB): **" + (heap[heap.length - 1] <= 16 * 1024 ? "met" : "not met") + "**.");
    rep.write();
  }
}
