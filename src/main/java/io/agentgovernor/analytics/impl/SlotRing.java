package io.agentgovernor.analytics.impl;

import io.agentgovernor.analytics.pattern.UsageSeries;
import java.util.Arrays;

/**
 * One resource's recent usage as fixed-width time slots, each holding the mean of the samples
 * that fell into it, in a ring of {@value #SLOTS} {@code float}s (2.9 KB): 1 h at the default
 * 5 s resolution. The mean, like the monitor's rollups, because the pattern thresholds are made
 * for samples and a slot mean is one with the sampling noise averaged out; spikes shorter than a
 * slot are what a limit's burst allowance is for. A slot without samples holds NaN, so no time
 * per slot is stored: slot {@code k} starts at {@code k * resolutionMs}. Slots before the first
 * sample are never read (the ring starts at {@code first}), so a new ring is not filled: most
 * rings are made at sample time, on the analytics loop, and filling 720 floats there showed in
 * profiles of 10,000 busy agents. The open slot's mean is kept as a running sum and count and
 * written into the ring when the slot closes: one store into this 2.9 KB array per slot instead
 * of one per sample (each a likely cache miss, for every ring of every agent every interval).
 *
 * <p>Single-threaded: written and read by the analytics verticle's event loop.
 */
final class SlotRing {

  static final int SLOTS = 720;

  private final float[] means = new float[SLOTS];
  private final long resolutionMs;
  private long newest = Long.MIN_VALUE;
  /** The slot of the first sample: older slots were never written. */
  private long first = Long.MIN_VALUE;
  private double sum;
  private int count;

  SlotRing(long resolutionMs) {
    this.resolutionMs = resolutionMs;
  }

  /** Adds a sample; one older than the newest slot is dropped (a node's clock only moves on). */
  void add(long timeMs, double value) {
    long slot = Math.floorDiv(timeMs, resolutionMs);
    if (newest == Long.MIN_VALUE || slot > newest) {
      if (newest == Long.MIN_VALUE) {
        first = slot;
      } else {
        means[index(newest)] = (float) (sum / count); // the slot closes: its mean goes into the ring
        for (long s = newest + 1; s < slot && s <= newest + SLOTS; s++) {
          means[index(s)] = Float.NaN;
        }
      }
      newest = slot;
      sum = 0;
      count = 0;
    } else if (slot < newest) {
      return;
    }
    sum += value;
    count++; // the open slot's mean is read from these: the ring is written once per slot, not per sample
  }

  /** The slots with samples, oldest first, each at its start time; empty when none. */
  UsageSeries series() {
    if (newest == Long.MIN_VALUE) {
      return UsageSeries.of(new long[0], new double[0]);
    }
    long[] times = new long[SLOTS];
    double[] values = new double[SLOTS];
    int n = 0;
    for (long s = Math.max(first, newest - SLOTS + 1); s <= newest; s++) {
      float v = s == newest ? (float) (sum / count) : means[index(s)];
      if (!Float.isNaN(v)) {
        times[n] = s * resolutionMs;
        values[n++] = v;
      }
    }
    return UsageSeries.of(Arrays.copyOf(times, n), Arrays.copyOf(values, n));
  }

  /** When the newest sample's slot started, or {@link Long#MIN_VALUE} before the first sample. */
  long newestMs() {
    return newest == Long.MIN_VALUE ? Long.MIN_VALUE : newest * resolutionMs;
  }

  private int index(long slot) {
    return (int) Math.floorMod(slot, (long) SLOTS);
  }
}
