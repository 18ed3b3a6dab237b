package io.agentgovernor.monitor;

import io.agentgovernor.agent.AgentMeter;
import io.agentgovernor.agent.LocalAgent;
import io.agentgovernor.quota.Resource;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.Map;

/**
 * Turns the agents' running totals into usage, once per interval.
 *
 * <p>CPU: reading a thread's CPU clock costs 1.5–2 µs here (a system call), too much around every
 * handler. So handlers are timed with {@code nanoTime} (30 ns), and once per interval each thread
 * that ran agent handlers has its CPU clock read once. An agent's CPU is its handler time on that
 * thread, scaled by {@code min(1, threadCpu / sum of handler time on the thread)}: when the thread
 * ran undisturbed the ratio is 1 and handler time is CPU time; when the machine is busy and the
 * thread was descheduled inside handlers, the ratio shares the CPU it really got among the agents
 * by their handler time. Blocking tasks read their worker's CPU clock directly.
 *
 * <p>Not thread-safe: one sampler per node, called from one thread.
 */
final class Sampler {

  private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

  private final Map<Thread, ThreadClock> threads = new IdentityHashMap<>();
  /** Per slot, this interval: the clock of the thread its handlers ran on, or null (looked up once, not twice). */
  private ThreadClock[] slotClocks = new ThreadClock[0];
  private long lastNanos = System.nanoTime();

  /** A thread that ran agent handlers: its CPU clock at the last interval, and this interval's handler time on it. */
  private static final class ThreadClock {
    long cpu;
    long handlerNanos;
    double ratio = 1.0;
    /** Its thread ended: its agents' handler time counts as CPU time, as for a thread never seen. */
    boolean gone;

    ThreadClock(long cpu) {
      this.cpu = cpu;
    }
  }

  /**
   * Writes the interval's usage of every slot of the store into {@code columns[resource][slot]}
   * (one column per built-in resource, at least {@code store.count} long).
   */
  void sample(SampleStore store, double[][] columns, long nowNanos) {
    long elapsed = Math.max(1, nowNanos - lastNanos);
    lastNanos = nowNanos;
    threads.values().forEach(t -> t.handlerNanos = 0);
    int n = store.count;
    LocalAgent[] handles = store.handles;
    long[] handlerNanos = store.handlerNanos;
    if (slotClocks.length < n) {
      slotClocks = new ThreadClock[Math.max(n, slotClocks.length * 2)];
    }
    ThreadClock[] clocks = slotClocks;
    Thread lastThread = null; // agents of one event loop tend to sit side by side: one lookup per run of them
    ThreadClock lastClock = null;
    for (int i = 0; i < n; i++) {
      AgentMeter a = handles[i].meter();
      long nanos = a.takeHandlerNanos();
      handlerNanos[i] = nanos;
      Thread thread = a.thread();
      ThreadClock clock = null;
      if (thread != null && nanos > 0) {
        if (thread != lastThread) {
          lastClock = threads.computeIfAbsent(thread, t -> new ThreadClock(cpuTime(t)));
          lastThread = thread;
        }
        clock = lastClock;
        clock.handlerNanos += nanos;
      }
      clocks[i] = clock;
    }
    updateRatios();
    for (int i = 0; i < n; i++) {
      usageOf(store, i, columns, elapsed, nowNanos);
      handlerNanos[i] = 0;
    }
  }

  private void updateRatios() {
    threads.entrySet().removeIf(e -> {
      e.getValue().gone = !e.getKey().isAlive();
      return e.getValue().gone;
    });
    threads.forEach((thread, clock) -> {
      long cpu = cpuTime(thread);
      long delta = cpu - clock.cpu;
      clock.cpu = cpu;
      clock.ratio = clock.handlerNanos > 0 ? Math.min(1.0, Math.max(0, delta) / (double) clock.handlerNanos) : 1.0;
    });
  }

  private void usageOf(SampleStore store, int i, double[][] u, long elapsed, long nowNanos) {
    LocalAgent h = store.handles[i];
    AgentMeter a = h.meter();
    long handlerNanos = store.handlerNanos[i];
    ThreadClock clock = slotClocks[i];
    double ratio = clock == null || clock.gone ? 1.0 : clock.ratio;
    slotClocks[i] = null;
    double cpuNanos = handlerNanos * ratio + a.takeWorkerCpuNanos();
    double cpu = cpuNanos / elapsed * 100.0;
    double memory = store.memory.measure(i, h, a.messagesHandled(), nowNanos) + h.queuedBytes();
    double processes = a.processes();
    long bytes = a.bytesIn() + a.bytesOut();
    u[Resource.NETWORK.index()][i] = (bytes - store.lastBytes[i]) / (elapsed / 1e9);
    store.lastBytes[i] = bytes;
    u[Resource.FILES.index()][i] = a.files();
    u[Resource.CONNECTIONS.index()][i] = a.connections();
    u[Resource.MESSAGE_QUEUE.index()][i] = h.queuedMessages();
    u[Resource.DISK.index()][i] = a.diskBytes();
    double[] outside = a.external();
    if (outside != null) {
      // An agent in another process: its own CPU, memory and processes come from the OS (its
      // cgroup or /proc) or its reports, added to what its proxy in this JVM uses for it.
      cpu += outside[Resource.CPU.index()];
      memory += outside[Resource.MEMORY.index()];
      processes += outside[Resource.PROCESSES.index()];
    }
    u[Resource.CPU.index()][i] = cpu;
    u[Resource.MEMORY.index()][i] = memory;
    u[Resource.PROCESSES.index()][i] = processes;
  }

  /** Custom usage of slot {@code i}: the amounts reported over the last 60 s (an empty map, not allocated, for most agents). */
  Map<String, Double> custom(SampleStore store, int i, long nowMs) {
    Map<String, Double> reported = store.handles[i].meter().takeCustom();
    Sampler.CustomWindow window = store.customWindows[i];
    if (window == null) {
      if (reported.isEmpty()) {
        return Map.of();
      }
      window = new CustomWindow();
      store.customWindows[i] = window;
    }
    return window.add(nowMs, reported);
  }

  private static long cpuTime(Thread t) {
    long cpu = THREADS.getThreadCpuTime(t.getId());
    return Math.max(0, cpu);
  }

  /** Sums custom reports over a sliding 60 s window of per-interval buckets. */
  static final class CustomWindow {
    private static final long WINDOW_MS = 60_000;
    private final ArrayDeque<Object[]> buckets = new ArrayDeque<>(2); // most agents report nothing custom

    Map<String, Double> add(long nowMs, Map<String, Double> reported) {
      if (!reported.isEmpty()) {
        buckets.add(new Object[] {nowMs, reported});
      }
      while (!buckets.isEmpty() && (long) buckets.peekFirst()[0] <= nowMs - WINDOW_MS) {
        buckets.pollFirst();
      }
      if (buckets.isEmpty()) {
        return Map.of();
      }
      Map<String, Double> sum = new HashMap<>();
      for (Object[] b : buckets) {
        @SuppressWarnings("unchecked")
        Map<String, Double> m = (Map<String, Double>) b[1];
        m.forEach((k, v) -> sum.merge(k, v, Double::sum));
      }
      return sum;
    }
  }
}
