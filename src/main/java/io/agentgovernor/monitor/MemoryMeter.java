package io.agentgovernor.monitor;

import io.agentgovernor.agent.LocalAgent;
import java.util.List;
import org.openjdk.jol.info.GraphLayout;

/**
 * The retained size of an agent's declared state, by walking its object graph with JOL
 * ({@link GraphLayout}): every reachable object counted once with its real size on this JVM
 * (header, fields, padding, array contents). Exact for what the agent declared; objects it holds
 * but did not declare are not seen, and objects shared with another agent count for both.
 *
 * <p>A walk costs time in proportion to the number of objects, so it is repeated only when the
 * agent has run handlers since the last walk, and no more often than every {@code 100 ×} the
 * duration of the previous walk (a graph that takes 5 ms to walk is walked at most every 0.5 s),
 * yet at least every 5 s while the agent runs: the meter's cost stays around 1 % of a core
 * whatever the agents hold.
 */
final class MemoryMeter {

  private static final long MIN_SPACING_FACTOR = 100;
  /** However long a walk took, the next may come this soon (the first walk pays JOL's start-up). */
  private static final long MAX_SPACING_NANOS = 5_000_000_000L;

  static {
    // JOL would try to attach an agent to this JVM for Instrumentation and print a warning when
    // it cannot; its Unsafe-based sizes need neither.
    System.setProperty("jol.skipInstallAttach", "true");
    System.setProperty("jol.skipDynamicAttach", "true");
  }

  // One entry per slot of the node's SampleStore (columns, not an object per agent).
  private long[] bytes = new long[0];
  private long[] lastHandled = new long[0];
  private long[] nextWalkNanos = new long[0];

  void grow(int capacity) {
    bytes = java.util.Arrays.copyOf(bytes, capacity);
    lastHandled = java.util.Arrays.copyOf(lastHandled, capacity);
    nextWalkNanos = java.util.Arrays.copyOf(nextWalkNanos, capacity);
  }

  /** A new agent in this slot: nothing measured yet. */
  void reset(int slot) {
    bytes[slot] = 0;
    lastHandled[slot] = -1;
    nextWalkNanos[slot] = 0;
  }

  void move(int from, int to) {
    bytes[to] = bytes[from];
    lastHandled[to] = lastHandled[from];
    nextWalkNanos[to] = nextWalkNanos[from];
  }

  /** The retained bytes of the agent in {@code slot}, walking again if it ran since the last walk and the spacing allows. */
  long measure(int slot, LocalAgent agent, long handled, long nowNanos) {
    if (handled == lastHandled[slot] || nowNanos < nextWalkNanos[slot]) {
      return bytes[slot];
    }
    List<Object> roots = agent.retainedRoots();
    lastHandled[slot] = handled;
    if (roots.isEmpty()) {
      bytes[slot] = 0; // nothing declared: no walk, and no clock read to time it
      return 0;
    }
    long start = System.nanoTime();
    bytes[slot] = walk(roots, bytes[slot]);
    long took = System.nanoTime() - start;
    nextWalkNanos[slot] = nowNanos + Math.min(MAX_SPACING_NANOS, took * MIN_SPACING_FACTOR);
    return bytes[slot];
  }

  private static long walk(List<Object> roots, long previous) {
    try {
      return GraphLayout.parseInstance(roots.toArray()).totalSize();
    } catch (RuntimeException e) {
      // The agent changed its state under the walk (a concurrent modification): keep the last figure.
      return previous;
    }
  }
}
