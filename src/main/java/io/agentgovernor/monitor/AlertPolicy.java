package io.agentgovernor.monitor;

import io.agentgovernor.bus.GovernorException;
import io.agentgovernor.bus.Json;
import io.agentgovernor.quota.Limit;
import io.vertx.core.json.JsonObject;
import java.util.HashMap;
import java.util.Map;

/**
 * Alert thresholds as fractions of an agent's hard limit ({@code warning}, default 0.8;
 * {@code critical}, default 1.0), overridable per resource, with at most one alert per agent,
 * resource and level per {@code intervalMs} (default 60 s). Pure: time is passed in.
 */
public final class AlertPolicy {

  /** An alert level. */
  public enum Level { WARNING, CRITICAL }

  private final double warning;
  private final double critical;
  private final Map<String, double[]> perResource;
  private final long intervalMs;
  private final Map<String, Long> lastAlert = new HashMap<>();

  AlertPolicy(double warning, double critical, Map<String, double[]> perResource, long intervalMs) {
    check(warning, critical, "alerts");
    this.warning = warning;
    this.critical = critical;
    this.perResource = Map.copyOf(perResource);
    this.intervalMs = intervalMs;
  }

  public static AlertPolicy fromJson(JsonObject json) {
    JsonObject alerts = json == null ? new JsonObject() : json;
    double warning = orDefault(Json.optNumber(alerts, "warning", "monitor.alerts"), 0.8);
    double critical = orDefault(Json.optNumber(alerts, "critical", "monitor.alerts"), 1.0);
    Long interval = Json.optLong(alerts, "intervalMs", "monitor.alerts", 0, 86_400_000);
    Map<String, double[]> per = new HashMap<>();
    JsonObject resources = Json.optObject(alerts, "resources", "monitor.alerts");
    if (resources != null) {
      for (String r : resources.fieldNames()) {
        JsonObject levels = Json.optObject(resources, r, "monitor.alerts.resources");
        double w = orDefault(Json.optNumber(levels, "warning", "monitor.alerts.resources." + r), warning);
        double c = orDefault(Json.optNumber(levels, "critical", "monitor.alerts.resources." + r), critical);
        check(w, c, "monitor.alerts.resources." + r);
        per.put(r, new double[] {w, c});
      }
    }
    return new AlertPolicy(warning, critical, per, interval == null ? 60_000 : interval);
  }

  /** The level reached by {@code current} against the limit, if an alert for it is due now; else null. */
  public Level check(String agentId, String resource, double current, Limit limit, long now) {
    Level level = level(resource, current, limit);
    if (level == null) {
      return null;
    }
    String key = agentId + '\u0000' + resource + '\u0000' + level;
    Long last = lastAlert.get(key);
    if (last != null && now - last < intervalMs) {
      return null;
    }
    lastAlert.put(key, now);
    return level;
  }

  /** The level reached by {@code current} against the limit, or null (none, or no hard limit above 0); no spacing. */
  public Level level(String resource, double current, Limit limit) {
    double[] levels = perResource.get(resource);
    double w = levels == null ? warning : levels[0];
    double c = levels == null ? critical : levels[1];
    Level level = current >= c * limit.hard() ? Level.CRITICAL : current >= w * limit.hard() ? Level.WARNING : null;
    return level == null || limit.hard() <= 0 ? null : level;
  }

  /** Below this amount no level is reached ({@link #level} is null): warning × hard, or +∞ without a hard limit above 0. */
  public double firstLevelAt(String resource, Limit limit) {
    double[] levels = perResource.get(resource);
    return limit.hard() <= 0 ? Double.POSITIVE_INFINITY : (levels == null ? warning : levels[0]) * limit.hard();
  }

  /** At most one alert per agent, resource and level this often. */
  public long intervalMs() {
    return intervalMs;
  }

  /** Forgets an agent (undeployed). */
  public void forget(String agentId) {
    if (lastAlert.isEmpty()) {
      return;
    }
    lastAlert.keySet().removeIf(k -> k.startsWith(agentId + '\u0000'));
  }

  private static void check(double warning, double critical, String path) {
    if (!(warning > 0 && warning <= critical && critical <= 10)) {
      throw GovernorException.invalid(path + ": need 0 < warning <= critical <= 10, got " + warning + " and " + critical);
    }
  }

  private static double orDefault(Double v, double d) {
    return v == null ? d : v;
  }
}
