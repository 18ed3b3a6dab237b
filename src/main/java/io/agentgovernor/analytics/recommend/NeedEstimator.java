package io.agentgovernor.analytics.recommend;

import io.agentgovernor.analytics.pattern.UsageSeries;
import io.agentgovernor.analytics.pattern.UsageStatistics;
import io.agentgovernor.quota.Resource;

/** Derives the hard (and burst) amount a history calls for, by pattern. */
final class NeedEstimator {

  /** The amounts needed; {@code burst} and {@code burstWindowMs} are 0 unless the agent is bursty. */
  record Need(double hard, double burst, long burstWindowMs, String basis) {
  }

  private NeedEstimator() {
  }

  static Need estimate(RecommendationInput in, RecommendationConfig config) {
    UsageStatistics s = in.pattern().statistics();
    double[] sorted = in.history().sortedValues();
    double margin = 1 + config.headroom();
    String pct = Math.round(config.headroom() * 100) + " %";
    Need need = switch (in.pattern().pattern()) {
      case PERIODIC -> new Need(cyclePeak(in.history(), s.periodMs()) * margin, 0, 0, "cycle peak + " + pct);
      case BURSTY -> bursty(in.history(), sorted, margin, pct);
      case GROWING -> new Need(Math.max(percentile(sorted, 0.99), projected(s, config)) * margin, 0, 0,
          "trend extended " + config.growthHorizon().toMinutes() + " min + " + pct);
      case STEADY, DECLINING -> new Need(percentile(sorted, 0.99) * margin, 0, 0, "p99 + " + pct);
    };
    return bumpAfterViolations(in, s, need, config);
  }

  /**
   * Memory that was violated or killed gets at least {@code max(peak * ratio, peak + min bump)},
   * capped at {@code peak * maxBumpOverPeak}: built from what the agent used, never from the limit.
   */
  private static Need bumpAfterViolations(RecommendationInput in, UsageStatistics s, Need need,
      RecommendationConfig config) {
    if (!in.resource().equals(Resource.MEMORY) || in.recentViolations() + in.recentTerminations() == 0) {
      return need;
    }
    double bumped = Math.min(s.peak() * config.maxBumpOverPeak(),
        Math.max(s.peak() * config.memoryBumpRatio(), s.peak() + config.memoryMinBumpBytes()));
    if (bumped <= need.hard()) {
      return need;
    }
    return new Need(bumped, Math.max(need.burst(), bumped), need.burstWindowMs(),
        "peak bumped after " + (in.recentViolations() + in.recentTerminations()) + " violation(s)/termination(s)");
  }

  /** The highest peak among the whole cycles in the window: a periodic limit must hold every cycle. */
  private static double cyclePeak(UsageSeries h, long periodMs) {
    double best = 0;
    double current = 0;
    long cycleEnd = h.time(0) + periodMs;
    for (int i = 0; i < h.size(); i++) {
      if (h.time(i) >= cycleEnd) {
        best = Math.max(best, current);
        current = 0;
        cycleEnd += periodMs * ((h.time(i) - cycleEnd) / periodMs + 1);
      }
      current = Math.max(current, h.value(i));
    }
    return Math.max(best, current);
  }

  /**
   * Hard covers the base (p90: bursty series spend less than ~15 % of the time bursting), burst
   * covers the peak, and the window twice the longest burst seen.
   */
  private static Need bursty(UsageSeries h, double[] sorted, double margin, String pct) {
    double hard = percentile(sorted, 0.90) * margin;
    long longest = 0;
    long start = -1;
    for (int i = 0; i < h.size(); i++) {
      if (h.value(i) > hard && start < 0) {
        start = i == 0 ? h.time(0) : h.time(i - 1);
      } else if (h.value(i) <= hard && start >= 0) {
        longest = Math.max(longest, h.time(i) - start);
        start = -1;
      }
    }
    if (start >= 0) {
      longest = Math.max(longest, h.time(h.size() - 1) - start);
    }
    return new Need(hard, sorted[sorted.length - 1] * margin, 2 * longest, "base p90 + " + pct + ", bursts to peak + " + pct);
  }

  /** The fitted line at the end of the window, extended by the horizon (regular sampling assumed). */
  private static double projected(UsageStatistics s, RecommendationConfig config) {
    double perHour = s.trendPerHour() * s.mean();
    double endHours = s.spanMs() / 2.0 / 3_600_000.0;
    return s.mean() + perHour * (endHours + config.growthHorizon().toMillis() / 3_600_000.0);
  }

  static double percentile(double[] sorted, double q) {
    double pos = q * (sorted.length - 1);
    int lo = (int) pos;
    int hi = Math.min(lo + 1, sorted.length - 1);
    return sorted[lo] + (pos - lo) * (sorted[hi] - sorted[lo]);
  }
}
