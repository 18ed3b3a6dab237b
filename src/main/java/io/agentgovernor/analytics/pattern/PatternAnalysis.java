package io.agentgovernor.analytics.pattern;

import io.vertx.core.json.JsonObject;

/**
 * The pattern of one resource's use over a window.
 *
 * @param confidence in [0, 1]: how sure the class is, lower on short or noisy history
 * @param analyzedAtMs the clock's time when the analysis ran (the end of the window)
 */
public record PatternAnalysis(String resource, UsagePattern pattern, double confidence, UsageStatistics statistics,
                              long analyzedAtMs) {

  public PatternAnalysis {
    if (!(confidence >= 0 && confidence <= 1)) {
      throw new IllegalArgumentException("confidence must be in [0, 1], got " + confidence);
    }
  }

  public JsonObject toJson() {
    return new JsonObject().put("resource", resource).put("pattern", pattern.wireName())
        .put("confidence", confidence).put("statistics", statistics.toJson()).put("analyzedAt", analyzedAtMs);
  }
}
