package io.agentgovernor.analytics.replay;

import io.vertx.core.json.JsonObject;

/**
 * The spec's metrics (section D) for one recommender and one resource over all entities.
 *
 * @param entityDays qualifying entity-days (UTC days with at least 80 % of their samples scored)
 * @param slackMedian median of relative slack per entity-day, {@code (mean L - P95 u) / mean L}
 * @param slackP10 10th percentile of that distribution (a point of its CDF), likewise p25, p75, p90
 * @param slackTime time-weighted relative slack {@code sum dt (L-u)/L / sum dt}
 * @param absoluteSlack {@code sum dt (L - u)} in unit-hours (core-hours, GiB-hours)
 * @param overFraction fraction of scored time with usage above the limit
 * @param severity mean {@code (u - L) / L} over the samples above the limit (0 when none)
 * @param runsPerDay maximal runs of samples above the limit, per scored entity-day
 * @param entitiesWithoutRuns fraction of entities with no run over the limit
 * @param changesPerDay limit changes of any size per scored entity-day
 * @param changes10PerDay limit changes above 10 % per scored entity-day
 * @param appliedChanges10PerDay for VPA, changes above 10 % its updater would apply; NaN otherwise
 */
public record ReplayMetrics(String recommender, ReplayResource resource, int entities, int entityDays,
                            double slackMedian, double slackMean, double slackP10, double slackP25,
                            double slackP75, double slackP90, double slackTime, double absoluteSlack,
                            double overFraction, double severity, double runsPerDay, double entitiesWithoutRuns,
                            double changesPerDay, double changes10PerDay, double appliedChanges10PerDay) {

  public JsonObject toJson() {
    return new JsonObject().put("recommender", recommender).put("resource", resource.wireName())
        .put("entities", entities).put("entityDays", entityDays)
        .put("relativeSlack", new JsonObject().put("median", slackMedian).put("mean", slackMean)
            .put("p10", slackP10).put("p25", slackP25).put("p75", slackP75).put("p90", slackP90))
        .put("timeWeightedSlack", slackTime).put("absoluteSlackUnitHours", absoluteSlack)
        .put("overLimitFraction", overFraction).put("meanOverrun", severity)
        .put("overLimitRunsPerEntityDay", runsPerDay).put("entitiesWithoutRuns", entitiesWithoutRuns)
        .put("changesPerEntityDay", changesPerDay).put("changesAbove10PctPerEntityDay", changes10PerDay)
        .put("appliedChangesAbove10PctPerEntityDay", Double.isNaN(appliedChanges10PerDay) ? null : appliedChanges10PerDay);
  }
}
