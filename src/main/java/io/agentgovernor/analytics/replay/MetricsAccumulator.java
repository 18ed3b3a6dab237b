package io.agentgovernor.analytics.replay;

import java.util.Arrays;

/**
 * Scores replayed limits entity by entity and folds them into {@link ReplayMetrics}. Only samples
 * at least {@link ReplayEngine#WARMUP_SECONDS} after the entity's first sample and with a limit in
 * force are scored.
 */
public final class MetricsAccumulator {

  static final double MAX_INTERVAL = 600;
  static final double DAY_COVERAGE = 0.8;
  private static final double SECONDS_PER_HOUR = 3600;
  private static final double GIB = 1024.0 * 1024 * 1024;

  private final String recommender;
  private final ReplayResource resource;
  private double[] daySlacks = new double[256];
  private int days;
  private int entities;
  private int entitiesWithoutRuns;
  private double scoredSeconds;
  private double slackTimeSum;
  private double absoluteSlack;
  private double overSeconds;
  private double severitySum;
  private long overSamples;
  private long runs;
  private long changes;
  private long changes10;
  private long appliedChanges10 = -1;

  public MetricsAccumulator(String recommender, ReplayResource resource) {
    this.recommender = recommender;
    this.resource = resource;
  }

  public void add(EntitySeries series, ReplayEngine.Limits limits) {
    long[] t = series.times();
    double[] u = series.usage(resource);
    double[] l = limits.inForce();
    long start = t[0] + ReplayEngine.WARMUP_SECONDS;
    entities++;
    long runsBefore = runs;
    boolean wasOver = false;
    for (int k = 0; k < t.length; k++) {
      if (t[k] < start || Double.isNaN(l[k])) {
        wasOver = false;
        continue;
      }
      double dt = interval(t, k);
      scoredSeconds += dt;
      slackTimeSum += l[k] > 0 ? dt * (l[k] - u[k]) / l[k] : 0;
      absoluteSlack += dt * (l[k] - u[k]) / SECONDS_PER_HOUR / (resource == ReplayResource.MEMORY ? GIB : 1);
      boolean over = u[k] > l[k];
      if (over) {
        overSeconds += dt;
        overSamples++;
        severitySum += l[k] > 0 ? (u[k] - l[k]) / l[k] : 0;
        runs += wasOver ? 0 : 1;
      }
      wasOver = over;
    }
    entitiesWithoutRuns += runs == runsBefore ? 1 : 0;
    changes += countChanges(t, l, start, 0);
    changes10 += countChanges(t, l, start, 0.10);
    if (limits.applied() != null) {
      appliedChanges10 = Math.max(appliedChanges10, 0) + countChanges(t, limits.applied(), start, 0.10);
    }
    addDaySlacks(t, u, l, start);
  }

  public ReplayMetrics result() {
    double[] sorted = Arrays.copyOf(daySlacks, days);
    Arrays.sort(sorted);
    double entityDays = scoredSeconds / ReplayEngine.WARMUP_SECONDS;
    return new ReplayMetrics(recommender, resource, entities, days,
        Quantiles.sorted(sorted, 0.5), mean(sorted), Quantiles.sorted(sorted, 0.1), Quantiles.sorted(sorted, 0.25),
        Quantiles.sorted(sorted, 0.75), Quantiles.sorted(sorted, 0.9),
        ratio(slackTimeSum, scoredSeconds), absoluteSlack, ratio(overSeconds, scoredSeconds),
        overSamples == 0 ? 0 : severitySum / overSamples, ratio(runs, entityDays),
        entities == 0 ? Double.NaN : (double) entitiesWithoutRuns / entities,
        ratio(changes, entityDays), ratio(changes10, entityDays),
        appliedChanges10 < 0 ? Double.NaN : ratio(appliedChanges10, entityDays));
  }

  /** The sample's interval to the next one, capped at 600 s; the last sample reuses the one before. */
  private static double interval(long[] t, int k) {
    if (t.length == 1) {
      return ReplayEngine.REEVALUATE_SECONDS;
    }
    int from = k + 1 < t.length ? k : k - 1;
    return Math.min(MAX_INTERVAL, t[from + 1] - t[from]);
  }

  private static long countChanges(long[] t, double[] l, long start, double epsilon) {
    long n = 0;
    for (int k = 1; k < t.length; k++) {
      if (t[k - 1] >= start && !Double.isNaN(l[k]) && !Double.isNaN(l[k - 1]) && l[k - 1] > 0
          && Math.abs(l[k] - l[k - 1]) / l[k - 1] > epsilon) {
        n++;
      }
    }
    return n;
  }

  private void addDaySlacks(long[] t, double[] u, double[] l, long start) {
    double expected = ReplayEngine.WARMUP_SECONDS / medianInterval(t);
    double[] dayUsage = new double[t.length];
    int k = 0;
    while (k < t.length) {
      long day = Math.floorDiv(t[k], ReplayEngine.WARMUP_SECONDS);
      int n = 0;
      double limitSum = 0;
      for (; k < t.length && Math.floorDiv(t[k], ReplayEngine.WARMUP_SECONDS) == day; k++) {
        if (t[k] >= start && !Double.isNaN(l[k])) {
          dayUsage[n++] = u[k];
          limitSum += l[k];
        }
      }
      if (n > 0 && n >= DAY_COVERAGE * expected) {
        double meanLimit = limitSum / n;
        Arrays.sort(dayUsage, 0, n);
        double p95 = Quantiles.sorted(Arrays.copyOf(dayUsage, n), 0.95);
        addDaySlack(meanLimit > 0 ? (meanLimit - p95) / meanLimit : 0);
      }
    }
  }

  private void addDaySlack(double slack) {
    if (days == daySlacks.length) {
      daySlacks = Arrays.copyOf(daySlacks, days * 2);
    }
    daySlacks[days++] = slack;
  }

  private static double medianInterval(long[] t) {
    if (t.length < 2) {
      return ReplayEngine.REEVALUATE_SECONDS;
    }
    long[] d = new long[t.length - 1];
    for (int i = 1; i < t.length; i++) {
      d[i - 1] = t[i] - t[i - 1];
    }
    Arrays.sort(d);
    return d[d.length / 2];
  }

  private static double mean(double[] values) {
    double s = 0;
    for (double v : values) {
      s += v;
    }
    return values.length == 0 ? Double.NaN : s / values.length;
  }

  private static double ratio(double a, double b) {
    return b == 0 ? Double.NaN : a / b;
  }
}
