package io.agentgovernor.analytics.recommend;

import io.agentgovernor.analytics.pattern.PatternAnalysis;
import io.agentgovernor.analytics.pattern.UsageSeries;
import io.agentgovernor.quota.Limit;
import io.agentgovernor.quota.Resource;
import java.util.Objects;

/**
 * Everything a recommendation is computed from.
 *
 * @param history the samples the pattern was computed over (the same window)
 * @param recentViolations hard or burst violations of this resource in the window
 * @param recentTerminations times the agent was terminated (or OOM-killed) for this resource
 * @param trackedNeed the need the node's {@link NeedTracker} of this agent and resource holds, or
 *     null: then a tracker is fed the history alone (and, after violations, an overrun at its peak)
 */
public record RecommendationInput(Resource resource, UsageSeries history, Limit current, PatternAnalysis pattern,
                                  int recentViolations, int recentTerminations, Double trackedNeed) {

  /** Without a tracked need: the history is all the recommendation knows. */
  public RecommendationInput(Resource resource, UsageSeries history, Limit current, PatternAnalysis pattern,
                             int recentViolations, int recentTerminations) {
    this(resource, history, current, pattern, recentViolations, recentTerminations, null);
  }

  public RecommendationInput {
    Objects.requireNonNull(resource, "resource");
    Objects.requireNonNull(history, "history");
    Objects.requireNonNull(current, "current");
    Objects.requireNonNull(pattern, "pattern");
    if (recentViolations < 0 || recentTerminations < 0) {
      throw new IllegalArgumentException("violation and termination counts must be >= 0");
    }
  }
}
