package io.agentgovernor.load;

import java.util.Arrays;

/** Small statistics for load-test results: percentiles over a sample, nearest rank. */
public final class Stats {

  private Stats() {
  }

  public static double percentile(double[] values, double p) {
    if (values.length == 0) {
      return Double.NaN;
    }
    double[] sorted = values.clone();
    Arrays.sort(sorted);
    int rank = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
    return sorted[Math.max(0, Math.min(sorted.length - 1, rank))];
  }

  public static double median(double[] values) {
    return percentile(values, 50);
  }

  /** "median [p25 .. p75] (min .. max)" with a fixed number of decimals. */
  public static String spread(double[] v, int decimals) {
    String f = "%." + decimals + "f";
    return String.format(f + " [" + f + " .. " + f + "] (" + f + " .. " + f + ")", median(v), percentile(v, 25),
        percentile(v, 75), percentile(v, 0), percentile(v, 100));
  }
}
