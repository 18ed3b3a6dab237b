package io.agentgovernor.analytics.recommend;

/**
 * The VPA recommender's decaying exponential histogram ({@code util/histogram.go},
 * {@code util/decaying_histogram.go}): bucket {@code i} starts at {@code f(r^i - 1)/(r - 1)},
 * weights are scaled by {@code 2^((t - ref)/halfLife)}, the reference is moved (and weights
 * rescaled) when the exponent exceeds 100, and a percentile is the end of the first bucket whose
 * cumulative weight reaches it. Times are in any unit, as long as the half-life is in the same.
 *
 * <p>The weights are held in an array that grows to the highest bucket seen, so a small consumer
 * costs a few hundred bytes however many buckets the histogram may have. Not thread-safe.
 */
public final class DecayingHistogram {

  /** Each bucket is 5 % wider than the one before. */
  public static final double RATIO = 1.05;
  /** VPA's bucket count: 176 buckets span five decades above the first bucket. */
  public static final int VPA_BUCKETS = 176;
  static final double EPSILON = 1e-4;
  private static final double MAX_EXPONENT = 100;

  private final double first;
  private final double halfLife;
  private final int buckets;
  private double[] weight = new double[8];
  private double total;
  private int minBucket;
  private int maxBucket;
  private double reference = Double.NaN;

  /**
   * @param firstBucketSize the width of the first bucket, in the value's unit
   * @param halfLife the half-life of a sample's weight, in the time's unit
   * @param buckets how many buckets; values beyond the last one count in the last one
   */
  public DecayingHistogram(double firstBucketSize, double halfLife, int buckets) {
    if (!(firstBucketSize > 0) || !(halfLife > 0) || buckets < 2) {
      throw new IllegalArgumentException("histogram: first bucket and half-life must be > 0, buckets >= 2");
    }
    this.first = firstBucketSize;
    this.halfLife = halfLife;
    this.buckets = buckets;
    this.minBucket = buckets - 1;
  }

  /** Adds {@code value} with weight {@code w} at {@code time}. */
  public void add(double value, double w, long time) {
    double scaled = w * decayFactor(time);
    int b = bucket(value);
    if (b >= weight.length) {
      weight = java.util.Arrays.copyOf(weight, Math.min(buckets, Math.max(b + 1, 2 * weight.length)));
    }
    weight[b] += scaled;
    total += scaled;
    if (b < minBucket && weight[b] >= EPSILON) {
      minBucket = b;
    }
    if (b > maxBucket && weight[b] >= EPSILON) {
      maxBucket = b;
    }
  }

  /** Takes back a sample added before (VPA replaces a window's peak this way). */
  public void subtract(double value, double w, long time) {
    double scaled = w * decayFactor(time);
    int b = bucket(value);
    total -= scaled;
    weight[b] -= scaled;
    if (weight[b] < EPSILON && b == minBucket) {
      while (minBucket < buckets - 1 && w(minBucket) < EPSILON) {
        minBucket++;
      }
    }
    if (weight[b] < EPSILON && b == maxBucket) {
      while (maxBucket > 0 && weight[maxBucket] < EPSILON) {
        maxBucket--;
      }
    }
  }

  /** True while no bucket holds a weight worth counting. */
  public boolean isEmpty() {
    return w(minBucket) < EPSILON;
  }

  /** VPA's percentile: the end of the first bucket whose cumulative weight reaches {@code p}; 0 when empty. */
  public double percentile(double p) {
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
    return b < buckets - 1 ? bucketStart(b + 1) : bucketStart(b);
  }

  /**
   * A percentile of the load-adjusted histogram (each bucket weighted by its end, as Autopilot
   * does), so the tail of a spiky series counts for what it costs rather than for how long it
   * lasts; 0 when empty.
   */
  public double loadAdjustedPercentile(double p) {
    if (isEmpty()) {
      return 0;
    }
    double load = 0;
    for (int b = minBucket; b <= maxBucket; b++) {
      load += weight[b] * bucketStart(b + 1);
    }
    double partial = 0;
    for (int b = minBucket; b <= maxBucket; b++) {
      partial += weight[b] * bucketStart(b + 1);
      if (partial >= p * load) {
        return bucketStart(b + 1);
      }
    }
    return bucketStart(maxBucket + 1);
  }

  private double w(int b) {
    return b < weight.length ? weight[b] : 0;
  }

  /** The bucket a value falls in. */
  public int bucket(double value) {
    if (value < first) {
      return 0;
    }
    int b = (int) (Math.log(value * (RATIO - 1) / first + 1) / Math.log(RATIO));
    return Math.min(b, buckets - 1);
  }

  /** Where bucket {@code b} starts. */
  public double bucketStart(int b) {
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
      for (int i = 0; i < weight.length; i++) {
        weight[i] *= factor;
      }
      updateMinAndMax();
    }
    reference = next;
  }

  private void updateMinAndMax() {
    minBucket = buckets - 1;
    maxBucket = 0;
    for (int i = 0; i < weight.length; i++) {
      if (weight[i] >= EPSILON) {
        minBucket = Math.min(minBucket, i);
        maxBucket = i;
      }
    }
  }
}
