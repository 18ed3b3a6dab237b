package io.agentgovernor.degradation;

import io.agentgovernor.bus.GovernorException;
import io.agentgovernor.bus.Json;
import io.agentgovernor.degradation.policy.DegradationConfig;
import io.agentgovernor.degradation.policy.PressureConfig;
import io.agentgovernor.degradation.policy.PressureLevel;
import io.agentgovernor.degradation.policy.PressureThresholds;
import io.agentgovernor.degradation.policy.RecoveryConfig;
import io.agentgovernor.degradation.policy.StrategyTable;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Set;
import java.util.function.BiConsumer;

/**
 * The {@code degradation:} section of the node configuration, typed and validated. Read once at
 * node start ({@code GovernorNode.validate}) so a bad value stops the node before it joins a cluster, and
 * again by the verticle. Every field is optional; what is absent keeps the policy's default.
 *
 * <pre>
 * degradation:
 *   enabled: true                                                       # false: status queries only
 *   pressure:   {thresholds: {minimal: 0.9, ...}, margin: 0.05, downHoldMs: 30000}   # per agent and resource
 *   plans:      {targetReduction: {level: f}, timelineMs: {level: ms}, intensity: {level: f}}
 *   strategies: {resource: [{strategy, from}]}         # replaces that resource's row of the table
 *   recovery:   {usageFraction: 0.8, violationHoldMs: 60000, stageIntervalMs: 30000}
 *   handOver:   {action: throttle|suspend, factor: 0.5}  # what enforcement does to an uncooperative agent
 *   node:       {enabled, eventLoopProbeMs, thresholds, margin, downHoldMs, eventLoopBudgetMs, dimensions, maxShare}
 *   historyPerAgent: 100
 * </pre>
 * Refused, with the path at fault: unknown fields, levels or strategies; fractions outside their
 * range (recovery's outside [0, 1]); negative delays; thresholds that do not increase.
 */
public record DegradationSettings(boolean enabled, PressureConfig agentPressure, DegradationConfig plans, RecoveryConfig recovery,
                                  String handOverAction, double handOverFactor, NodeSettings node,
                                  int historyPerAgent) {

  private static final Set<String> FIELDS = Set.of("enabled", "pressure", "plans", "strategies", "recovery", "handOver", "node",
      "historyPerAgent");
  private static final Set<String> NODE_DIMENSIONS = Set.of("heap", "cpu", "event_loop");

  /**
   * Node pressure settings, evaluated with every sample batch (the event loop probed every {@code eventLoopProbeMs}); levels from {@code pressure};
   * {@code dimensions} are those of heap, cpu and event_loop that count; at most {@code maxShare}
   * of the undegraded agents are picked per shedding round.
   */
  public record NodeSettings(boolean enabled, long eventLoopProbeMs, PressureConfig pressure, long eventLoopBudgetMs,
                             Set<String> dimensions, double maxShare) {
  }

  public static DegradationSettings ofDefaults() {
    return fromJson(new JsonObject());
  }

  /** Reads and validates the section; throws {@link GovernorException} naming the path at fault. */
  public static DegradationSettings fromJson(JsonObject json) {
    known(json, FIELDS, "degradation");
    PressureConfig agent = pressure(Json.optObject(json, "pressure", "degradation"), "degradation.pressure",
        PressureThresholds.ofDefaults(), 30_000);
    DegradationConfig plans = plans(Json.optObject(json, "plans", "degradation"),
        Json.optObject(json, "strategies", "degradation"));
    RecoveryConfig recovery;
    try {
      recovery = RecoveryConfig.fromJson(orEmpty(Json.optObject(json, "recovery", "degradation")));
    } catch (GovernorException e) {
      throw GovernorException.invalid("degradation." + e.getMessage());
    }
    JsonObject handOver = orEmpty(Json.optObject(json, "handOver", "degradation"));
    known(handOver, Set.of("action", "factor"), "degradation.handOver");
    String action = orDefault(Json.optString(handOver, "action", "degradation.handOver"), "throttle");
    if (!action.equals("throttle") && !action.equals("suspend")) {
      throw GovernorException.invalid("degradation.handOver.action must be throttle or suspend, got '" + action + "'");
    }
    double factor = fraction(handOver, "factor", "degradation.handOver", 0.5, false);
    Long history = Json.optLong(json, "historyPerAgent", "degradation", 1, 10_000);
    return new DegradationSettings(!Boolean.FALSE.equals(Json.optBoolean(json, "enabled", "degradation")), agent, plans, recovery, action, factor,
        node(orEmpty(Json.optObject(json, "node", "degradation"))), history == null ? 100 : history.intValue());
  }

  private static NodeSettings node(JsonObject json) {
    String path = "degradation.node";
    known(json, Set.of("enabled", "eventLoopProbeMs", "thresholds", "margin", "downHoldMs", "eventLoopBudgetMs",
        "dimensions", "maxShare"), path);
    JsonObject p = new JsonObject();
    for (String f : List.of("thresholds", "margin", "downHoldMs")) {
      if (json.containsKey(f)) {
        p.put(f, json.getValue(f));
      }
    }
    PressureConfig pressure = pressure(p, path, new PressureThresholds(0.8, 0.85, 0.9, 0.95), 30_000);
    Long interval = Json.optLong(json, "eventLoopProbeMs", path, 10, 60_000);
    Long budget = Json.optLong(json, "eventLoopBudgetMs", path, 1, 60_000);
    var dims = Json.optArray(json, "dimensions", path);
    Set<String> dimensions = dims == null ? Set.of("heap") : Set.copyOf(dims.stream().map(Object::toString).toList());
    if (!NODE_DIMENSIONS.containsAll(dimensions)) {
      throw GovernorException.invalid(path + ".dimensions: expected some of " + NODE_DIMENSIONS.stream().sorted().toList()
          + ", got " + dims);
    }
    double maxShare = fraction(json, "maxShare", path, 0.5, true);
    return new NodeSettings(!Boolean.FALSE.equals(Json.optBoolean(json, "enabled", path)),
        interval == null ? 100 : interval, pressure, budget == null ? 200 : budget, dimensions, maxShare);
  }

  private static PressureConfig pressure(JsonObject json, String path, PressureThresholds dflt, long dfltHold) {
    JsonObject p = orEmpty(json);
    known(p, Set.of("thresholds", "margin", "downHoldMs"), path);
    try {
      JsonObject t = orEmpty(Json.optObject(p, "thresholds", path));
      PressureThresholds merged = PressureThresholds.fromJson(dflt.toJson().mergeIn(t));
      Double margin = Json.optNumber(p, "margin", path);
      Long hold = Json.optNumber(p, "downHoldMs", path) == null ? null : Json.optNumber(p, "downHoldMs", path).longValue();
      return PressureConfig.custom().thresholds(merged).margin(margin == null ? 0.05 : margin)
          .downHoldMs(hold == null ? dfltHold : hold).build();
    } catch (GovernorException e) {
      throw GovernorException.invalid(path + ": " + e.getMessage());
    }
  }

  private static DegradationConfig plans(JsonObject json, JsonObject strategies) {
    String path = "degradation.plans";
    JsonObject p = orEmpty(json);
    known(p, Set.of("targetReduction", "timelineMs", "intensity"), path);
    DegradationConfig.Builder b = DegradationConfig.custom();
    try {
      if (strategies != null) {
        b.table(StrategyTable.fromJson(strategies));
      }
      perLevel(p, "targetReduction", path, (l, v) -> b.targetReduction(l, v));
      perLevel(p, "timelineMs", path, (l, v) -> b.timelineMs(l, v.longValue()));
      perLevel(p, "intensity", path, (l, v) -> b.intensity(l, v));
      return b.build();
    } catch (GovernorException e) {
      throw GovernorException.invalid(e.getMessage().startsWith("strategies.") ? "degradation." + e.getMessage()
          : path + ": " + e.getMessage());
    }
  }

  private static void perLevel(JsonObject json, String field, String path, BiConsumer<PressureLevel, Double> put) {
    JsonObject levels = orEmpty(Json.optObject(json, field, path));
    for (String name : levels.fieldNames()) {
      PressureLevel level = PressureLevel.parse(name);
      if (level == PressureLevel.NONE) {
        throw GovernorException.invalid(field + ": level 'none' takes no value");
      }
      put.accept(level, Json.number(levels, name, field));
    }
  }

  private static double fraction(JsonObject json, String field, String path, double dflt, boolean open) {
    Double v = Json.optNumber(json, field, path);
    if (v == null) {
      return dflt;
    }
    if (!(v > 0 && (open ? v < 1 : v <= 1))) {
      throw GovernorException.invalid(path + "." + field + " must be in (0, 1" + (open ? ")" : "]") + ", got " + v);
    }
    return v;
  }

  private static void known(JsonObject json, Set<String> fields, String path) {
    for (String f : json.fieldNames()) {
      if (!fields.contains(f)) {
        throw GovernorException.invalid(path + ": unknown field '" + f + "': expected one of "
            + fields.stream().sorted().toList());
      }
    }
  }

  private static JsonObject orEmpty(JsonObject json) {
    return json == null ? new JsonObject() : json;
  }

  private static String orDefault(String s, String dflt) {
    return s == null ? dflt : s;
  }
}
