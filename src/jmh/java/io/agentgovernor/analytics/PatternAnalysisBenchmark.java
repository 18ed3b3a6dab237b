package io.agentgovernor.analytics;

import io.agentgovernor.analytics.pattern.PatternAnalysis;
import io.agentgovernor.analytics.pattern.PatternAnalyzer;
import io.agentgovernor.analytics.pattern.PatternConfig;
import io.agentgovernor.analytics.pattern.UsageSeries;
import io.agentgovernor.analytics.recommend.RecommendationConfig;
import io.agentgovernor.analytics.recommend.RecommendationInput;
import io.agentgovernor.analytics.recommend.RecommendationPolicy;
import io.agentgovernor.quota.Limit;
import io.agentgovernor.quota.Resource;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * Pattern analysis of 10,000 agents with one hour of history each (720 samples at the monitor's
 * 5 s interval), on one thread: the target is at most 2 s per pass. The agents mix the five
 * patterns so every branch of the classifier (and the period search) is exercised.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = "-Xmx2g")
@Threads(1)
public class PatternAnalysisBenchmark {

  static final long START = 1_700_000_000_000L;
  static final long STEP_MS = 5_000;

  @Param({"10000"})
  int agents;

  @Param({"720"})
  int samples;

  UsageSeries[] series;
  PatternAnalyzer analyzer;

  @Setup
  public void setUp() {
    series = generate(agents, samples, 42);
    Clock clock = Clock.fixed(Instant.ofEpochMilli(START + (samples - 1) * STEP_MS), ZoneOffset.UTC);
    analyzer = new PatternAnalyzer(clock, PatternConfig.ofDefaults());
  }

  @Benchmark
  public void analyzeAll(Blackhole bh) {
    for (UsageSeries s : series) {
      bh.consume(analyzer.analyze("cpu", s));
    }
  }

  @Benchmark
  public void analyzeAndRecommendAll(Blackhole bh) {
    Limit limit = Limit.of(80, 100);
    RecommendationConfig config = RecommendationConfig.ofDefaults();
    for (UsageSeries s : series) {
      PatternAnalysis a = analyzer.analyze("cpu", s);
      bh.consume(RecommendationPolicy.recommend(new RecommendationInput(Resource.CPU, s, limit, a, 0, 0), config));
    }
  }

  /** Agents cycling through steady, periodic, bursty, growing and noisy usage, deterministic. */
  public static UsageSeries[] generate(int agents, int samples, long seed) {
    Random rnd = new Random(seed);
    UsageSeries[] out = new UsageSeries[agents];
    for (int a = 0; a < agents; a++) {
      double[] v = new double[samples];
      double level = 10 + 90 * rnd.nextDouble();
      double period = 20 + 200 * rnd.nextDouble();
      for (int i = 0; i < samples; i++) {
        double noise = rnd.nextGaussian();
        v[i] = Math.max(0, switch (a % 5) {
          case 0 -> level * (1 + 0.03 * noise);
          case 1 -> level * (1 + 0.4 * Math.sin(2 * Math.PI * i / period) + 0.05 * noise);
          case 2 -> level * (0.2 + (rnd.nextDouble() < 0.03 ? 3 : 0) + 0.02 * noise);
          case 3 -> level * (1 + (double) i / samples + 0.05 * noise);
          default -> level * (1 + 0.3 * noise);
        });
      }
      out[a] = UsageSeries.regular(START, STEP_MS, v);
    }
    return out;
  }
}
