package io.agentgovernor.analytics.replay;

import io.agentgovernor.analytics.recommend.DecayingHistogram;

/**
 * The Kubernetes VPA recommender with its defaults (spec section A): CPU samples into a decaying
 * histogram, memory as one decaying peak per 24 h window, {@code target = P90 * 1.15} clamped to
 * the pod minimum, an OOM bump-up on every overrun, and the updater's rule for when a new target
 * is applied (kept for the churn metric; the replayed quota is the target, as the spec says).
 */
final class VpaRecommender implements LimitRecommender, LimitRecommender.Applied {

  static final double DAY = 86_400;
  static final double MARGIN = 0.15;
  static final double MIN_CPU_CORES = 0.025;
  static final double MIN_MEMORY_BYTES = 250.0 * 1024 * 1024;
  static final double OOM_RATIO = 1.2;
  static final double OOM_MIN_BUMP = 100.0 * 1024 * 1024;
  /** Trace samples are 300 s; VPA assumes 60 s, so each sample counts as five (spec A, replay notes). */
  static final int SAMPLES_PER_ROW = 5;
  static final double CPU_SAMPLE_WEIGHT = 0.1;
  static final double UPDATE_THRESHOLD = 0.10;
  static final double UPDATE_MIN_AGE = 12 * 3600;

  private final boolean memory;
  private final DecayingHistogram histogram;
  private long firstSample = Long.MIN_VALUE;
  private long lastSample;
  private long totalSamples;
  private double windowEnd = Double.NaN;
  private double memoryPeak;
  private double oomPeak;
  private double applied = Double.NaN;

  VpaRecommender(ReplayResource resource) {
    this.memory = resource == ReplayResource.MEMORY;
    this.histogram = new DecayingHistogram(memory ? 1e7 : 0.01, DAY, DecayingHistogram.VPA_BUCKETS);
  }

  @Override
  public void observe(long time, double usage) {
    if (firstSample == Long.MIN_VALUE) {
      firstSample = time;
    }
    lastSample = time;
    totalSamples += SAMPLES_PER_ROW;
    if (memory) {
      addMemorySample(time, usage, false);
    } else {
      histogram.add(usage, CPU_SAMPLE_WEIGHT * SAMPLES_PER_ROW, time);
    }
  }

  @Override
  public double recommend(long time) {
    if (firstSample == Long.MIN_VALUE) {
      return Double.NaN;
    }
    double min = memory ? MIN_MEMORY_BYTES : MIN_CPU_CORES;
    double target = Math.max(histogram.percentile(0.90) * (1 + MARGIN), min);
    applyLikeUpdater(time, target, min);
    return target;
  }

  @Override
  public void onOverrun(long time, double usage, double limit) {
    if (!memory || time < windowEnd - DAY) {
      return;
    }
    double used = Math.max(limit, memoryPeak);
    double needed = Math.max(used + OOM_MIN_BUMP, used * OOM_RATIO);
    addMemorySample(time, needed, true);
  }

  @Override
  public double appliedLimit() {
    return applied;
  }

  private void addMemorySample(long time, double usage, boolean oom) {
    if (Double.isNaN(windowEnd)) {
      windowEnd = time;
    }
    boolean addNewPeak = false;
    if (time < windowEnd) {
      double oldMax = Math.max(memoryPeak, oomPeak);
      if (usage > oldMax) {
        histogram.subtract(oldMax, 1.0, (long) windowEnd);
        addNewPeak = true;
      }
    } else {
      double shift = Math.floor((time - windowEnd) / DAY) * DAY + DAY;
      windowEnd += shift;
      memoryPeak = 0;
      oomPeak = 0;
      addNewPeak = true;
    }
    if (addNewPeak) {
      histogram.add(usage, 1.0, (long) windowEnd);
      if (oom) {
        oomPeak = usage;
      } else {
        memoryPeak = usage;
      }
    }
  }

  /** Spec A.8: apply when the request is outside [lower, upper], or off by 10 % after 12 h. */
  private void applyLikeUpdater(long time, double target, double min) {
    double confidence = Math.min((lastSample - firstSample) / DAY, totalSamples / 1440.0);
    double lower = Math.max(histogram.percentile(0.50) * (1 + MARGIN) * Math.pow(1 + 0.001 / confidence, -2), min);
    double upper = Math.max(histogram.percentile(0.95) * (1 + MARGIN) * (1 + 1 / confidence), min);
    if (Double.isNaN(applied) || applied < lower || applied > upper
        || (time - firstSample >= UPDATE_MIN_AGE && Math.abs(applied - target) / applied >= UPDATE_THRESHOLD)) {
      applied = target;
    }
  }
}
