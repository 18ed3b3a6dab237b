package io.agentgovernor.analytics.replay;

/**
 * The governor's own limit recommender, replayed causally. Per entity and resource:
 * <ol>
 *   <li>a decaying exponential histogram of usage (VPA's structure) read as a load-weighted
 *       percentile (Autopilot's statistic), plus a headroom;</li>
 *   <li>optionally a cycle term: the peak at this time of day, a little ahead, over the last few
 *       days, so a periodic entity's limit follows its cycle's peak;</li>
 *   <li>on an overrun, a floor at the usage seen times {@code 1 + bump} for a hold time. The floor
 *       is built from observed usage, never from the limit, so repeated overruns cannot ratchet the
 *       limit up by themselves (VPA's OOM rule compounds on the request instead);</li>
 *   <li>increases apply at once; decreases at most {@code downStep} per re-evaluation, which keeps
 *       shrinking smooth and cheap to apply live.</li>
 * </ol>
 */
final class GovernorRecommender implements LimitRecommender {

  private static final long DAY = 86_400;

  private final GovernorSettings settings;
  private final VpaHistogram histogram;
  private final UsageHistory history = new UsageHistory();
  private final SlidingMax[] cycle;
  private double limit = Double.NaN;
  private double overrunFloor;
  private long overrunFloorUntil = Long.MIN_VALUE;

  GovernorRecommender(GovernorSettings settings) {
    this.settings = settings;
    this.histogram = new VpaHistogram(settings.firstBucket(), settings.halfLifeSeconds());
    this.cycle = new SlidingMax[settings.cycleDays()];
    for (int d = 0; d < cycle.length; d++) {
      cycle[d] = new SlidingMax(history);
    }
  }

  @Override
  public void observe(long time, double usage) {
    histogram.add(usage, 1.0, time);
    if (cycle.length > 0) {
      history.add(time, usage);
    }
  }

  @Override
  public double recommend(long time) {
    if (histogram.isEmpty()) {
      return Double.NaN;
    }
    double target = Math.max(settings.minLimit(), baseTarget());
    target = Math.max(target, cyclePeak(time) * (1 + settings.cycleHeadroom()));
    if (time < overrunFloorUntil) {
      target = Math.max(target, overrunFloor);
    }
    limit = Double.isNaN(limit) || target >= limit ? target : Math.max(target, limit * (1 - settings.downStep()));
    return limit;
  }

  @Override
  public void onOverrun(long time, double usage, double inForce) {
    if (settings.overrunHoldSeconds() == 0) {
      return;
    }
    double floor = usage * (1 + settings.overrunBump());
    overrunFloor = time < overrunFloorUntil ? Math.max(overrunFloor, floor) : floor;
    overrunFloorUntil = time + settings.overrunHoldSeconds();
  }

  private double baseTarget() {
    double statistic = settings.loadPower() == 0 ? histogram.percentile(settings.percentile())
        : histogram.loadAdjustedPercentile(settings.percentile(), settings.loadPower());
    return statistic * (1 + settings.headroom());
  }

  private double cyclePeak(long time) {
    double peak = 0;
    for (int d = 0; d < cycle.length; d++) {
      long sameTime = time - (d + 1) * DAY;
      if (history.size() == 0 || sameTime < history.first()) {
        break;
      }
      peak = Math.max(peak, cycle[d].max(sameTime, sameTime + settings.cycleAheadSeconds()));
    }
    return peak;
  }
}
