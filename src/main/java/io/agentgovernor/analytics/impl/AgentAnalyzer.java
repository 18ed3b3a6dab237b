package io.agentgovernor.analytics.impl;

import io.agentgovernor.analytics.pattern.PatternAnalysis;
import io.agentgovernor.analytics.pattern.PatternAnalyzer;
import io.agentgovernor.analytics.pattern.UsageSeries;
import io.agentgovernor.analytics.recommend.Recommendation;
import io.agentgovernor.analytics.recommend.RecommendationConfig;
import io.agentgovernor.analytics.recommend.RecommendationInput;
import io.agentgovernor.analytics.recommend.RecommendationPolicy;
import io.agentgovernor.quota.Limit;
import io.agentgovernor.quota.Quota;
import io.agentgovernor.quota.Resource;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Analyses one agent: the pattern of every resource it was seen using, and the recommendations
 * for each one its quota limits. Pure (the clock is injected) and thread-safe, so it runs on a
 * worker over an {@link AgentSnapshot}.
 */
final class AgentAnalyzer {

  /**
   * What one analysis of one agent found.
   *
   * @param needs per resource in use, the hard amount its {@code NeedTracker} holds: what a
   *     recommendation for that resource builds on, with or without a limit to compare it with
   */
  record Result(String agentId, String group, long time, Map<String, PatternAnalysis> patterns,
                List<Recommendation> recommendations, Map<String, Double> needs) {

    Result(String agentId, String group, long time, Map<String, PatternAnalysis> patterns,
           List<Recommendation> recommendations) {
      this(agentId, group, time, patterns, recommendations, Map.of());
    }
  }

  private final Clock clock;
  private final PatternAnalyzer patterns;
  private final RecommendationConfig recommendations;
  private final long windowMs;

  AgentAnalyzer(Clock clock, PatternAnalyzer patterns, RecommendationConfig recommendations, long windowMs) {
    this.clock = clock;
    this.patterns = patterns;
    this.recommendations = recommendations;
    this.windowMs = windowMs;
  }

  /** @param quota the agent's quota, or null when it has none (patterns only) */
  Result analyze(AgentSnapshot snapshot, Quota quota) {
    long now = clock.millis();
    long since = now - windowMs;
    Map<String, PatternAnalysis> found = new LinkedHashMap<>();
    List<Recommendation> recs = new ArrayList<>();
    snapshot.series().forEach((name, series) -> {
      UsageSeries window = series.window(since, now);
      PatternAnalysis pattern = patterns.analyze(name, window);
      found.put(name, pattern);
      Limit limit = quota == null ? null : quota.limit(name);
      if (limit != null && window.size() > 0) {
        Resource resource = Resource.resolve(name, limit.custom());
        recs.addAll(RecommendationPolicy.recommend(new RecommendationInput(resource, window, limit, pattern,
            snapshot.violations(name, since), snapshot.terminations(name, since), snapshot.needs().get(name)),
            recommendations));
      }
    });
    return new Result(snapshot.agentId(), quota == null ? snapshot.group() : quota.group(), now, found, recs,
        snapshot.needs());
  }
}
