package io.agentgovernor.analytics.recommend;

import io.agentgovernor.quota.Limit;

/**
 * Bounds how far one automatic step may move a limit, so auto-apply converges over a few steps
 * instead of jumping on one analysis (and a bad analysis can do limited harm).
 */
public final class StepGuard {

  private StepGuard() {
  }

  /**
   * The suggested limit with soft, hard and burst each kept within {@code [x(1 - maxChange),
   * x(1 + maxChange)]} of the current value (keeping {@code soft <= hard <= burst}). A current
   * amount of 0 has no scale to be relative to, so the suggestion passes unchanged.
   */
  public static Limit step(Limit current, Limit suggested, double maxChange) {
    if (!(maxChange > 0)) {
      throw new IllegalArgumentException("maxChange must be > 0, got " + maxChange);
    }
    double hard = bound(current.hard(), suggested.hard(), maxChange);
    if (current.burst() > 0) {
      // A hard of 0 has no scale and would pass unbounded, then drag burst (>= hard) past its own
      // bound: hard may not outgrow the most burst may become.
      hard = Math.min(hard, current.burst() * (1 + maxChange));
    }
    double soft = Math.min(hard, bound(current.soft(), suggested.soft(), maxChange));
    double burst = Math.max(hard, bound(current.burst(), suggested.burst(), maxChange));
    return new Limit(soft, hard, burst, suggested.burstWindowMs(), suggested.ladder(), suggested.custom());
  }

  private static double bound(double current, double suggested, double maxChange) {
    if (current <= 0) {
      return suggested;
    }
    return Math.max(current * Math.max(0, 1 - maxChange), Math.min(current * (1 + maxChange), suggested));
  }
}
