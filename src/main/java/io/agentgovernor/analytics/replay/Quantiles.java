package io.agentgovernor.analytics.replay;

/** Quantiles by linear interpolation between order statistics (numpy's default), on sorted data. */
final class Quantiles {

  private Quantiles() {
  }

  static double sorted(double[] sorted, double q) {
    if (sorted.length == 0) {
      return Double.NaN;
    }
    double pos = q * (sorted.length - 1);
    int lo = (int) Math.floor(pos);
    int hi = Math.min(lo + 1, sorted.length - 1);
    return sorted[lo] + (pos - lo) * (sorted[hi] - sorted[lo]);
  }
}
