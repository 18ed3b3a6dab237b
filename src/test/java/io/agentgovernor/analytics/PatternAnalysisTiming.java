package io.agentgovernor.analytics;

import io.agentgovernor.analytics.pattern.PatternAnalyzer;
import io.agentgovernor.analytics.pattern.PatternConfig;
import io.agentgovernor.analytics.pattern.UsageSeries;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Random;

/**
 * A one-off timing of the benchmark's workload without JMH (10,000 agents x 720 samples, one
 * thread): {@code java -cp target/classes:target/test-classes:<deps> io.agentgovernor.analytics.PatternAnalysisTiming}.
 * Not a test: timings do not belong in assertions on a shared machine.
 */
public final class PatternAnalysisTiming {

  private PatternAnalysisTiming() {
  }

  public static void main(String[] args) {
    int agents = args.length > 0 ? Integer.parseInt(args[0]) : 10_000;
    int samples = 720;
    UsageSeries[] series = generate(agents, samples);
    PatternAnalyzer analyzer = new PatternAnalyzer(
        Clock.fixed(Instant.ofEpochMilli(1_700_000_000_000L + (samples - 1) * 5_000L), ZoneOffset.UTC),
        PatternConfig.ofDefaults());
    long best = Long.MAX_VALUE;
    int[] classes = new int[5];
    for (int round = 0; round < 8; round++) {
      long start = System.nanoTime();
      for (UsageSeries s : series) {
        classes[analyzer.analyze("cpu", s).pattern().ordinal()] += round == 0 ? 1 : 0;
      }
      long took = System.nanoTime() - start;
      best = Math.min(best, took);
      System.out.printf("round %d: %d agents in %.1f ms%n", round, agents, took / 1e6);
    }
    System.out.printf("best: %.1f ms for %d agents x %d samples; classes steady/periodic/bursty/growing/declining = %s%n",
        best / 1e6, agents, samples, java.util.Arrays.toString(classes));
  }

  /** The same mix as the JMH benchmark's generator. */
  static UsageSeries[] generate(int agents, int samples) {
    Random rnd = new Random(42);
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
      out[a] = UsageSeries.regular(1_700_000_000_000L, 5_000, v);
    }
    return out;
  }
}
