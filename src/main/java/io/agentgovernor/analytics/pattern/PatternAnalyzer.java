package io.agentgovernor.analytics.pattern;

import java.time.Clock;

/**
 * Classifies one resource's usage over the configured window ending at the clock's now. Pure and
 * thread-safe; time comes only from the injected clock.
 *
 * <p>The class is decided in this order, each test scale-free (see {@link PatternConfig}):
 * <ol>
 *   <li>fewer than {@code minSamples} samples: {@code steady} with confidence 0 (nothing is known);</li>
 *   <li>a linear trend explaining at least {@code trendMinR2} of the variance and moving the level by
 *       at least {@code trendMinChange} of the mean over the window: {@code growing} or
 *       {@code declining}. First, because a trend also makes every lag look correlated;</li>
 *   <li>variation of at least {@code burstyMinCv} with a kurtosis of at least
 *       {@code burstyMinKurtosis}: {@code bursty}. Before periodic, because regular bursts are still
 *       bursts: they want burst room, not a hard limit at their peak;</li>
 *   <li>a detected period with enough autocorrelation and cycles: {@code periodic};</li>
 *   <li>otherwise {@code steady}; its confidence falls as the variation rises above
 *       {@code steadyMaxCv}, since a noisy series without structure is only steady for lack of a
 *       better word.</li>
 * </ol>
 * The confidence is a history factor {@code n / (n + fullConfidenceSamples)} times how clearly the
 * deciding statistic passed its threshold.
 */
public final class PatternAnalyzer {

  private final Clock clock;
  private final PatternConfig config;

  public PatternAnalyzer(Clock clock, PatternConfig config) {
    this.clock = clock;
    this.config = config;
  }

  /** Analyses the samples of {@code series} within the window ending now. */
  public PatternAnalysis analyze(String resource, UsageSeries series) {
    long now = clock.millis();
    UsageSeries window = series.window(now - config.window().toMillis(), now);
    UsageStatistics stats = StatisticsCalculator.compute(window, config.periodMinCycles());
    if (stats.count() < config.minSamples()) {
      return new PatternAnalysis(resource, UsagePattern.STEADY, 0, stats, now);
    }
    double history = (double) stats.count() / (stats.count() + config.fullConfidenceSamples());
    Verdict verdict = classify(stats);
    return new PatternAnalysis(resource, verdict.pattern(), round(history * verdict.strength()), stats, now);
  }

  private record Verdict(UsagePattern pattern, double strength) {
  }

  private Verdict classify(UsageStatistics s) {
    double change = s.trendPerHour() * s.spanMs() / 3_600_000.0;
    if (s.trendR2() >= config.trendMinR2() && Math.abs(change) >= config.trendMinChange()) {
      double strength = 0.5 + 0.5 * clamp((s.trendR2() - config.trendMinR2()) / (1 - config.trendMinR2()));
      return new Verdict(change > 0 ? UsagePattern.GROWING : UsagePattern.DECLINING, strength);
    }
    if (s.cv() >= config.burstyMinCv() && s.kurtosis() >= config.burstyMinKurtosis()) {
      double strength = 0.5 + 0.5 * clamp((s.kurtosis() - config.burstyMinKurtosis()) / config.burstyMinKurtosis());
      return new Verdict(UsagePattern.BURSTY, strength);
    }
    if (s.periodMs() > 0 && s.periodAutocorrelation() >= config.periodMinAutocorrelation()) {
      double cycles = (double) s.spanMs() / s.periodMs();
      return new Verdict(UsagePattern.PERIODIC,
          clamp(s.periodAutocorrelation()) * Math.min(1, cycles / (2 * config.periodMinCycles())));
    }
    double strength = s.cv() <= config.steadyMaxCv() ? 1 - 0.5 * s.cv() / config.steadyMaxCv()
        : Math.max(0.1, 0.5 * config.steadyMaxCv() / s.cv());
    return new Verdict(UsagePattern.STEADY, strength);
  }

  private static double clamp(double v) {
    return Math.max(0, Math.min(1, v));
  }

  private static double round(double v) {
    return Math.round(clamp(v) * 1000) / 1000.0;
  }
}
