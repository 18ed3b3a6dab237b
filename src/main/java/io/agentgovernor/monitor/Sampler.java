package io.agentgovernor.monitor;

import io.agentgovernor.agent.AgentMeter;
import io.agentgovernor.agent.LocalAgent;
import io.agentgovernor.quota.Resource;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
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

  /**
   * The threads that ran agent handlers, with their clocks: a short list scanned by reference.
   * Busy agents sit on a handful of event loops, taken in turn, so the thread changes from one agent
   * to the next, and a map lookup per agent was a fifth of the per-sample parts' CPU (JFR, 10,000
   * busy agents); a scan of a few references is a few compares.
   */
  private final List<ThreadClock> threads = new ArrayList<>();
  /** This interval's slots whose handlers ran: slot, handler time, and the clock of the thread they ran on (or null). */
  private int[] activeSlots = new int[0];
  private long[] activeNanos = new long[0];
  private ThreadClock[] activeClocks = new ThreadClock[0];
  private long lastNanos = System.nanoTime();

  /** A thread that ran agent handlers: its CPU clock at the last interval, and this interval's handler time on it. */
  private static final class ThreadClock {
    final Thread thread;
    long cpu;
    long handlerNanos;
    double ratio = 1.0;
    /** Its thread ended: its agents' handler time counts as CPU time, as for a thread never seen. */
    boolean gone;

    ThreadClock(Thread thread) {
      this.thread = thread;
      this.cpu = cpuTime(thread);
    }
  }

  /**
   * Writes the interval's usage of every slot of the store into {@code columns[resource][slot]}
   * (one column per built-in resource, at least {@code store.count} long) and returns the custom
   * usage by slot, or null when no agent has any.
   *
   * <p>Each agent's meter is read once, in one pass over the slots (at 100,000 agents every visit
   * of an agent is a cache miss, and the pass is as cheap as the number of visits): everything but
   * the handlers' share of CPU is final after it. That share is added once the threads' CPU
   * clocks are read, from a short list of the slots whose handlers ran (their meters not read again).
   */
  @SuppressWarnings("unchecked")
  Map<String, Double>[] sample(SampleStore store, double[][] columns, long nowNanos, long nowMs) {
    long elapsed = Math.max(1, nowNanos - lastNanos);
    lastNanos = nowNanos;
    double cpuPerNano = 100.0 / elapsed;
    double perSecond = 1e9 / elapsed;
    threads.forEach(t -> t.handlerNanos = 0);
    int n = store.count;
    if (activeSlots.length < n) {
      int capacity = Math.max(n, activeSlots.length * 2);
      activeSlots = new int[capacity];
      activeNanos = new long[capacity];
      activeClocks = new ThreadClock[capacity];
    }
    AgentMeter[] meters = store.meters;
    LocalAgent[] handles = store.handles;
    long[] lastBytes = store.lastBytes;
    double[] cpu = columns[Resource.CPU.index()];
    double[] memory = columns[Resource.MEMORY.index()];
    double[] processes = columns[Resource.PROCESSES.index()];
    double[] network = columns[Resource.NETWORK.index()];
    double[] files = columns[Resource.FILES.index()];
    double[] connections = columns[Resource.CONNECTIONS.index()];
    double[] queue = columns[Resource.MESSAGE_QUEUE.index()];
    double[] disk = columns[Resource.DISK.index()];
    Map<String, Double>[] custom = null;
    int active = 0;
    for (int i = 0; i < n; i++) {
      AgentMeter a = meters[i];
      long nanos = a.takeHandlerNanos();
      if (nanos > 0) {
        Thread thread = a.thread();
        ThreadClock clock = thread == null ? null : clockOf(thread);
        if (clock != null) {
          clock.handlerNanos += nanos;
        }
        activeSlots[active] = i;
        activeNanos[active] = nanos;
        activeClocks[active++] = clock;
      }
      double c = a.takeWorkerCpuNanos() * cpuPerNano; // the handlers' share is added below
      double m = store.memory.measure(i, handles[i], a.messagesHandled(), nowNanos) + a.queuedBytes();
      double p = a.processes();
      long bytes = a.bytesIn() + a.bytesOut();
      network[i] = (bytes - lastBytes[i]) * perSecond;
      lastBytes[i] = bytes;
      files[i] = a.files();
      connections[i] = a.connections();
      queue[i] = a.queuedMessages();
      disk[i] = a.diskBytes();
      double[] outside = a.external();
      if (outside != null) {
        // An agent in another process: its own CPU, memory and processes come from the OS (its
        // cgroup or /proc) or its reports, added to what its proxy in this JVM uses for it.
        c += outside[Resource.CPU.index()];
        m += outside[Resource.MEMORY.index()];
        p += outside[Resource.PROCESSES.index()];
      }
      cpu[i] = c;
      memory[i] = m;
      processes[i] = p;
      Map<String, Double> reported = a.takeCustom();
      if (!reported.isEmpty() || store.customWindows[i] != null) {
        Map<String, Double> window = custom(store, i, reported, nowMs);
        if (!window.isEmpty()) {
          if (custom == null) {
            custom = new Map[n];
          }
          custom[i] = window;
        }
      }
    }
    updateRatios();
    for (int k = 0; k < active; k++) {
      ThreadClock clock = activeClocks[k];
      activeClocks[k] = null;
      double ratio = clock == null || clock.gone ? 1.0 : clock.ratio;
      cpu[activeSlots[k]] += activeNanos[k] * ratio * cpuPerNano;
    }
    return custom;
  }

  /** The clock of a thread that ran handlers, made at its first sight. */
  private ThreadClock clockOf(Thread thread) {
    for (int k = 0; k < threads.size(); k++) {
      ThreadClock clock = threads.get(k);
      if (clock.thread == thread) {
        return clock;
      }
    }
    ThreadClock clock = new ThreadClock(thread);
    threads.add(clock);
    return clock;
  }

  private void updateRatios() {
    threads.removeIf(clock -> {
      clock.gone = !clock.thread.isAlive();
      return clock.gone;
    });
    for (ThreadClock clock : threads) {
      long cpu = cpuTime(clock.thread);
      long delta = cpu - clock.cpu;
      clock.cpu = cpu;
      clock.ratio = clock.handlerNanos > 0 ? Math.min(1.0, Math.max(0, delta) / (double) clock.handlerNanos) : 1.0;
    }
  }

  /** Custom usage of slot {@code i}: the amounts reported over the last 60 s, {@code reported} (this interval's) included. */
  private static Map<String, Double> custom(SampleStore store, int i, Map<String, Double> reported, long nowMs) {
    Sampler.CustomWindow window = store.customWindows[i];
    if (window == null) {
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
