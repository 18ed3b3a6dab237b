package io.agentgovernor.analytics.replay;

/**
 * The VPA recommender's decaying exponential histogram ({@code util/histogram.go},
 * {@code util/decaying_histogram.go}): bucket {@code i} starts at {@code f(r^i - 1)/(r - 1)},
 * weights are scaled by {@code 2^((t - ref)/halfLife)}, the reference is moved (and weights
 * rescaled) when the exponent exceeds 100, and a percentile is the end of the first bucket whose
 * cumulative weight reaches it.
 */
final class VpaHistogram {

  static final double RATIO = 1.05;
  static final int BUCKETS = 176;
  static final double EPSILON = 1e-4;
  private static final double MAX_EXPONENT = 100;

  private final double first;
  private final double halfLife;
  private final double[] weight = new double[BUCKETS];
  private double total;
  private int minBucket = BUCKETS - 1;
  private int maxBucket;
  private double reference = Double.NaN;

  VpaHistogram(double firstBucketSize, double halfLifeSeconds) {
    this.first = firstBucketSize;
    this.halfLife = halfLifeSeconds;
  }

  void add(double value, double w, long time) {
    double scaled = w * decayFactor(time);
    int b = bucket(value);
    weight[b] += scaled;
    total += scaled;
    if (b < minBucket && weight[b] >= EPSILON) {
      minBucket = b;
    }
    if (b > maxBucket && weight[b] >= EPSILON) {
      maxBucket = b;
    }
  }

  void subtract(double value, double w, long time) {
    double scaled = w * decayFactor(time);
    int b = bucket(value);
    total -= scaled;
    weight[b] -= scaled;
    if (weight[b] < EPSILON && b == minBucket) {
      while (minBucket < BUCKETS - 1 && weight[minBucket] < EPSILON) {
        minBucket++;
      }
    }
    if (weight[b] < EPSILON && b == maxBucket) {
      while (maxBucket > 0 && weight[maxBucket] < EPSILON) {
        maxBucket--;
      }
    }
  }

  boolean isEmpty() {
    return weight[minBucket] < EPSILON;
  }

  double percentile(double p) {
    if (isEmpty()) {
      return 0;
    }
    double threshold = p * total;
    double partial = 0;
    int b = minBucket;
    for (; b < maxBucket; b++) {
      partial += weight[b];
      if (partial >= threshold) {
        break;
      }
    }
    return b < BUCKETS - 1 ? bucketStart(b + 1) : bucketStart(b);
  }

  /**
   * A percentile of the load-adjusted histogram (each bucket weighted by its value, as Autopilot
   * does, raised to {@code power}), so the tail of a spiky series counts for what it costs rather
   * than for how long it lasts.
   */
  double loadAdjustedPercentile(double p, double power) {
    if (isEmpty()) {
      return 0;
    }
    double[] load = new double[maxBucket + 1];
    double total = 0;
    for (int b = minBucket; b <= maxBucket; b++) {
      load[b] = weight[b] * (power == 1 ? bucketStart(b + 1) : Math.pow(bucketStart(b + 1), power));
      total += load[b];
    }
    double partial = 0;
    for (int b = minBucket; b <= maxBucket; b++) {
      partial += load[b];
      if (partial >= p * total) {
        return bucketStart(b + 1);
      }
    }
    return bucketStart(maxBucket + 1);
  }

  int bucket(double value) {
    if (value < first) {
      return 0;
    }
    int b = (int) (Math.log(value * (RATIO - 1) / first + 1) / Math.log(RATIO));
    return Math.min(b, BUCKETS - 1);
  }

  double bucketStart(int b) {
    return first * (Math.pow(RATIO, b) - 1) / (RATIO - 1);
  }

  private double decayFactor(long time) {
    if (Double.isNaN(reference) || time > reference + halfLife * MAX_EXPONENT) {
      shiftReference(time);
    }
    return Math.pow(2, (time - reference) / halfLife);
  }

  private void shiftReference(long time) {
    double next = Math.round(time / halfLife) * halfLife;
    if (!Double.isNaN(reference)) {
      double factor = Math.pow(2, Math.round((reference - next) / halfLife));
      total *= factor;
      for (int i = 0; i < BUCKETS; i++) {
        weight[i] *= factor;
      }
      updateMinAndMax();
    }
    reference = next;
  }

  private void updateMinAndMax() {
    minBucket = BUCKETS - 1;
    maxBucket = 0;
    for (int i = 0; i < BUCKETS; i++) {
      if (weight[i] >= EPSILON) {
        minBucket = Math.min(minBucket, i);
        maxBucket = i;
      }
    }
  }
}
