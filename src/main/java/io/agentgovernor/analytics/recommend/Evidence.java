package io.agentgovernor.analytics.recommend;

import io.agentgovernor.analytics.pattern.UsagePattern;
import io.agentgovernor.analytics.pattern.UsageStatistics;
import io.vertx.core.json.JsonObject;

/**
 * What a recommendation is based on.
 *
 * @param needed the limit the history calls for (before any guard), in the resource's unit
 * @param basis how {@code needed} was derived, e.g. {@code "cycle peak + 15 %"}
 */
public record Evidence(UsageStatistics statistics, UsagePattern pattern, double patternConfidence,
                       int recentViolations, int recentTerminations, double needed, String basis) {

  public JsonObject toJson() {
    return new JsonObject().put("statistics", statistics.toJson()).put("pattern", pattern.wireName())
        .put("patternConfidence", patternConfidence).put("recentViolations", recentViolations)
        .put("recentTerminations", recentTerminations).put("needed", needed).put("basis", basis);
  }
}
