package io.agentgovernor.analytics.pattern;

import java.time.Duration;

/**
 * Thresholds of the pattern classifier. Every one is scale-free (a ratio, a correlation or a
 * count), so the same config fits bytes, percent of a core and messages alike. Build with
 * {@link #custom()}, or take {@link #ofDefaults()}.
 *
 * @param window how much history is analysed, ending at the clock's now. Default 1 h: the
 *     monitor's history buffer, and long enough to see a few cycles of minute-scale periods.
 * @param minSamples below this many samples nothing is classified with any confidence (the result
 *     is {@code steady} with confidence 0). Default 8: fewer points cannot separate a trend from noise.
 * @param fullConfidenceSamples the sample count at which the history factor of the confidence
 *     reaches 1/2; it is {@code n / (n + this)}. Default 30: 30 points give a standard error of the
 *     mean of about a fifth of the standard deviation; 720 points (1 h at 5 s) give 0.96.
 * @param steadyMaxCv a coefficient of variation (std / mean) up to which a series without other
 *     structure is confidently steady. Default 0.15: within ±15 % a 20 % margin already absorbs the noise.
 * @param burstyMinCv the least variation for a series to be bursty. Default 0.25: below it, spikes
 *     are too small to need burst room.
 * @param burstyMinKurtosis the least kurtosis (4th standardized moment) for bursty. Kurtosis
 *     measures rare large excursions independent of scale: a normal series has 3, a sine 1.5,
 *     a square wave bursting 10 % of the time 8.1. Default 4.5 puts the line at bursts of about
 *     15 % duty cycle.
 * @param trendMinR2 the least share of the variance a linear trend must explain. Default 0.5: a
 *     trend that explains less is noise or a cycle sliced by the window.
 * @param trendMinChange the least change of the fitted trend over the window, relative to the mean.
 *     Default 0.2: smaller drifts are absorbed by the headroom anyway. It is judged over the window
 *     rather than per hour so the threshold does not depend on the window's length; the rate per
 *     hour is reported in the statistics.
 * @param periodMinAutocorrelation the least autocorrelation of the detrended series at the
 *     detected lag. Default 0.5: a sine in noise of equal power scores 0.5.
 * @param periodMinCycles the least number of whole cycles in the window for a period to count.
 *     Default 2: one cycle cannot be told from a trend change.
 */
public record PatternConfig(Duration window, int minSamples, int fullConfidenceSamples, double steadyMaxCv,
                            double burstyMinCv, double burstyMinKurtosis, double trendMinR2, double trendMinChange,
                            double periodMinAutocorrelation, double periodMinCycles) {

  public PatternConfig {
    check(window != null && !window.isNegative() && !window.isZero(), "window must be positive");
    check(minSamples >= 4, "minSamples must be at least 4, got " + minSamples);
    check(fullConfidenceSamples >= 1, "fullConfidenceSamples must be at least 1, got " + fullConfidenceSamples);
    check(steadyMaxCv > 0, "steadyMaxCv must be > 0, got " + steadyMaxCv);
    check(burstyMinCv > 0, "burstyMinCv must be > 0, got " + burstyMinCv);
    check(burstyMinKurtosis > 1, "burstyMinKurtosis must be > 1 (every distribution has at least 1), got "
        + burstyMinKurtosis);
    check(trendMinR2 > 0 && trendMinR2 < 1, "trendMinR2 must be in (0, 1), got " + trendMinR2);
    check(trendMinChange > 0, "trendMinChange must be > 0, got " + trendMinChange);
    check(periodMinAutocorrelation > 0 && periodMinAutocorrelation < 1,
        "periodMinAutocorrelation must be in (0, 1), got " + periodMinAutocorrelation);
    check(periodMinCycles >= 2, "periodMinCycles must be at least 2, got " + periodMinCycles);
  }

  public static PatternConfig ofDefaults() {
    return custom().build();
  }

  public static Builder custom() {
    return new Builder();
  }

  private static void check(boolean ok, String message) {
    if (!ok) {
      throw new IllegalArgumentException("pattern config: " + message);
    }
  }

  /** Starts from the defaults. */
  public static final class Builder {
    private Duration window = Duration.ofHours(1);
    private int minSamples = 8;
    private int fullConfidenceSamples = 30;
    private double steadyMaxCv = 0.15;
    private double burstyMinCv = 0.25;
    private double burstyMinKurtosis = 4.5;
    private double trendMinR2 = 0.5;
    private double trendMinChange = 0.2;
    private double periodMinAutocorrelation = 0.5;
    private double periodMinCycles = 2;

    private Builder() {
    }

    public Builder window(Duration v) {
      window = v;
      return this;
    }

    public Builder minSamples(int v) {
      minSamples = v;
      return this;
    }

    public Builder fullConfidenceSamples(int v) {
      fullConfidenceSamples = v;
      return this;
    }

    public Builder steadyMaxCv(double v) {
      steadyMaxCv = v;
      return this;
    }

    public Builder bursty(double minCv, double minKurtosis) {
      burstyMinCv = minCv;
      burstyMinKurtosis = minKurtosis;
      return this;
    }

    public Builder trend(double minR2, double minChange) {
      trendMinR2 = minR2;
      trendMinChange = minChange;
      return this;
    }

    public Builder period(double minAutocorrelation, double minCycles) {
      periodMinAutocorrelation = minAutocorrelation;
      periodMinCycles = minCycles;
      return this;
    }

    public PatternConfig build() {
      return new PatternConfig(window, minSamples, fullConfidenceSamples, steadyMaxCv, burstyMinCv,
          burstyMinKurtosis, trendMinR2, trendMinChange, periodMinAutocorrelation, periodMinCycles);
    }
  }
}
