package io.agentgovernor.analytics.recommend;

import io.agentgovernor.quota.Limit;
import io.vertx.core.json.JsonObject;

/**
 * A suggested change to one resource's limit.
 *
 * @param id stable for the same resource, type and suggestion, so re-running the analysis on
 *     unchanged data yields the same id (applying is idempotent)
 * @param suggested the new limit; for {@link RecommendationType#OPTIMIZE_CODE} the most the
 *     governor would grant
 * @param confidence in [0, 1]
 */
public record Recommendation(String id, String resource, RecommendationType type, Limit current, Limit suggested,
                             String rationale, Evidence evidence, double confidence, long createdAtMs) {

  public Recommendation {
    if (!(confidence >= 0 && confidence <= 1)) {
      throw new IllegalArgumentException("confidence must be in [0, 1], got " + confidence);
    }
  }

  public JsonObject toJson() {
    return new JsonObject().put("id", id).put("resource", resource).put("type", type.wireName())
        .put("current", current.toJson()).put("suggested", suggested.toJson()).put("rationale", rationale)
        .put("evidence", evidence.toJson()).put("confidence", confidence).put("createdAt", createdAtMs);
  }
}
