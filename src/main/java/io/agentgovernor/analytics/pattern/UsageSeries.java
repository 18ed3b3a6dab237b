package io.agentgovernor.analytics.pattern;

import java.util.Arrays;

/**
 * One agent's samples of one resource, in time order: {@code (timestampMs, value)} pairs held as
 * two arrays, so analysing ten thousand agents allocates no per-sample objects.
 */
public final class UsageSeries {

  private final long[] times;
  private final double[] values;

  private UsageSeries(long[] times, double[] values) {
    this.times = times;
    this.values = values;
  }

  /**
   * A series from parallel arrays (copied). Times must be strictly increasing and values finite.
   *
   * @throws IllegalArgumentException naming the first offending sample
   */
  public static UsageSeries of(long[] timesMs, double[] values) {
    if (timesMs.length != values.length) {
      throw new IllegalArgumentException("times and values differ in length: " + timesMs.length + " vs "
          + values.length);
    }
    for (int i = 0; i < timesMs.length; i++) {
      if (!Double.isFinite(values[i])) {
        throw new IllegalArgumentException("sample " + i + " is not a finite number: " + values[i]);
      }
      if (i > 0 && timesMs[i] <= timesMs[i - 1]) {
        throw new IllegalArgumentException("sample " + i + " is not after sample " + (i - 1) + " ("
            + timesMs[i] + " <= " + timesMs[i - 1] + ")");
      }
    }
    return new UsageSeries(timesMs.clone(), values.clone());
  }

  /** A series sampled every {@code intervalMs} from {@code startMs}. */
  public static UsageSeries regular(long startMs, long intervalMs, double... values) {
    long[] times = new long[values.length];
    for (int i = 0; i < values.length; i++) {
      times[i] = startMs + i * intervalMs;
    }
    return of(times, values);
  }

  public int size() {
    return times.length;
  }

  public long time(int i) {
    return times[i];
  }

  public double value(int i) {
    return values[i];
  }

  /** The samples with {@code fromMs <= time <= toMs} (no copy when all of them are). */
  public UsageSeries window(long fromMs, long toMs) {
    int from = lowerBound(fromMs);
    int to = lowerBound(toMs + 1);
    if (from == 0 && to == times.length) {
      return this;
    }
    return new UsageSeries(Arrays.copyOfRange(times, from, to), Arrays.copyOfRange(values, from, to));
  }

  /** The first {@code n} samples: the same series as it was when it held only those. */
  public UsageSeries head(int n) {
    return new UsageSeries(Arrays.copyOf(times, n), Arrays.copyOf(values, n));
  }

  /** A sorted copy of the values. */
  public double[] sortedValues() {
    double[] sorted = values.clone();
    Arrays.sort(sorted);
    return sorted;
  }

  private int lowerBound(long time) {
    int i = Arrays.binarySearch(times, time);
    return i >= 0 ? i : -i - 1;
  }
}
