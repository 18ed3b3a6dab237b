package io.agentgovernor.bridge;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The fallback measurement of a process agent where it has no cgroup: its process and every
 * descendant alive now, read from {@code /proc}. CPU is the sum of each process's
 * {@code utime + stime} ticks since the previous read (a process new since then counts from its
 * start); memory the sum of their {@code VmRSS} (pages shared between them count more than once).
 * Less exact than a cgroup: CPU a process used between the last read and its exit is missed, and a
 * process that leaves the tree (re-parented to init when its parent exits) is still followed only
 * if a read saw it before it left; one that forks and leaves between two reads escapes.
 * Blocking (reads /proc); one caller at a time.
 */
final class ProcessTree {

  private final ProcessHandle root;
  /** Every process seen in the tree and still alive (a handle checks its start time, so a reused pid is not it). */
  private final java.util.Set<ProcessHandle> seen = new java.util.LinkedHashSet<>();
  private Map<Long, Long> lastTicks = new HashMap<>();
  private long lastNanos = -1;

  ProcessTree(ProcessHandle root) {
    this.root = root;
  }

  /** The root, if alive, its live descendants, and those seen before that have left the tree alive. */
  List<ProcessHandle> members() {
    if (root.isAlive()) {
      seen.add(root);
    }
    root.descendants().forEach(seen::add);
    seen.removeIf(p -> !p.isAlive());
    return new ArrayList<>(seen);
  }

  /** {@code [cpu percent of one core since the previous call, resident bytes, processes]}. */
  double[] measure(long nowNanos) {
    Map<Long, Long> ticks = new HashMap<>();
    long delta = 0;
    long resident = 0;
    for (ProcessHandle p : members()) {
      long t = ProcessMeter.ticks(p.pid());
      long rss = ProcessMeter.residentBytes(p.pid());
      if (t < 0 || rss < 0) {
        continue; // gone while we looked
      }
      ticks.put(p.pid(), t);
      delta += Math.max(0, t - lastTicks.getOrDefault(p.pid(), 0L));
      resident += rss;
    }
    double cpu = lastNanos < 0 || nowNanos <= lastNanos ? 0 : ProcessMeter.percentOf(delta, nowNanos - lastNanos);
    lastTicks = ticks;
    lastNanos = nowNanos;
    return new double[] {cpu, resident, ticks.size()};
  }
}
