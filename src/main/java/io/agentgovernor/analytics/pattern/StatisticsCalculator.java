package io.agentgovernor.analytics.pattern;

import java.util.Arrays;

/** Computes {@link UsageStatistics} in a few passes over a window, without boxing. */
final class StatisticsCalculator {

  private static final double MS_PER_HOUR = 3_600_000.0;

  private StatisticsCalculator() {
  }

  static UsageStatistics compute(UsageSeries s, double minCycles) {
    int n = s.size();
    if (n == 0) {
      return UsageStatistics.empty();
    }
    double mean = 0;
    double min = Double.POSITIVE_INFINITY;
    double peak = Double.NEGATIVE_INFINITY;
    double meanHours = 0;
    long t0 = s.time(0);
    for (int i = 0; i < n; i++) {
      double v = s.value(i);
      mean += v;
      min = Math.min(min, v);
      peak = Math.max(peak, v);
      meanHours += (s.time(i) - t0) / MS_PER_HOUR;
    }
    mean /= n;
    meanHours /= n;
    double m2 = 0;
    double m4 = 0;
    double sxy = 0;
    double sxx = 0;
    for (int i = 0; i < n; i++) {
      double d = s.value(i) - mean;
      double x = (s.time(i) - t0) / MS_PER_HOUR - meanHours;
      m2 += d * d;
      m4 += d * d * d * d;
      sxy += x * d;
      sxx += x * x;
    }
    double variance = m2 / n;
    double slope = sxx == 0 ? 0 : sxy / sxx;
    double r2 = sxx == 0 || m2 == 0 ? 0 : Math.min(1, slope * slope * sxx / m2);
    double kurtosis = variance == 0 ? 0 : (m4 / n) / (variance * variance);
    double[] residuals = new double[n];
    for (int i = 0; i < n; i++) {
      residuals[i] = s.value(i) - mean - slope * ((s.time(i) - t0) / MS_PER_HOUR - meanHours);
    }
    PeriodDetector.Period period = PeriodDetector.detect(residuals, minCycles);
    long span = s.time(n - 1) - t0;
    double std = Math.sqrt(variance);
    return new UsageStatistics(n, mean, variance, std, mean == 0 ? 0 : std / Math.abs(mean), min, peak,
        percentile(s, 0.95), mean == 0 ? 0 : slope / Math.abs(mean), r2, kurtosis,
        period.lag() == 0 ? 0 : Math.round(period.lag() * medianIntervalMs(s)), period.autocorrelation(), span);
  }

  /** Linear interpolation between order statistics. */
  static double percentile(UsageSeries s, double q) {
    double[] sorted = s.sortedValues();
    double pos = q * (sorted.length - 1);
    int lo = (int) pos;
    int hi = Math.min(lo + 1, sorted.length - 1);
    return sorted[lo] + (pos - lo) * (sorted[hi] - sorted[lo]);
  }

  private static double medianIntervalMs(UsageSeries s) {
    long[] d = new long[s.size() - 1];
    for (int i = 1; i < s.size(); i++) {
      d[i - 1] = s.time(i) - s.time(i - 1);
    }
    Arrays.sort(d);
    return d[d.length / 2];
  }
}
