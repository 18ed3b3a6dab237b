package io.agentgovernor.load;

import io.agentgovernor.bus.Addresses;
import io.agentgovernor.monitor.UsageHistory;
import io.agentgovernor.node.GovernorNode;
import io.agentgovernor.quota.Resource;
import io.vertx.core.json.JsonObject;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.openjdk.jol.info.GraphLayout;

/**
 * N {@code idle} agents on one in-JVM node: deploy time, heap per agent after a full GC, and the
 * sampling cost, each against a baseline in the same run. The same node is started twice in this
 * JVM, one after the other: once with the monitor at {@code intervalMs} (the measured node), once
 * with sampling off ({@code monitor.enabled: false}, the baseline; until 2026-12-07 it sampled
 * every 60 s, and once its deploy got faster a 60 s sample fell inside the window), with the same
 * agents deployed the same way. The sampling cost is the CPU of the node's worker threads
 * (where the monitor, a worker verticle, runs) and of the whole process over the window, minus the
 * baseline's; per-agent heap is (heap after deploy − heap before) / N after a full GC, and a class
 * histogram diff says what it is made of.
 *
 * <p>{@code java -Xmx4g -cp target/benchmarks.jar io.agentgovernor.load.ScaleIdle agents intervalMs windowSeconds outPrefix}
 */
public final class ScaleIdle {

  private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
  private static final com.sun.management.OperatingSystemMXBean OS =
      (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();

  public static void main(String[] args) throws Exception {
    int agents = args.length > 0 ? Integer.parseInt(args[0]) : 10_000;
    long intervalMs = args.length > 1 ? Long.parseLong(args[1]) : 1000;
    int windowSeconds = args.length > 2 ? Integer.parseInt(args[2]) : 20;
    Path out = Path.of(args.length > 3 ? args[3] : "load-tests/results/scale-" + agents);
    Files.createDirectories(out.toAbsolutePath().getParent());

    if (Boolean.getBoolean("scale.profileOnly")) {
      // for profiling (e.g. with -XX:StartFlightRecording): the measured node only, no report
      run("measured", agents, intervalMs, windowSeconds, false);
      System.exit(0);
    }
    warmUp(Math.min(agents, 5000));
    Run measured = run("measured", agents, intervalMs, windowSeconds, true);
    Run baseline = run("baseline", agents, 0, windowSeconds, false); // 0: sampling off
    Map<String, Long> history = historyBytes();
    report(out, agents, intervalMs, windowSeconds, measured, baseline, history);
    System.exit(0);
  }

  /** What one node of the pair measured. */
  record Run(String name, long intervalMs, double deploySeconds, long heapBefore, long heapAfter,
             Map<String, Long> cpuByGroup, long processCpu, double windowSeconds, List<String[]> histogramDiff) {

    double heapPerAgent(int agents) {
      return (heapAfter - heapBefore) / (double) agents;
    }
  }

  private static Run run(String name, int agents, long intervalMs, int windowSeconds, boolean histogram)
      throws Exception {
    String cluster = LoadNodes.randomClusterName();
    GovernorNode node = LoadNodes.start("scale-" + name, cluster, LoadNodes.randomClusterPort(), List.of(),
        LoadNodes.GROUP_YAML + "monitor:\n  " + (intervalMs > 0 ? "intervalMs: " + intervalMs : "enabled: false") + "\n  publishMeasurements: " + System.getProperty("scale.publishMeasurements", "true") + "\n");
    try {
      // a node closed just before may still be releasing its objects: wait until the heap settles
      long heapBefore = usedAfterGc();
      for (int i = 0; i < 30 && heapBefore > 200_000_000L; i++) {
        Thread.sleep(1000);
        heapBefore = usedAfterGc();
      }
      Map<String, long[]> histoBefore = histogram ? classHistogram() : Map.of();
      System.out.printf("[%s] node up, heap %.1f MB; deploying %,d idle agents%n", name, heapBefore / 1e6, agents);
      long deployNanos = LoadNodes.pipelined(node, Addresses.AGENT_DEPLOY, agents, 256, i -> new JsonObject()
          .put("id", "idle-" + i).put("type", "idle").put("group", "bench"));
      double deploySeconds = deployNanos / 1e9;
      System.out.printf("[%s] deployed in %.1f s (%.0f agents/s)%n", name, deploySeconds, agents / deploySeconds);
      if (node.context().localAgents().size() != agents) {
        throw new IllegalStateException("expected " + agents + " local agents, found " + node.context().localAgents().size());
      }
      // a few intervals so the monitor has sampled every agent (its per-agent state exists) before the heap is read
      Thread.sleep(Math.min(3 * intervalMs, 5000) + 1000);
      long heapAfter = usedAfterGc();
      List<String[]> diff = histogram ? diff(histoBefore, classHistogram(), agents) : List.of();
      System.out.printf("[%s] heap %.1f MB: %.0f bytes per agent%n", name, heapAfter / 1e6,
          (heapAfter - heapBefore) / (double) agents);
      Map<String, Long> cpu0 = cpuByGroup();
      long process0 = OS.getProcessCpuTime();
      long t0 = System.nanoTime();
      Thread.sleep(windowSeconds * 1000L);
      Map<String, Long> cpu1 = cpuByGroup();
      long processCpu = OS.getProcessCpuTime() - process0;
      double window = (System.nanoTime() - t0) / 1e9;
      Map<String, Long> cpu = new LinkedHashMap<>();
      cpu1.forEach((k, v) -> cpu.put(k, v - cpu0.getOrDefault(k, 0L)));
      System.out.printf("[%s] window %.1f s: process CPU %.0f ms, by thread group %s%n", name, window, processCpu / 1e6, cpu);
      return new Run(name, intervalMs, deploySeconds, heapBefore, heapAfter, cpu, processCpu, window, diff);
    } finally {
      LoadNodes.close(node);
    }
  }

  /** A throw-away node and deployment first, so neither measured node pays for the JIT's warm-up alone. */
  private static void warmUp(int agents) throws Exception {
    GovernorNode node = LoadNodes.start("scale-warmup", LoadNodes.randomClusterName(), LoadNodes.randomClusterPort(),
        List.of(), LoadNodes.GROUP_YAML + "monitor:\n  intervalMs: 1000\n");
    try {
      LoadNodes.pipelined(node, Addresses.AGENT_DEPLOY, agents, 256, i -> new JsonObject()
          .put("id", "warm-" + i).put("type", "idle").put("group", "bench"));
      Thread.sleep(3000);
    } finally {
      LoadNodes.close(node);
    }
  }

  private static long usedAfterGc() throws InterruptedException {
    for (int i = 0; i < 3; i++) {
      System.gc();
      Thread.sleep(200);
    }
    return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
  }

  /** CPU time (ns, cumulative) of this JVM's threads, by name group; threads that ended are lost, so short windows. */
  private static Map<String, Long> cpuByGroup() {
    Map<String, Long> sums = new LinkedHashMap<>();
    for (String g : List.of("vertx-worker", "vertx-eventloop", "hazelcast", "other")) {
      sums.put(g, 0L);
    }
    long[] ids = THREADS.getAllThreadIds();
    ThreadInfo[] infos = THREADS.getThreadInfo(ids);
    for (int i = 0; i < ids.length; i++) {
      if (infos[i] == null) {
        continue;
      }
      long cpu = THREADS.getThreadCpuTime(ids[i]);
      if (cpu < 0) {
        continue;
      }
      String n = infos[i].getThreadName();
      String g = n.startsWith("vert.x-worker-thread") ? "vertx-worker"
          : n.startsWith("vert.x-eventloop-thread") ? "vertx-eventloop"
          : n.startsWith("hz.") ? "hazelcast" : "other";
      sums.merge(g, cpu, Long::sum);
    }
    return sums;
  }

  private static final Pattern HISTO = Pattern.compile("^\\s*\\d+:\\s+(\\d+)\\s+(\\d+)\\s+(\\S+)");

  /** {@code jcmd <self> GC.class_histogram} (a full GC first): class → {instances, bytes}. */
  private static Map<String, long[]> classHistogram() throws Exception {
    Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(),
        String.valueOf(ProcessHandle.current().pid()), "GC.class_histogram").redirectErrorStream(true).start();
    Map<String, long[]> histo = new HashMap<>();
    try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
      String line;
      while ((line = r.readLine()) != null) {
        Matcher m = HISTO.matcher(line);
        if (m.find()) {
          histo.put(m.group(3), new long[] {Long.parseLong(m.group(1)), Long.parseLong(m.group(2))});
        }
      }
    }
    p.waitFor(60, TimeUnit.SECONDS);
    return histo;
  }

  /** The classes that grew the most, per agent: {class, instances per agent, bytes per agent}. */
  private static List<String[]> diff(Map<String, long[]> before, Map<String, long[]> after, int agents) {
    List<Map.Entry<String, long[]>> grown = new ArrayList<>();
    after.forEach((k, v) -> {
      long[] b = before.getOrDefault(k, new long[2]);
      grown.add(Map.entry(k, new long[] {v[0] - b[0], v[1] - b[1]}));
    });
    grown.sort((x, y) -> Long.compare(y.getValue()[1], x.getValue()[1]));
    List<String[]> rows = new ArrayList<>();
    for (Map.Entry<String, long[]> e : grown.subList(0, Math.min(30, grown.size()))) {
      rows.add(new String[] {e.getKey(), String.format("%.2f", e.getValue()[0] / (double) agents),
          String.format("%.0f", e.getValue()[1] / (double) agents)});
    }
    return rows;
  }

  /**
   * History per agent after an hour of 1 s passes (3,600), measured with JOL on a node's
   * {@link UsageHistory} of 1,000 agents alike, divided by 1,000 (so each agent's share of the
   * node-wide columns and clock is in): idle (every resource 0, as the idle agents here), typical
   * (cpu, memory, network and queue in use) and worst case (all seven built-in resources above zero).
   */
  static Map<String, Long> historyBytes() {
    Map<String, Long> sizes = new LinkedHashMap<>();
    sizes.put("idle (all zero)", hourOf(new double[7]));
    sizes.put("typical (cpu, memory, network, message_queue)", hourOf(new double[] {12, 5e6, 0, 0, 0, 2e4, 3}));
    sizes.put("worst case (all 7 resources)", hourOf(new double[] {12, 5e6, 1, 2, 3, 2e4, 3}));
    return sizes;
  }

  private static long hourOf(double[] usage) {
    int agents = 1000;
    UsageHistory h = new UsageHistory();
    h.grow(agents);
    double[][] columns = new double[Resource.BUILT_IN_COUNT][agents];
    for (int i = 0; i < agents; i++) {
      h.join(i);
      for (int r = 0; r < usage.length; r++) {
        columns[r][i] = usage[r];
      }
    }
    long t0 = 1_700_000_000_000L;
    for (int s = 0; s < 3600; s++) {
      h.record(t0 + s * 1000L, columns, agents);
    }
    return GraphLayout.parseInstance(h).totalSize() / agents;
  }

  private static void report(Path out, int agents, long intervalMs, int windowSeconds, Run m, Run b,
                             Map<String, Long> history) throws Exception {
    double intervals = m.windowSeconds() * 1000.0 / intervalMs;
    long workerM = m.cpuByGroup().get("vertx-worker");
    long workerB = b.cpuByGroup().get("vertx-worker");
    double workerMsPerInterval = (workerM - workerB * (m.windowSeconds() / b.windowSeconds())) / 1e6 / intervals;
    double processMsPerInterval = (m.processCpu() - b.processCpu() * (m.windowSeconds() / b.windowSeconds())) / 1e6 / intervals;
    double workerPct = workerMsPerInterval / intervalMs * 100;
    double processPct = processMsPerInterval / intervalMs * 100;
    long worst = history.values().stream().mapToLong(Long::longValue).max().orElse(0);
    long idle = history.values().iterator().next();
    double perAgent = m.heapPerAgent(agents);
    double withHour = perAgent - idle + worst;
    try (PrintWriter w = new PrintWriter(Files.newBufferedWriter(Path.of(out + ".csv")))) {
      w.println("run,agents,interval_ms,deploy_s,agents_per_s,heap_before_b,heap_after_b,heap_per_agent_b,window_s,"
          + "process_cpu_ms,worker_cpu_ms,eventloop_cpu_ms,hazelcast_cpu_ms,other_cpu_ms");
      for (Run r : List.of(m, b)) {
        w.printf("%s,%d,%d,%.2f,%.0f,%d,%d,%.0f,%.2f,%.1f,%.1f,%.1f,%.1f,%.1f%n", r.name(), agents, r.intervalMs(),
            r.deploySeconds(), agents / r.deploySeconds(), r.heapBefore(), r.heapAfter(), r.heapPerAgent(agents),
            r.windowSeconds(), r.processCpu() / 1e6, r.cpuByGroup().get("vertx-worker") / 1e6,
            r.cpuByGroup().get("vertx-eventloop") / 1e6, r.cpuByGroup().get("hazelcast") / 1e6,
            r.cpuByGroup().get("other") / 1e6);
      }
      w.printf("derived,sampling_worker_ms_per_interval,%.2f,pct_of_core,%.3f%n", workerMsPerInterval, workerPct);
      w.printf("derived,sampling_process_ms_per_interval,%.2f,pct_of_core,%.3f%n", processMsPerInterval, processPct);
      history.forEach((k, v) -> w.printf("history_hour_bytes,%s,%d%n", k.replace(',', ';'), v));
    }
    try (PrintWriter w = new PrintWriter(Files.newBufferedWriter(Path.of(out + ".run.md")))) {
      w.printf("## %,d idle agents, monitor interval %d ms (baseline: sampling off), window %d s%n%n", agents, intervalMs, windowSeconds);
      w.println("| figure | measured node | baseline node | ratio / difference |");
      w.println("| --- | --- | --- | --- |");
      w.printf("| deploy time | %.1f s (%.0f agents/s) | %.1f s (%.0f agents/s) | %.2f× |%n", m.deploySeconds(),
          agents / m.deploySeconds(), b.deploySeconds(), agents / b.deploySeconds(), m.deploySeconds() / b.deploySeconds());
      w.printf("| heap per agent after full GC | %.0f B | %.0f B | +%.0f B (the monitor's per-agent state) |%n",
          m.heapPerAgent(agents), b.heapPerAgent(agents), m.heapPerAgent(agents) - b.heapPerAgent(agents));
      w.printf("| worker-thread CPU in window | %.0f ms | %.0f ms | %.2f ms per interval = **%.2f %% of a core** |%n",
          workerM / 1e6, workerB / 1e6, workerMsPerInterval, workerPct);
      w.printf("| process CPU in window | %.0f ms | %.0f ms | %.2f ms per interval = %.2f %% of a core |%n",
          m.processCpu() / 1e6, b.processCpu() / 1e6, processMsPerInterval, processPct);
      w.printf("| event-loop CPU in window | %.0f ms | %.0f ms | |%n", m.cpuByGroup().get("vertx-eventloop") / 1e6,
          b.cpuByGroup().get("vertx-eventloop") / 1e6);
      w.printf("| Hazelcast-thread CPU in window | %.0f ms | %.0f ms | |%n", m.cpuByGroup().get("hazelcast") / 1e6,
          b.cpuByGroup().get("hazelcast") / 1e6);
      w.println();
      w.println("One hour of history per agent (`UsageHistory` after 3,600 samples at 1 s, JOL):");
      w.println();
      history.forEach((k, v) -> w.printf("- %s: %,d B%n", k, v));
      w.println();
      w.printf("Heap per agent including an hour of history, worst case: %.0f B measured (idle history included) "
          + "− %d B idle history + %d B worst-case history = **%.0f B (%.1f KB)**%n%n", perAgent, idle, worst, withHour,
          withHour / 1024);
      if (!m.histogramDiff().isEmpty()) {
        w.println("What the per-agent heap is made of (class histogram after − before deploy, per agent, top 30):");
        w.println();
        w.println("| class | instances / agent | bytes / agent |");
        w.println("| --- | --- | --- |");
        m.histogramDiff().forEach(r -> w.printf("| `%s` | %s | %s |%n", r[0], r[1], r[2]));
      }
    }
    System.out.println(Files.readString(Path.of(out + ".run.md")));
  }
}
