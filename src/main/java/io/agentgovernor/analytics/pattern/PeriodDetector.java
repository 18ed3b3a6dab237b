package io.agentgovernor.analytics.pattern;

import java.util.Arrays;

/**
 * Finds the period of a detrended series from the data rather than from fixed candidate lags.
 *
 * <p>The candidate lag is the median spacing of the series' own crossings of its mean (with a
 * hysteresis band of half a standard deviation, on a lightly smoothed copy, so noise does not
 * count as crossings). The candidate is refined by climbing the autocorrelation to its local
 * maximum, then confirmed: the autocorrelation at half the lag must be negative (a real cycle is
 * out of phase with itself half a period later; a slowly wandering series is not). This costs a
 * few passes over the series instead of one per possible lag.
 */
final class PeriodDetector {

  /** A lag in samples and the autocorrelation there; lag 0 means no period. */
  record Period(int lag, double autocorrelation) {
    static final Period NONE = new Period(0, 0);
  }

  private static final double HYSTERESIS = 0.5;
  private static final int SMOOTHING = 2;

  private PeriodDetector() {
  }

  static Period detect(double[] residuals, double minCycles) {
    int n = residuals.length;
    double energy = 0;
    for (double r : residuals) {
      energy += r * r;
    }
    if (n < 4 || energy == 0) {
      return Period.NONE;
    }
    int maxLag = (int) Math.floor(n / minCycles);
    int candidate = medianCrossingSpacing(smooth(residuals), Math.sqrt(energy / n) * HYSTERESIS);
    if (candidate < 2 || candidate > maxLag) {
      return Period.NONE;
    }
    int lag = climb(residuals, energy, candidate, maxLag);
    double acf = autocorrelation(residuals, energy, lag);
    if (autocorrelation(residuals, energy, lag / 2) >= 0) {
      return Period.NONE;
    }
    return new Period(lag, acf);
  }

  /** Autocorrelation at {@code lag}, normalised per overlapping pair so long lags are not shrunk. */
  static double autocorrelation(double[] r, double energy, int lag) {
    int n = r.length;
    if (lag <= 0 || lag >= n) {
      return lag == 0 ? 1 : 0;
    }
    double sum = 0;
    for (int i = 0; i + lag < n; i++) {
      sum += r[i] * r[i + lag];
    }
    return (sum / (n - lag)) / (energy / n);
  }

  private static double[] smooth(double[] r) {
    double[] s = new double[r.length];
    for (int i = 0; i < r.length; i++) {
      int from = Math.max(0, i - SMOOTHING);
      int to = Math.min(r.length - 1, i + SMOOTHING);
      double sum = 0;
      for (int j = from; j <= to; j++) {
        sum += r[j];
      }
      s[i] = sum / (to - from + 1);
    }
    return s;
  }

  /** Median spacing between successive up-crossings and between successive down-crossings. */
  private static int medianCrossingSpacing(double[] s, double band) {
    int[] spacings = new int[s.length];
    int count = 0;
    int state = 0;
    int lastUp = -1;
    int lastDown = -1;
    for (int i = 0; i < s.length; i++) {
      if (s[i] > band && state <= 0) {
        if (state < 0 && lastUp >= 0) {
          spacings[count++] = i - lastUp;
        }
        lastUp = state < 0 ? i : lastUp;
        state = 1;
      } else if (s[i] < -band && state >= 0) {
        if (state > 0 && lastDown >= 0) {
          spacings[count++] = i - lastDown;
        }
        lastDown = state > 0 ? i : lastDown;
        state = -1;
      }
    }
    if (count == 0) {
      return 0;
    }
    int[] sorted = Arrays.copyOf(spacings, count);
    Arrays.sort(sorted);
    return sorted[count / 2];
  }

  /** Hill-climbs the autocorrelation from {@code start}, first in coarse steps, then by one. */
  private static int climb(double[] r, double energy, int start, int maxLag) {
    int lag = start;
    double best = autocorrelation(r, energy, lag);
    for (int step = Math.max(1, start / 16); step >= 1; step /= 2) {
      boolean moved = true;
      while (moved) {
        moved = false;
        for (int next : new int[] {lag - step, lag + step}) {
          if (next >= 2 && next <= maxLag) {
            double acf = autocorrelation(r, energy, next);
            if (acf > best) {
              best = acf;
              lag = next;
              moved = true;
            }
          }
        }
      }
    }
    return lag;
  }
}
