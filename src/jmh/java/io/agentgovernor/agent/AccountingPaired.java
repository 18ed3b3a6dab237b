package io.agentgovernor.agent;

import io.agentgovernor.load.Stats;
import java.io.PrintWriter;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * {@link AccountingBenchmark}'s variants run in alternating short blocks (a round = one block of
 * each, in a rotating order), so every ratio compares blocks measured side by side: on a shared
 * 2-core machine the load changes by the second, and separate JMH runs of the baseline and the
 * variant can be seconds apart. Reports, per round, the throughput ratio to the plain consumer and
 * the event-loop thread's CPU time per message (which descheduling does not inflate).
 *
 * <p>{@code java -cp target/benchmarks.jar io.agentgovernor.agent.AccountingPaired [rounds] [blockMs] [csv]}
 */
public final class AccountingPaired {

  private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
  private static final String[] VARIANTS = {"plain", "governed", "timingOnly", "clockOnly", "sizingOnly", "bodyOnly"};

  public static void main(String[] args) throws Exception {
    int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 40;
    long blockMs = args.length > 1 ? Long.parseLong(args[1]) : 150;
    Path csv = args.length > 2 ? Path.of(args[2]) : null;
    List<String> rows = new ArrayList<>();
    rows.add("work,round,variant,msgs_per_s,cpu_ns_per_msg,ratio_to_plain");
    for (String work : new String[] {"noop", "noopReadsBody", "spin10us"}) {
      AccountingBenchmark b = new AccountingBenchmark();
      b.work = work;
      b.start();
      long loopThread = loopThreadId(b);
      for (int i = 0; i < 20; i++) {
        for (String v : VARIANTS) {
          block(b, v, 50, loopThread);
        }
      }
      Map<String, double[]> ratio = new LinkedHashMap<>();
      Map<String, double[]> cpu = new LinkedHashMap<>();
      for (String v : VARIANTS) {
        ratio.put(v, new double[rounds]);
        cpu.put(v, new double[rounds]);
      }
      for (int r = 0; r < rounds; r++) {
        Map<String, double[]> res = new LinkedHashMap<>();
        for (int k = 0; k < VARIANTS.length; k++) {
          String v = VARIANTS[(k + r) % VARIANTS.length];
          res.put(v, block(b, v, blockMs, loopThread));
        }
        double plain = res.get("plain")[0];
        for (String v : VARIANTS) {
          ratio.get(v)[r] = res.get(v)[0] / plain;
          cpu.get(v)[r] = res.get(v)[1];
          rows.add(String.join(",", work, String.valueOf(r), v, String.format("%.0f", res.get(v)[0]),
              String.format("%.1f", res.get(v)[1]), String.format("%.4f", res.get(v)[0] / plain)));
        }
      }
      b.stop();
      System.out.printf("%n%s: %d rounds of %d ms blocks; median [p25 .. p75] (min .. max)%n", work, rounds, blockMs);
      System.out.printf("| variant | throughput / plain | event-loop CPU ns per message | CPU-cost ratio plain/variant |%n");
      System.out.printf("| --- | --- | --- | --- |%n");
      double[] plainCpu = cpu.get("plain");
      for (String v : VARIANTS) {
        double[] costRatio = new double[rounds];
        for (int r = 0; r < rounds; r++) {
          costRatio[r] = plainCpu[r] / cpu.get(v)[r];
        }
        System.out.printf("| %s | %s | %s | %s |%n", v, Stats.spread(ratio.get(v), 3), Stats.spread(cpu.get(v), 0),
            Stats.spread(costRatio, 3));
      }
    }
    if (csv != null) {
      Files.createDirectories(csv.toAbsolutePath().getParent());
      try (PrintWriter w = new PrintWriter(Files.newBufferedWriter(csv))) {
        rows.forEach(w::println);
      }
    }
    System.exit(0);
  }

  /** Runs one variant for about {@code ms}: {messages per second, event-loop CPU ns per message}. */
  private static double[] block(AccountingBenchmark b, String variant, long ms, long loopThread) throws Exception {
    long messages = 0;
    long cpu0 = THREADS.getThreadCpuTime(loopThread);
    long start = System.nanoTime();
    long end = start + ms * 1_000_000;
    while (System.nanoTime() < end) {
      switch (variant) {
        case "plain" -> b.plainConsumer();
        case "governed" -> b.governedAgent();
        case "timingOnly" -> b.accountingParts_timingOnly();
        case "sizingOnly" -> b.accountingParts_sizingOnly();
        case "clockOnly" -> b.accountingParts_clockOnly();
        case "bodyOnly" -> b.accountingParts_bodyOnly();
        default -> throw new IllegalArgumentException(variant);
      }
      messages += AccountingBenchmark.BATCH;
    }
    long elapsed = System.nanoTime() - start;
    long cpu = THREADS.getThreadCpuTime(loopThread) - cpu0;
    return new double[] {messages / (elapsed / 1e9), cpu / (double) messages};
  }

  private static long loopThreadId(AccountingBenchmark b) throws Exception {
    CompletableFuture<Long> id = new CompletableFuture<>();
    b.senderContext().runOnContext(v -> id.complete(Thread.currentThread().getId()));
    return id.get();
  }
}
