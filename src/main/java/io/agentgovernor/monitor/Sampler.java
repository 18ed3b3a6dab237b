package io.agentgovernor.monitor;

import io.agentgovernor.agent.AgentMeter;
import io.agentgovernor.agent.LocalAgent;
import io.agentgovernor.quota.Resource;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.ArrayDeque;
import java.util.Collection;
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

  private final Map<Thread, long[]> threads = new IdentityHashMap<>();
  private long lastNanos = System.nanoTime();

  /** The interval's usage of every agent, keyed like the input; {@code elapsedOut[0]} gets the interval in ns. */
  Map<LocalAgent, double[]> sample(Collection<? extends LocalAgent> agents, long nowNanos, long[] elapsedOut) {
    long elapsed = Math.max(1, nowNanos - lastNanos);
    lastNanos = nowNanos;
    elapsedOut[0] = elapsed;
    threads.values().forEach(t -> t[1] = 0);
    for (LocalAgent h : agents) {
      AgentMeter a = h.meter();
      long nanos = a.takeHandlerNanos();
      cursor(h).handlerNanos = nanos;
      Thread thread = a.thread();
      if (thread != null && nanos > 0) {
        threads.computeIfAbsent(thread, t -> new long[] {cpuTime(t), 0})[1] += nanos;
      }
    }
    Map<Thread, Double> ratios = threadRatios();
    Map<LocalAgent, double[]> out = new IdentityHashMap<>(agents.size() * 2);
    for (LocalAgent h : agents) {
      AgentCursor c = cursor(h);
      out.put(h, usageOf(h, c, c.handlerNanos, ratios, elapsed, nowNanos));
      c.handlerNanos = 0;
    }
    return out;
  }

  /** The agent's cursor, kept on its handle (no map lookup; it goes when the handle goes). */
  private static AgentCursor cursor(LocalAgent h) {
    if (h.monitorState() instanceof AgentCursor c) {
      return c;
    }
    AgentCursor c = new AgentCursor(h.meter());
    h.monitorState(c);
    return c;
  }

  private Map<Thread, Double> threadRatios() {
    Map<Thread, Double> ratios = new IdentityHashMap<>();
    threads.entrySet().removeIf(e -> !e.getKey().isAlive());
    threads.forEach((thread, totals) -> {
      long cpu = cpuTime(thread);
      long delta = cpu - totals[0];
      totals[0] = cpu;
      ratios.put(thread, totals[1] > 0 ? Math.min(1.0, Math.max(0, delta) / (double) totals[1]) : 1.0);
    });
    return ratios;
  }

  private double[] usageOf(LocalAgent h, AgentCursor c, long handlerNanos, Map<Thread, Double> ratios, long elapsed,
                           long nowNanos) {
    AgentMeter a = h.meter();
    double[] usage = new double[Resource.BUILT_IN_COUNT];
    double ratio = a.thread() == null ? 1.0 : ratios.getOrDefault(a.thread(), 1.0);
    double cpuNanos = handlerNanos * ratio + a.takeWorkerCpuNanos();
    usage[Resource.CPU.index()] = cpuNanos / elapsed * 100.0;
    usage[Resource.MEMORY.index()] = c.memory.measure(h::retainedRoots, a.messagesHandled(), nowNanos)
        + h.queuedBytes();
    usage[Resource.PROCESSES.index()] = a.processes();
    usage[Resource.FILES.index()] = a.files();
    usage[Resource.CONNECTIONS.index()] = a.connections();
    long bytes = a.bytesIn() + a.bytesOut();
    usage[Resource.NETWORK.index()] = (bytes - c.lastBytes) / (elapsed / 1e9);
    c.lastBytes = bytes;
    usage[Resource.MESSAGE_QUEUE.index()] = h.queuedMessages();
    usage[Resource.DISK.index()] = a.diskBytes();
    double[] outside = a.external();
    if (outside != null) {
      // An agent in another process: its own CPU, memory and processes come from the OS (its
      // cgroup or /proc) or its reports, added to what its proxy in this JVM uses for it.
      usage[Resource.CPU.index()] += outside[Resource.CPU.index()];
      usage[Resource.MEMORY.index()] += outside[Resource.MEMORY.index()];
      usage[Resource.PROCESSES.index()] += outside[Resource.PROCESSES.index()];
    }
    return usage;
  }

  /** Custom usage: the amounts reported over the last 60 s. */
  Map<String, Double> custom(LocalAgent h, long nowMs) {
    AgentCursor c = h.monitorState() instanceof AgentCursor cursor ? cursor : null;
    Map<String, Double> reported = h.meter().takeCustom();
    if (c == null) {
      return reported;
    }
    return c.customWindow.add(nowMs, reported);
  }

  private static long cpuTime(Thread t) {
    long cpu = THREADS.getThreadCpuTime(t.getId());
    return Math.max(0, cpu);
  }

  /** What the sampler remembers of one agent between intervals. */
  private static final class AgentCursor {
    final MemoryMeter memory = new MemoryMeter();
    final CustomWindow customWindow = new CustomWindow();
    long lastBytes;
    /** Handler time taken from the account in this interval's first pass. */
    long handlerNanos;

    AgentCursor(AgentMeter a) {
      lastBytes = a.bytesIn() + a.bytesOut();
    }
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
