package io.agentgovernor.enforcement.impl;

import java.util.Arrays;

/**
 * The last {@code capacity} latencies (ns) in a ring, with percentiles over what it holds.
 * Synchronized: written on the enforcement verticle's thread, read by benchmarks and tests.
 */
public final class LatencyRecorder {

  private final long[] ring;
  private long count;

  public LatencyRecorder(int capacity) {
    this.ring = new long[capacity];
  }

  synchronized void record(long nanos) {
    ring[(int) (count % ring.length)] = nanos;
    count++;
  }

  public synchronized long count() {
    return count;
  }

  /** The p-th percentile (0..100) in nanoseconds of the latencies held, or 0 when empty. */
  public synchronized long percentile(double p) {
    int n = (int) Math.min(count, ring.length);
    if (n == 0) {
      return 0;
    }
    long[] copy = Arrays.copyOf(ring, n);
    Arrays.sort(copy);
    int rank = (int) Math.ceil(p / 100.0 * n) - 1;
    return copy[Math.max(0, Math.min(n - 1, rank))];
  }

  public synchronized void clear() {
    count = 0;
  }
}
