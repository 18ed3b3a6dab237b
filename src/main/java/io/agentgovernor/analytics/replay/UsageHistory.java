package io.agentgovernor.analytics.replay;

import java.util.Arrays;

/** An append-only series of observed samples, in time order. */
final class UsageHistory {

  private long[] times = new long[256];
  private double[] values = new double[256];
  private int size;

  void add(long time, double value) {
    if (size == times.length) {
      times = Arrays.copyOf(times, size * 2);
      values = Arrays.copyOf(values, size * 2);
    }
    times[size] = time;
    values[size++] = value;
  }

  int size() {
    return size;
  }

  long time(int i) {
    return times[i];
  }

  double value(int i) {
    return values[i];
  }

  long first() {
    return times[0];
  }
}
