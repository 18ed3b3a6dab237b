package io.agentgovernor.analytics.impl;

import io.agentgovernor.bus.Json;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.Arrays;

/**
 * The figures of a report, computed from plain data so they are tested without a node: usage
 * statistics from the monitor's points, violation episodes and actions counted within a range.
 */
final class ReportStats {

  private ReportStats() {
  }

  /**
   * {@code {"count", "mean", "p95", "max", "min"}} of the monitor's points of one resource
   * ({@code [{"time", "value", "max"?}]}: raw samples, or rollups with their mean as value and their
   * peak as max). Mean, p95 and min are over the values; max also over the rollups' peaks, so a
   * spike inside a rollup still shows. Null when there are no points.
   */
  static JsonObject usage(JsonArray points) {
    int n = points.size();
    if (n == 0) {
      return null;
    }
    double[] values = new double[n];
    double sum = 0;
    double max = Double.NEGATIVE_INFINITY;
    for (int i = 0; i < n; i++) {
      JsonObject p = points.getJsonObject(i);
      values[i] = p.getDouble("value");
      sum += values[i];
      max = Math.max(max, p.getDouble("max", values[i]));
    }
    Arrays.sort(values);
    return new JsonObject().put("count", n).put("mean", round(sum / n)).put("p95", round(percentile(values, 0.95)))
        .put("max", round(max)).put("min", round(values[0]));
  }

  /** {@code {"total", "byResource": {resource: n}}} of the episodes that started within [from, to]. */
  static JsonObject violations(JsonArray episodes, long from, long to) {
    return count(episodes, "start", "resource", "byResource", from, to);
  }

  /**
   * {@code {"total", "failures", "byAction": {action: n}}} of the enforcement events (history
   * items) within [from, to]; failures are actions whose real outcome was a failure.
   */
  static JsonObject actions(JsonArray events, long from, long to) {
    long failures = events.stream().map(JsonObject.class::cast).filter(e -> within(e, "time", from, to))
        .filter(e -> "failure".equals(e.getString("outcome"))).count();
    return count(events, "time", "action", "byAction", from, to).put("failures", failures);
  }

  private static JsonObject count(JsonArray items, String timeField, String keyField, String byName, long from,
                                  long to) {
    JsonObject by = new JsonObject();
    long total = 0;
    for (Object o : items) {
      JsonObject item = (JsonObject) o;
      if (within(item, timeField, from, to) && item.getString(keyField) != null) {
        total++;
        by.put(item.getString(keyField), by.getLong(item.getString(keyField), 0L) + 1);
      }
    }
    return new JsonObject().put("total", total).put(byName, by);
  }

  private static boolean within(JsonObject item, String field, long from, long to) {
    Long time = item.getLong(field);
    return time != null && time >= from && time <= to;
  }

  static double percentile(double[] sorted, double q) {
    double pos = q * (sorted.length - 1);
    int lo = (int) pos;
    int hi = Math.min(lo + 1, sorted.length - 1);
    return sorted[lo] + (pos - lo) * (sorted[hi] - sorted[lo]);
  }

  private static Number round(double v) {
    return Json.num(Math.round(v * 1000) / 1000.0);
  }
}
