package io.agentgovernor.monitor;

import java.util.List;
import java.util.function.Supplier;
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

  private long bytes;
  private long lastHandled = -1;
  private long nextWalkNanos;

  /** The retained bytes, walking again if the agent ran since the last walk and the spacing allows. */
  long measure(Supplier<List<Object>> rootsSupplier, long handled, long nowNanos) {
    if (handled == lastHandled || nowNanos < nextWalkNanos) {
      return bytes;
    }
    long start = System.nanoTime();
    List<Object> roots = rootsSupplier.get();
    bytes = roots.isEmpty() ? 0 : walk(roots);
    long took = System.nanoTime() - start;
    lastHandled = handled;
    nextWalkNanos = nowNanos + Math.min(MAX_SPACING_NANOS, took * MIN_SPACING_FACTOR);
    return bytes;
  }

  private long walk(List<Object> roots) {
    try {
      return GraphLayout.parseInstance(roots.toArray()).totalSize();
    } catch (RuntimeException e) {
      // The agent changed its state under the walk (a concurrent modification): keep the last figure.
      return bytes;
    }
  }
}
