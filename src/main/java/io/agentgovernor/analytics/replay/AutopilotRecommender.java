package io.agentgovernor.analytics.replay;

/**
 * Google Autopilot's moving-window recommender as the spec transcribes it (section B.2): each
 * 5-minute window's usage goes into a 400-bucket linear histogram over {@code [0, 1.5 * capacity]}
 * with exponentially decaying weights; the limit is a statistic of that history plus a margin.
 * With one sample per window (the trace's 300 s averages), the window's histogram is that one value.
 */
final class AutopilotRecommender implements LimitRecommender {

  /** The statistic the limit is taken from. */
  enum Statistic {
    /** A percentile of the load-adjusted decayed histogram ({@code S_pj}). */
    PERCENTILE,
    /** The peak over the last N windows ({@code S_max}). */
    MAX,
    /** The decayed mean of the last N windows ({@code S_avg}). */
    AVG
  }

  /** Spec defaults: p95 (CPU) / p98 (memory), 48 h half-life, 10 % margin, N = 288 windows. */
  record Settings(Statistic statistic, double percentile, double halfLifeSeconds, double margin, int windows) {
    static Settings defaults(ReplayResource resource) {
      return new Settings(Statistic.PERCENTILE, resource == ReplayResource.CPU ? 0.95 : 0.98, 48 * 3600.0, 0.10, 288);
    }
  }

  static final int BUCKETS = 400;
  private static final double MAX_EXPONENT = 100;
  private static final double WINDOW_SECONDS = 300;

  private final Settings settings;
  private final double width;
  private final double[] weight = new double[BUCKETS];
  private double loadTotal;
  private double reference = Double.NaN;
  private final double[] recent;
  private final long[] recentTimes;
  private int recentCount;
  private int recentNext;

  AutopilotRecommender(double capacity, Settings settings) {
    this.settings = settings;
    this.width = capacity * 1.5 / BUCKETS;
    this.recent = new double[settings.windows()];
    this.recentTimes = new long[settings.windows()];
  }

  @Override
  public void observe(long time, double usage) {
    int k = Math.min(BUCKETS - 1, (int) (usage / width));
    double w = decayFactor(time);
    weight[k] += w;
    loadTotal += w * value(k);
    recent[recentNext] = usage;
    recentTimes[recentNext] = time;
    recentNext = (recentNext + 1) % recent.length;
    recentCount = Math.min(recentCount + 1, recent.length);
  }

  @Override
  public double recommend(long time) {
    if (recentCount == 0) {
      return Double.NaN;
    }
    double statistic = switch (settings.statistic()) {
      case PERCENTILE -> loadAdjustedPercentile(settings.percentile());
      case MAX -> recentMax();
      case AVG -> recentDecayedMean(time);
    };
    return statistic * (1 + settings.margin());
  }

  /** The value a bucket stands for: its upper edge, so a limit at it covers the whole bucket. */
  private double value(int k) {
    return (k + 1) * width;
  }

  private double loadAdjustedPercentile(double p) {
    double threshold = p * loadTotal;
    double partial = 0;
    for (int k = 0; k < BUCKETS; k++) {
      partial += weight[k] * value(k);
      if (partial >= threshold && weight[k] > 0) {
        return value(k);
      }
    }
    return value(BUCKETS - 1);
  }

  private double recentMax() {
    double max = 0;
    for (int i = 0; i < recentCount; i++) {
      max = Math.max(max, recent[i]);
    }
    return max;
  }

  private double recentDecayedMean(long now) {
    double sum = 0;
    double weights = 0;
    for (int i = 0; i < recentCount; i++) {
      double windowsAgo = Math.round((now - recentTimes[i]) / WINDOW_SECONDS);
      double w = Math.pow(2, -windowsAgo * WINDOW_SECONDS / settings.halfLifeSeconds());
      sum += w * recent[i];
      weights += w;
    }
    return sum / weights;
  }

  private double decayFactor(long time) {
    if (Double.isNaN(reference) || time > reference + settings.halfLifeSeconds() * MAX_EXPONENT) {
      rescaleTo(time);
    }
    return Math.pow(2, (time - reference) / settings.halfLifeSeconds());
  }

  private void rescaleTo(long time) {
    if (!Double.isNaN(reference)) {
      double factor = Math.pow(2, (reference - time) / settings.halfLifeSeconds());
      loadTotal *= factor;
      for (int k = 0; k < BUCKETS; k++) {
        weight[k] *= factor;
      }
    }
    reference = time;
  }
}
