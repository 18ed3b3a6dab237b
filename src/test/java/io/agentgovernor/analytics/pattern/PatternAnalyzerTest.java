package io.agentgovernor.analytics.pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Random;
import java.util.function.IntToDoubleFunction;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class PatternAnalyzerTest {

  static final long START = 1_700_000_000_000L;
  static final long STEP = 5_000;

  /** A series of {@code n} samples every 5 s and an analyzer whose clock reads the last sample's time. */
  static UsageSeries series(int n, IntToDoubleFunction value) {
    double[] v = new double[n];
    for (int i = 0; i < n; i++) {
      v[i] = Math.max(0, value.applyAsDouble(i));
    }
    return UsageSeries.regular(START, STEP, v);
  }

  static PatternAnalysis analyze(UsageSeries s) {
    Clock clock = Clock.fixed(Instant.ofEpochMilli(s.time(s.size() - 1)), ZoneOffset.UTC);
    return new PatternAnalyzer(clock, PatternConfig.ofDefaults()).analyze("cpu", s);
  }

  @Test
  @DisplayName("a flat series with 2 % noise is steady with high confidence")
  void steady() {
    Random rnd = new Random(1);
    PatternAnalysis a = analyze(series(720, i -> 100 + 2 * rnd.nextGaussian()));
    assertThat(a.pattern()).isEqualTo(UsagePattern.STEADY);
    assertThat(a.confidence()).isGreaterThan(0.8);
    assertThat(a.statistics().mean()).isCloseTo(100, within(0.5));
    assertThat(a.statistics().cv()).isCloseTo(0.02, within(0.005));
    assertThat(a.statistics().periodMs()).isZero();
  }

  @Test
  @DisplayName("a sine of period 5 min in noise is periodic and its period is found within 5 %")
  void periodic() {
    Random rnd = new Random(2);
    PatternAnalysis a = analyze(series(720, i -> 100 + 40 * Math.sin(2 * Math.PI * i / 60.0) + 5 * rnd.nextGaussian()));
    assertThat(a.pattern()).isEqualTo(UsagePattern.PERIODIC);
    assertThat(a.statistics().periodMs()).isCloseTo(300_000L, within(15_000L));
    assertThat(a.statistics().periodAutocorrelation()).isGreaterThan(0.8);
    assertThat(a.confidence()).isGreaterThan(0.7);
  }

  @Test
  @DisplayName("an odd period (7.3 min) is detected from the data, not picked from fixed lags")
  void oddPeriod() {
    double period = 438_000.0 / STEP;
    PatternAnalysis a = analyze(series(720, i -> 50 + 20 * Math.sin(2 * Math.PI * i / period)));
    assertThat(a.pattern()).isEqualTo(UsagePattern.PERIODIC);
    assertThat(a.statistics().periodMs()).isCloseTo(438_000L, within(10_000L));
  }

  @Test
  @DisplayName("a noisy sine (noise power half the signal's) is still periodic, with lower confidence")
  void noisyPeriodic() {
    Random rnd = new Random(3);
    PatternAnalysis clean = analyze(series(720, i -> 100 + 40 * Math.sin(2 * Math.PI * i / 60.0)));
    PatternAnalysis noisy = analyze(series(720, i -> 100 + 40 * Math.sin(2 * Math.PI * i / 60.0) + 20 * rnd.nextGaussian()));
    assertThat(noisy.pattern()).isEqualTo(UsagePattern.PERIODIC);
    assertThat(noisy.statistics().periodMs()).isCloseTo(300_000L, within(20_000L));
    assertThat(noisy.confidence()).isLessThan(clean.confidence());
  }

  @Test
  @DisplayName("rare short spikes over a low base are bursty, even when they recur regularly")
  void bursty() {
    Random rnd = new Random(4);
    PatternAnalysis irregular = analyze(series(720, i -> 10 + rnd.nextGaussian() + (rnd.nextDouble() < 0.04 ? 90 : 0)));
    PatternAnalysis regular = analyze(series(720, i -> 10 + (i % 60 < 4 ? 90 : 0)));
    assertThat(irregular.pattern()).isEqualTo(UsagePattern.BURSTY);
    assertThat(regular.pattern()).isEqualTo(UsagePattern.BURSTY);
    assertThat(irregular.statistics().kurtosis()).isGreaterThan(10);
    assertThat(irregular.confidence()).isGreaterThan(0.5);
  }

  @Test
  @DisplayName("a rise from 100 to 200 in an hour is growing at about +0.67 of the mean per hour")
  void growing() {
    Random rnd = new Random(5);
    PatternAnalysis a = analyze(series(720, i -> 100 + 100.0 * i / 719 + 5 * rnd.nextGaussian()));
    assertThat(a.pattern()).isEqualTo(UsagePattern.GROWING);
    assertThat(a.statistics().trendPerHour()).isCloseTo(100.0 / 150 * 3600_000 / (719 * STEP), within(0.05));
    assertThat(a.statistics().trendR2()).isGreaterThan(0.9);
    assertThat(a.confidence()).isGreaterThan(0.8);
  }

  @Test
  @DisplayName("the trend threshold is scale-free: bytes and percent give the same class and trend")
  void scaleFree() {
    Random a = new Random(6);
    Random b = new Random(6);
    PatternAnalysis small = analyze(series(720, i -> 1 + 0.5 * i / 719 + 0.05 * a.nextGaussian()));
    PatternAnalysis large = analyze(series(720, i -> 1e9 * (1 + 0.5 * i / 719 + 0.05 * b.nextGaussian())));
    assertThat(large.pattern()).isEqualTo(small.pattern()).isEqualTo(UsagePattern.GROWING);
    assertThat(large.statistics().trendPerHour()).isCloseTo(small.statistics().trendPerHour(), within(1e-6));
    assertThat(large.confidence()).isEqualTo(small.confidence());
  }

  @Test
  @DisplayName("a fall from 200 to 100 is declining")
  void declining() {
    Random rnd = new Random(7);
    PatternAnalysis a = analyze(series(720, i -> 200 - 100.0 * i / 719 + 5 * rnd.nextGaussian()));
    assertThat(a.pattern()).isEqualTo(UsagePattern.DECLINING);
    assertThat(a.statistics().trendPerHour()).isNegative();
  }

  @Test
  @DisplayName("white noise with 30 % variation is steady, with low confidence and no period")
  void noise() {
    Random rnd = new Random(8);
    PatternAnalysis a = analyze(series(720, i -> 100 + 30 * rnd.nextGaussian()));
    assertThat(a.pattern()).isEqualTo(UsagePattern.STEADY);
    assertThat(a.statistics().periodMs()).isZero();
    assertThat(a.confidence()).isLessThan(0.5);
  }

  @Test
  @DisplayName("too short a history gives confidence 0; short history gives less confidence than long")
  void shortHistory() {
    assertThat(analyze(series(5, i -> 100 + i)).confidence()).isZero();
    Random a = new Random(9);
    Random b = new Random(9);
    PatternAnalysis shortSteady = analyze(series(12, i -> 100 + 2 * a.nextGaussian()));
    PatternAnalysis longSteady = analyze(series(720, i -> 100 + 2 * b.nextGaussian()));
    assertThat(shortSteady.pattern()).isEqualTo(UsagePattern.STEADY);
    assertThat(shortSteady.confidence()).isLessThan(0.4).isLessThan(longSteady.confidence());
    PatternAnalysis fewCycles = analyze(series(150, i -> 100 + 40 * Math.sin(2 * Math.PI * i / 60.0)));
    PatternAnalysis manyCycles = analyze(series(720, i -> 100 + 40 * Math.sin(2 * Math.PI * i / 60.0)));
    assertThat(fewCycles.pattern()).isEqualTo(UsagePattern.PERIODIC);
    assertThat(fewCycles.confidence()).isLessThan(manyCycles.confidence());
  }

  @Test
  @DisplayName("only the window ending at the clock's now is analysed")
  void window() {
    UsageSeries s = series(1440, i -> i < 720 ? 1000 : 100);
    Clock clock = Clock.fixed(Instant.ofEpochMilli(s.time(1439)), ZoneOffset.UTC);
    PatternConfig halfHour = PatternConfig.custom().window(Duration.ofMinutes(30)).build();
    PatternAnalysis a = new PatternAnalyzer(clock, halfHour).analyze("memory", s);
    assertThat(a.statistics().count()).isEqualTo(361);
    assertThat(a.statistics().peak()).isEqualTo(100);
    assertThat(a.analyzedAtMs()).isEqualTo(s.time(1439));
  }

  @Test
  @DisplayName("the result serialises with its class, confidence and statistics")
  void json() {
    PatternAnalysis a = analyze(series(720, i -> 100));
    assertThat(a.toJson().getString("pattern")).isEqualTo("steady");
    assertThat(a.toJson().getJsonObject("statistics").getInteger("count")).isEqualTo(720);
    assertThat(a.toJson().getString("resource")).isEqualTo("cpu");
  }

  @Test
  @DisplayName("invalid config and out-of-order series are refused with a message")
  void validation() {
    assertThatThrownBy(() -> PatternConfig.custom().trend(1.5, 0.2).build())
        .hasMessageContaining("trendMinR2");
    assertThatThrownBy(() -> UsageSeries.of(new long[] {2, 1}, new double[] {1, 1}))
        .hasMessageContaining("sample 1 is not after sample 0");
  }
}
