package io.agentgovernor.enforcement.policy;

import io.agentgovernor.bus.GovernorException;

/**
 * Settings of the {@link ThrottleController}, built with {@link #custom()} or {@link #ofDefaults()}.
 *
 * @param targetFraction the loop aims usage at {@code targetFraction × hard}, in (0, 1]; 0.95 leaves
 *     room for noise so the agent settles just under its limit
 * @param minFactor the tightest throttle, in (0, 1]: an agent is slowed, never stopped (that is suspend)
 * @param maxDecrease the factor may fall to at most this share of itself per interval, in (0, 1)
 * @param maxIncrease the factor may rise to at most this multiple of itself per interval, {@code > 1}
 * @param smoothing the weight of the newest demand sample in the demand estimate, in (0, 1]
 * @param windowMs the sampling interval, used for the Kafka-style throttle time, {@code > 0}
 * @param maxThrottleTimeMs the cap on that throttle time, {@code >= 0}
 * @param liftFraction the factor is lifted once it is back at 1 with usage under {@code liftFraction × hard}
 * @param liftHoldIntervals ... for this many intervals in a row, {@code >= 1}
 */
public record ThrottleConfig(FactorTable table, double targetFraction, double minFactor, double maxDecrease,
                             double maxIncrease, double smoothing, long windowMs, long maxThrottleTimeMs,
                             double liftFraction, int liftHoldIntervals) {

  public ThrottleConfig {
    check(table != null, "a factor table is required");
    check(targetFraction > 0 && targetFraction <= 1, "targetFraction must be in (0, 1], got " + targetFraction);
    check(minFactor > 0 && minFactor <= 1, "minFactor must be in (0, 1], got " + minFactor);
    check(maxDecrease > 0 && maxDecrease < 1, "maxDecrease must be in (0, 1), got " + maxDecrease);
    check(maxIncrease > 1 && Double.isFinite(maxIncrease), "maxIncrease must be finite and > 1, got " + maxIncrease);
    check(smoothing > 0 && smoothing <= 1, "smoothing must be in (0, 1], got " + smoothing);
    check(windowMs > 0, "windowMs must be > 0, got " + windowMs);
    check(maxThrottleTimeMs >= 0, "maxThrottleTimeMs must be >= 0, got " + maxThrottleTimeMs);
    check(liftFraction > 0 && liftFraction <= targetFraction,
        "liftFraction must be in (0, targetFraction], got " + liftFraction);
    check(liftHoldIntervals >= 1, "liftHoldIntervals must be >= 1, got " + liftHoldIntervals);
  }

  public static ThrottleConfig ofDefaults() {
    return custom().build();
  }

  public static Builder custom() {
    return new Builder();
  }

  private static void check(boolean condition, String message) {
    if (!condition) {
      throw GovernorException.invalid("throttle config: " + message);
    }
  }

  /** A mutable builder; {@link #build()} validates. */
  public static final class Builder {
    private FactorTable table = FactorTable.ofDefaults();
    private double targetFraction = 0.95;
    private double minFactor = 0.01;
    private double maxDecrease = 0.5;
    private double maxIncrease = 1.5;
    private double smoothing = 0.3;
    private long windowMs = 1_000;
    private long maxThrottleTimeMs = 30_000;
    private double liftFraction = 0.9;
    private int liftHoldIntervals = 3;

    private Builder() {
    }

    public Builder table(FactorTable table) {
      this.table = table;
      return this;
    }

    public Builder targetFraction(double targetFraction) {
      this.targetFraction = targetFraction;
      return this;
    }

    public Builder minFactor(double minFactor) {
      this.minFactor = minFactor;
      return this;
    }

    public Builder maxDecrease(double maxDecrease) {
      this.maxDecrease = maxDecrease;
      return this;
    }

    public Builder maxIncrease(double maxIncrease) {
      this.maxIncrease = maxIncrease;
      return this;
    }

    public Builder smoothing(double smoothing) {
      this.smoothing = smoothing;
      return this;
    }

    public Builder windowMs(long windowMs) {
      this.windowMs = windowMs;
      return this;
    }

    public Builder maxThrottleTimeMs(long maxThrottleTimeMs) {
      this.maxThrottleTimeMs = maxThrottleTimeMs;
      return this;
    }

    public Builder lift(double fraction, int holdIntervals) {
      this.liftFraction = fraction;
      this.liftHoldIntervals = holdIntervals;
      return this;
    }

    public ThrottleConfig build() {
      return new ThrottleConfig(table, targetFraction, minFactor, maxDecrease, maxIncrease, smoothing, windowMs,
          maxThrottleTimeMs, liftFraction, liftHoldIntervals);
    }
  }
}
