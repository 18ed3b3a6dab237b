package io.agentgovernor.analytics.pattern;

import io.vertx.core.json.JsonObject;

/**
 * Statistics of one window of samples, all in the resource's unit unless said otherwise.
 *
 * @param cv coefficient of variation, {@code stdDev / |mean|} (0 when the mean is 0)
 * @param trendPerHour slope of the least-squares line, relative to the mean, per hour
 *     (0.1 = rising by 10 % of the mean every hour)
 * @param trendR2 share of the variance the line explains, in [0, 1]
 * @param kurtosis 4th standardized moment (3 for a normal series; high for rare large bursts)
 * @param periodMs detected period, 0 when none was found
 * @param periodAutocorrelation autocorrelation of the detrended series at that period (0 when none)
 * @param spanMs time from the first to the last sample
 */
public record UsageStatistics(int count, double mean, double variance, double stdDev, double cv, double min,
                              double peak, double p95, double trendPerHour, double trendR2, double kurtosis,
                              long periodMs, double periodAutocorrelation, long spanMs) {

  /** The statistics of an empty window. */
  public static UsageStatistics empty() {
    return new UsageStatistics(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0);
  }

  public JsonObject toJson() {
    return new JsonObject().put("count", count).put("mean", mean).put("variance", variance)
        .put("stdDev", stdDev).put("cv", cv).put("min", min).put("peak", peak).put("p95", p95)
        .put("trendPerHour", trendPerHour).put("trendR2", trendR2).put("kurtosis", kurtosis)
        .put("periodMs", periodMs).put("periodAutocorrelation", periodAutocorrelation).put("spanMs", spanMs);
  }
}
