package io.agentgovernor.analytics.recommend;

import io.agentgovernor.analytics.pattern.UsagePattern;
import io.agentgovernor.analytics.pattern.UsageSeries;
import java.util.Locale;

/**
 * The amounts a resource needs. The need is the {@link NeedTracker}'s (the node's own tracker, or
 * one fed the history alone), and it is the hard amount, except for an agent whose last hour is
 * bursty: its hard amount stays at its base (p90 of the hour + headroom) and the need goes under
 * the burst limit, with room to the hour's peak, for twice the longest burst seen. Enforcement
 * tolerates usage between hard and burst for the burst window, so the need is still covered.
 */
final class NeedEstimator {

  /** The amounts needed; {@code burst} and {@code burstWindowMs} are 0 unless the agent is bursty. */
  record Need(double hard, double burst, long burstWindowMs, String basis) {
  }

  private NeedEstimator() {
  }

  static Need estimate(RecommendationInput in, RecommendationConfig config) {
    NeedModel model = config.need(in.resource());
    int overruns = in.recentViolations() + in.recentTerminations();
    double hard = in.trackedNeed() != null ? in.trackedNeed() : fromHistory(in, config, overruns);
    String basis = String.format(Locale.ROOT, "load-weighted p%s + %.0f %%", percentileName(model.percentile()),
        100 * model.headroom())
        + (model.overrunFloor() && overruns > 0 ? ", floored at the usage seen after " + overruns
        + " violation(s)/termination(s)" : "");
    if (in.pattern().pattern() == UsagePattern.BURSTY) {
      return bursty(in.history(), hard, 1 + config.headroom());
    }
    return new Need(hard, 0, 0, basis);
  }

  /**
   * A policy asked about a history alone (no node state): a fresh tracker is fed the history, and
   * violations or terminations count as one overrun at the history's peak.
   */
  private static double fromHistory(RecommendationInput in, RecommendationConfig config, int overruns) {
    UsageSeries h = in.history();
    NeedTracker tracker = new NeedTracker(config.need(in.resource()), config);
    for (int i = 0; i < h.size(); i++) {
      tracker.observe(h.time(i), h.value(i));
    }
    long last = h.time(h.size() - 1);
    if (overruns > 0) {
      tracker.onOverrun(last, in.pattern().statistics().peak());
    }
    return tracker.need(last);
  }

  private static Need bursty(UsageSeries h, double need, double margin) {
    double[] sorted = h.sortedValues();
    double base = percentile(sorted, 0.90) * margin;
    long longest = 0;
    long start = -1;
    for (int i = 0; i < h.size(); i++) {
      if (h.value(i) > base && start < 0) {
        start = i == 0 ? h.time(0) : h.time(i - 1);
      } else if (h.value(i) <= base && start >= 0) {
        longest = Math.max(longest, h.time(i) - start);
        start = -1;
      }
    }
    if (start >= 0) {
      longest = Math.max(longest, h.time(h.size() - 1) - start);
    }
    String pct = Math.round((margin - 1) * 100) + " %";
    return new Need(base, Math.max(need, sorted[sorted.length - 1] * margin), 2 * longest,
        "base p90 + " + pct + ", bursts to the need or the peak + " + pct);
  }

  static double percentile(double[] sorted, double q) {
    double pos = q * (sorted.length - 1);
    int lo = (int) pos;
    int hi = Math.min(lo + 1, sorted.length - 1);
    return sorted[lo] + (pos - lo) * (sorted[hi] - sorted[lo]);
  }

  private static String percentileName(double p) {
    return String.format(Locale.ROOT, "%.2f", 100 * p).replaceAll("\\.?0+$", "");
  }
}
