package io.agentgovernor.analytics.replay;

/**
 * Settings of the {@code governor} replay recommender; build with {@link #custom(ReplayResource)}
 * or take {@link #ofDefaults(ReplayResource)}.
 *
 * @param percentile the percentile of the load-weighted usage history the limit is based on
 * @param loadPower how strongly each bucket is weighted by its value: 0 = a plain time
 *     percentile, 1 = Autopilot's load-adjusted histogram
 * @param halfLifeSeconds half-life of the exponentially decaying history
 * @param headroom the margin added on top of the percentile
 * @param cycleDays how many previous days the cycle term looks back over (0 = off)
 * @param cycleAheadSeconds how far past "this time of day" the cycle term looks, to anticipate a ramp
 * @param cycleHeadroom the margin on the cycle term
 * @param overrunBump on an overrun the limit is raised to at least {@code usage * (1 + bump)}
 * @param overrunHoldSeconds how long that floor holds
 * @param downStep the largest relative decrease per re-evaluation (1 = none)
 * @param minLimit a floor for the limit, in the resource's unit
 * @param firstBucket the first bucket size of the exponential histogram, in the resource's unit
 */
public record GovernorSettings(double percentile, double loadPower, double halfLifeSeconds, double headroom,
                               int cycleDays, long cycleAheadSeconds, double cycleHeadroom, double overrunBump,
                               long overrunHoldSeconds, double downStep, double minLimit, double firstBucket) {

  public GovernorSettings {
    check(percentile > 0 && percentile < 1, "percentile must be in (0, 1), got " + percentile);
    check(loadPower >= 0 && loadPower <= 3, "loadPower must be in [0, 3], got " + loadPower);
    check(halfLifeSeconds >= 3600, "halfLifeSeconds must be at least one hour, got " + halfLifeSeconds);
    check(headroom >= 0 && headroom <= 10, "headroom must be in [0, 10], got " + headroom);
    check(cycleDays >= 0 && cycleDays <= 28, "cycleDays must be in [0, 28], got " + cycleDays);
    check(cycleAheadSeconds >= 0 && cycleAheadSeconds < 43_200, "cycleAheadSeconds must be in [0, 12 h), got "
        + cycleAheadSeconds);
    check(cycleHeadroom >= 0 && cycleHeadroom <= 10, "cycleHeadroom must be in [0, 10], got " + cycleHeadroom);
    check(overrunBump >= 0 && overrunBump <= 10, "overrunBump must be in [0, 10], got " + overrunBump);
    check(overrunHoldSeconds >= 0, "overrunHoldSeconds must be >= 0, got " + overrunHoldSeconds);
    check(downStep > 0 && downStep <= 1, "downStep must be in (0, 1], got " + downStep);
    check(minLimit >= 0, "minLimit must be >= 0, got " + minLimit);
    check(firstBucket > 0, "firstBucket must be > 0, got " + firstBucket);
  }

  /**
   * The replayed defaults. CPU: the load-weighted 95th percentile over a 48 h half-life plus 10 %
   * (Autopilot's recipe with 5 %-wide exponential buckets instead of 400 linear ones, so small
   * users are not rounded up to 1/267 of their capacity). Memory: the load-weighted 99.5th
   * percentile plus 8 %, and on an overrun a 24 h floor at 1.2 x the usage seen. Decreases are at
   * most 9.9 % per step, so shrinking never counts as a disruptive change. The cycle term is off:
   * on the Bitbrains trace it raised slack more than it cut violations (see docs/ANALYTICS.md).
   */
  public static GovernorSettings ofDefaults(ReplayResource resource) {
    return custom(resource).build();
  }

  public static Builder custom(ReplayResource resource) {
    return new Builder(resource);
  }

  private static void check(boolean ok, String message) {
    if (!ok) {
      throw new IllegalArgumentException("governor settings: " + message);
    }
  }

  /** A builder starting from the defaults of one resource. */
  public static final class Builder {
    private double percentile;
    private double loadPower = 1;
    private double halfLifeSeconds = 48 * 3600;
    private double headroom;
    private int cycleDays;
    private long cycleAheadSeconds = 3600;
    private double cycleHeadroom = 0.1;
    private double overrunBump;
    private long overrunHoldSeconds;
    private double downStep = 0.099;
    private double minLimit;
    private double firstBucket;

    private Builder(ReplayResource resource) {
      boolean cpu = resource == ReplayResource.CPU;
      percentile = cpu ? 0.95 : 0.995;
      headroom = cpu ? 0.10 : 0.08;
      overrunBump = cpu ? 0 : 0.2;
      overrunHoldSeconds = cpu ? 0 : 86_400;
      minLimit = cpu ? 0.001 : 16.0 * 1024 * 1024;
      firstBucket = cpu ? 0.001 : 1e6;
    }

    public Builder percentile(double v) {
      percentile = v;
      return this;
    }

    public Builder loadPower(double v) {
      loadPower = v;
      return this;
    }

    public Builder halfLifeSeconds(double v) {
      halfLifeSeconds = v;
      return this;
    }

    public Builder headroom(double v) {
      headroom = v;
      return this;
    }

    public Builder cycle(int days, long aheadSeconds, double margin) {
      cycleDays = days;
      cycleAheadSeconds = aheadSeconds;
      cycleHeadroom = margin;
      return this;
    }

    public Builder overrun(double bump, long holdSeconds) {
      overrunBump = bump;
      overrunHoldSeconds = holdSeconds;
      return this;
    }

    public Builder downStep(double v) {
      downStep = v;
      return this;
    }

    public GovernorSettings build() {
      return new GovernorSettings(percentile, loadPower, halfLifeSeconds, headroom, cycleDays, cycleAheadSeconds,
          cycleHeadroom, overrunBump, overrunHoldSeconds, downStep, minLimit, firstBucket);
    }
  }
}
