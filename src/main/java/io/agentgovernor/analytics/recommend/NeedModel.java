package io.agentgovernor.analytics.recommend;

/**
 * How the need of one resource is derived from its usage ({@link NeedTracker}).
 *
 * @param violationBudget the trade-off between slack and violations: the share of the agent's
 *     recent load (usage weighted by its own size, decayed) that may lie above the need before
 *     headroom. The need's base is the load-weighted {@code 1 - violationBudget} percentile, so a
 *     smaller budget means fewer violations and more slack. In (0, 0.5].
 * @param headroom the margin on top of that percentile, in [0, 10]
 * @param firstBucket the first bucket of the usage histogram, in the resource's unit: the
 *     smallest amount told apart from zero (buckets then grow by 5 %)
 * @param minNeed the need is never below this, in the resource's unit
 * @param overrunFloor whether an overrun sets a floor at the usage seen, bumped as after an OOM
 *     kill (memory: going over is fatal, so the next limit must clear it)
 */
public record NeedModel(double violationBudget, double headroom, double firstBucket, double minNeed,
                        boolean overrunFloor) {

  public NeedModel {
    if (!(violationBudget > 0 && violationBudget <= 0.5)) {
      throw new IllegalArgumentException("violationBudget must be in (0, 0.5], got " + violationBudget);
    }
    if (!(headroom >= 0 && headroom <= 10)) {
      throw new IllegalArgumentException("headroom must be in [0, 10], got " + headroom);
    }
    if (!(firstBucket > 0) || !(minNeed >= 0)) {
      throw new IllegalArgumentException("firstBucket must be > 0 and minNeed >= 0");
    }
  }

  /** The load-weighted percentile the need is built on. */
  public double percentile() {
    return 1 - violationBudget;
  }

  public NeedModel withBudget(double budget) {
    return new NeedModel(budget, headroom, firstBucket, minNeed, overrunFloor);
  }
}
