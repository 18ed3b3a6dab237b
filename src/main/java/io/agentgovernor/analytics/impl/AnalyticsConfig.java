package io.agentgovernor.analytics.impl;

import io.agentgovernor.analytics.recommend.RecommendationConfig;
import io.agentgovernor.analytics.recommend.RecommendationType;
import io.agentgovernor.bus.GovernorException;
import io.agentgovernor.bus.Ids;
import io.agentgovernor.bus.Json;
import io.agentgovernor.quota.Resource;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * The {@code analytics} section of the node configuration.
 *
 * @param intervalMs how often the node analyses its agents (default 5 min)
 * @param resolutionMs the width of a history slot; the window is {@value SlotRing#SLOTS} slots
 *     (default 5 s, so 1 h)
 * @param retentionMs how long an agent's stored results outlive its last analysis (default 24 h),
 *     so reports still cover agents that are gone
 * @param autoApply group name → how recommendations are applied automatically in that group
 * @param recommendations the recommender's settings; from the section, the violation budget per
 *     resource ({@code violationBudget: {cpu: 0.05, memory: 0.005}}, see
 *     {@link io.agentgovernor.analytics.recommend.NeedModel#violationBudget()}); the rest are defaults
 */
public record AnalyticsConfig(long intervalMs, long resolutionMs, long retentionMs, Map<String, AutoApply> autoApply,
                              RecommendationConfig recommendations) {

  /**
   * Auto-apply in one group.
   *
   * @param maxChangeFraction the largest relative change of soft, hard and burst in one step
   *     ({@link io.agentgovernor.analytics.recommend.StepGuard}); default 0.2
   * @param minConfidence recommendations less confident than this wait for an operator; default 0.5
   * @param types the types applied automatically; default increase_quota, decrease_quota and
   *     raise_burst. change_group and optimize_code ask for a person's judgement and are never
   *     applied automatically.
   */
  public record AutoApply(double maxChangeFraction, double minConfidence, Set<RecommendationType> types) {
    static final Set<RecommendationType> AUTOMATIC = EnumSet.of(RecommendationType.INCREASE_QUOTA,
        RecommendationType.DECREASE_QUOTA, RecommendationType.RAISE_BURST);
  }

  public static AnalyticsConfig fromJson(JsonObject json) {
    Long interval = Json.optLong(json, "intervalMs", "analytics", 1_000, 86_400_000);
    Long resolution = Json.optLong(json, "resolutionMs", "analytics", 100, 300_000);
    Long retention = Json.optLong(json, "retentionMs", "analytics", 60_000, 30L * 86_400_000);
    JsonObject auto = Json.optObject(json, "autoApply", "analytics");
    Map<String, AutoApply> groups = new HashMap<>();
    if (auto != null) {
      for (String group : auto.fieldNames()) {
        Ids.require(group, "analytics.autoApply group");
        Object value = auto.getValue(group);
        if (Boolean.FALSE.equals(value)) {
          continue;
        }
        groups.put(group, autoApply(value instanceof JsonObject o ? o : new JsonObject(), "analytics.autoApply." + group,
            value));
      }
    }
    return new AnalyticsConfig(interval == null ? 300_000 : interval, resolution == null ? 5_000 : resolution,
        retention == null ? 86_400_000 : retention, Map.copyOf(groups), recommendations(json));
  }

  /**
   * {@code violationBudget: {resource: budget}}: a resource name (built-in or custom) to a
   * number in (0, 0.5]; resources not named keep their default.
   */
  private static RecommendationConfig recommendations(JsonObject json) {
    RecommendationConfig.Builder builder = RecommendationConfig.custom();
    JsonObject budgets = Json.optObject(json, "violationBudget", "analytics");
    if (budgets != null) {
      for (String name : budgets.fieldNames()) {
        String path = "analytics.violationBudget." + name;
        Resource resource = Resource.resolve(Ids.require(name, "analytics.violationBudget resource"), true);
        Double budget = Json.optNumber(budgets, name, "analytics.violationBudget");
        if (budget == null || !(budget > 0 && budget <= 0.5)) {
          throw GovernorException.invalid(path + " must be a number in (0, 0.5] (the share of the load allowed above"
              + " the limit's base; smaller = fewer violations, more slack), got " + budgets.getValue(name));
        }
        builder.violationBudget(resource, budget);
      }
    }
    return builder.build();
  }

  private static AutoApply autoApply(JsonObject json, String path, Object raw) {
    if (!(raw instanceof JsonObject) && !Boolean.TRUE.equals(raw)) {
      throw GovernorException.invalid(path + " must be true, false or an object");
    }
    Double max = Json.optNumber(json, "maxChangeFraction", path);
    Double min = Json.optNumber(json, "minConfidence", path);
    if (max != null && !(max > 0 && max <= 10)) {
      throw GovernorException.invalid(path + ".maxChangeFraction must be in (0, 10]");
    }
    if (min != null && !(min >= 0 && min <= 1)) {
      throw GovernorException.invalid(path + ".minConfidence must be in [0, 1]");
    }
    Set<RecommendationType> types = EnumSet.copyOf(AutoApply.AUTOMATIC);
    JsonArray names = Json.optArray(json, "types", path);
    if (names != null) {
      types.clear();
      for (Object name : names) {
        RecommendationType type = AutoApply.AUTOMATIC.stream().filter(t -> t.wireName().equals(name)).findFirst()
            .orElseThrow(() -> GovernorException.invalid(path + ".types: '" + name
                + "' is not one of increase_quota, decrease_quota, raise_burst"));
        types.add(type);
      }
    }
    return new AutoApply(max == null ? 0.2 : max, min == null ? 0.5 : min, types);
  }

  /** The history window the analysis looks at. */
  public long windowMs() {
    return SlotRing.SLOTS * resolutionMs;
  }
}
