package io.agentgovernor.analytics.replay;

import java.util.Arrays;

/**
 * One entity's provisioned capacity over time: each row holds from its timestamp until the next.
 * Before the first row, the first row holds (it is the capacity the entity started with).
 */
public final class Capacity {

  private final long[] times;
  private final double[][] amounts;

  /** @param amounts per resource ordinal, one value per time */
  Capacity(long[] times, double[][] amounts) {
    this.times = times;
    this.amounts = amounts;
  }

  /** The capacity in force at {@code timeSeconds}. */
  public double at(ReplayResource resource, long timeSeconds) {
    int i = Arrays.binarySearch(times, timeSeconds);
    int row = i >= 0 ? i : Math.max(0, -i - 2);
    return amounts[resource.ordinal()][row];
  }

  /** The capacity at the start of the series. */
  public double initial(ReplayResource resource) {
    return amounts[resource.ordinal()][0];
  }
}
