package io.agentgovernor.analytics.replay;

/**
 * One entity's samples in time order. Arrays are owned by the series and must not be modified.
 *
 * @param times sample times in epoch seconds, strictly increasing
 * @param usage usage per resource ordinal ({@link ReplayResource#ordinal()}), null where the trace
 *     did not read that resource
 * @param rowIndex each sample's position among the trace's data rows (0-based, input order)
 */
public record EntitySeries(String id, long[] times, double[][] usage, int[] rowIndex) {

  public int size() {
    return times.length;
  }

  public double[] usage(ReplayResource resource) {
    return usage[resource.ordinal()];
  }
}
