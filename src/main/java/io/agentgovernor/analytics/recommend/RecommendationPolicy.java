package io.agentgovernor.analytics.recommend;

import io.agentgovernor.analytics.pattern.UsagePattern;
import io.agentgovernor.analytics.pattern.UsageStatistics;
import io.agentgovernor.quota.LadderStep;
import io.agentgovernor.quota.Limit;
import io.agentgovernor.quota.Resource;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * Turns one resource's history, limit, pattern and violations into recommendations: a pure
 * function, so the same input always gives the same list (and the same ids).
 *
 * <p>The needed hard amount is the governor's one recommender, the {@link NeedTracker} (the
 * node's, kept sample by sample, or one fed the history): a load-weighted percentile of the
 * decayed usage set by the resource's violation budget, plus headroom, and for memory a floor
 * after violations or kills, built from the usage seen. A bursty agent also gets burst room to
 * its peak. Then, in order: a need above the configured ceiling asks to optimize the code; growing memory
 * also suggests a leak; a need {@code changeGroupRatio} times off asks for another group; a bursty
 * need above the burst raises the burst; otherwise hard moves up or down when the change passes the
 * deadband. A decrease is never recommended right after violations.
 */
public final class RecommendationPolicy {

  private RecommendationPolicy() {
  }

  public static List<Recommendation> recommend(RecommendationInput in, RecommendationConfig config) {
    UsageStatistics stats = in.pattern().statistics();
    if (stats.count() < config.minSamples() || in.history().size() == 0) {
      return List.of();
    }
    NeedEstimator.Need need = NeedEstimator.estimate(in, config);
    Evidence evidence = new Evidence(stats, in.pattern().pattern(), in.pattern().confidence(),
        in.recentViolations(), in.recentTerminations(), need.hard(), need.basis());
    List<Recommendation> out = new ArrayList<>(2);
    Limit current = in.current();
    Double ceiling = config.ceilings().get(in.resource());
    boolean violated = in.recentViolations() + in.recentTerminations() > 0;
    if (ceiling != null && need.hard() > ceiling) {
      out.add(make(in, RecommendationType.OPTIMIZE_CODE, withHard(current, ceiling, config), evidence,
          "needs " + amount(in, need.hard()) + " (" + need.basis() + ") but at most " + amount(in, ceiling)
              + " is granted: reduce the agent's " + in.resource() + " use", config));
      return out;
    }
    if (in.resource().equals(Resource.MEMORY) && in.pattern().pattern() == UsagePattern.GROWING
        && in.pattern().confidence() >= config.leakMinConfidence()) {
      out.add(make(in, RecommendationType.OPTIMIZE_CODE, withHard(current, need.hard(), config), evidence,
          String.format(Locale.ROOT, "memory grows %.0f %% of its mean per hour (R² %.2f): likely a leak",
              100 * stats.trendPerHour(), stats.trendR2()), config));
    }
    double ratio = current.hard() > 0 ? need.hard() / current.hard() : Double.POSITIVE_INFINITY;
    if (ratio >= config.changeGroupRatio() || ratio <= 1 / config.changeGroupRatio()) {
      out.add(make(in, RecommendationType.CHANGE_GROUP, withHard(current, need.hard(), config), evidence,
          "needs " + amount(in, need.hard()) + " (" + need.basis() + "), " + times(ratio) + " the hard limit "
              + amount(in, current.hard()) + ": move the agent to a " + (ratio > 1 ? "larger" : "smaller") + " group",
          config));
    } else if (in.pattern().pattern() == UsagePattern.BURSTY && need.burst() > current.burst() * (1 + config.deadband())
        && need.hard() <= current.hard() * (1 + config.deadband())) {
      out.add(make(in, RecommendationType.RAISE_BURST, withBurst(current, need), evidence,
          "bursts reach " + amount(in, need.burst()) + " for up to " + need.burstWindowMs() / 2 + " ms above a base that fits hard "
              + amount(in, current.hard()) + ": allow bursts to " + amount(in, need.burst()) + " for "
              + need.burstWindowMs() + " ms instead of raising hard", config));
    } else if (ratio > 1 + config.deadband()) {
      out.add(make(in, RecommendationType.INCREASE_QUOTA, withHard(current, need.hard(), config), evidence,
          "needs " + amount(in, need.hard()) + " (" + need.basis() + ", " + in.pattern().pattern().wireName()
              + "), " + percent(ratio - 1) + " above hard " + amount(in, current.hard())
              + (violated ? "; " + in.recentViolations() + " recent violation(s)" : ""), config));
    } else if (ratio < 1 - config.deadband() && !violated) {
      out.add(make(in, RecommendationType.DECREASE_QUOTA, withHard(current, need.hard(), config), evidence,
          "needs only " + amount(in, need.hard()) + " (" + need.basis() + ", " + in.pattern().pattern().wireName()
              + "), " + percent(1 - ratio) + " below hard " + amount(in, current.hard()), config));
    }
    return out;
  }

  private static Recommendation make(RecommendationInput in, RecommendationType type, Limit suggested,
      Evidence evidence, String rationale, RecommendationConfig config) {
    // Violations are direct evidence that the limit is too low, beyond what the pattern says.
    double confidence = in.pattern().confidence() * (evidence.recentViolations() + evidence.recentTerminations() > 0
        ? 1 : 0.9) + (evidence.recentViolations() > 0 ? 0.1 : 0);
    String id = in.resource().name() + "-" + type.wireName() + "-"
        + Integer.toHexString(Objects.hash(suggested.soft(), suggested.hard(), suggested.burst(), suggested.burstWindowMs()));
    return new Recommendation(id, in.resource().name(), type, in.current(), suggested,
        in.resource() + ": " + rationale, evidence, Math.min(1, confidence), in.pattern().analyzedAtMs());
  }

  /** New hard, soft at the current soft/hard ratio, burst at the current burst/hard ratio. */
  private static Limit withHard(Limit current, double hard, RecommendationConfig config) {
    double softRatio = current.hard() > 0 && current.soft() > 0 ? current.soft() / current.hard() : config.softRatio();
    double burstRatio = current.hard() > 0 ? current.burst() / current.hard() : 1;
    return new Limit(hard * softRatio, hard, hard * burstRatio, current.burstWindowMs(), current.ladder(), current.custom());
  }

  private static Limit withBurst(Limit current, NeedEstimator.Need need) {
    long window = Math.max(current.burstWindowMs(), need.burstWindowMs());
    return new Limit(current.soft(), current.hard(), Math.max(current.hard(), need.burst()),
        Math.min(window, LadderStep.MAX_DELAY_MS), current.ladder(), current.custom());
  }

  private static String amount(RecommendationInput in, double v) {
    if (in.resource().equals(Resource.MEMORY)) {
      return String.format(Locale.ROOT, "%.1f MiB", v / (1024 * 1024));
    }
    if (in.resource().equals(Resource.CPU)) {
      return String.format(Locale.ROOT, "%.1f %% of a core", v);
    }
    return String.format(Locale.ROOT, "%.1f %s", v, in.resource().unit());
  }

  private static String percent(double fraction) {
    return String.format(Locale.ROOT, "%.0f %%", 100 * fraction);
  }

  private static String times(double ratio) {
    return Double.isInfinite(ratio) ? "infinitely many times" : String.format(Locale.ROOT, "%.1fx", ratio);
  }
}
