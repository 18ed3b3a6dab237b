package io.agentgovernor.enforcement.impl;

import io.agentgovernor.bus.GovernorException;
import io.agentgovernor.bus.Json;
import io.agentgovernor.enforcement.policy.EscalationConfig;
import io.agentgovernor.enforcement.policy.ThrottleConfig;
import io.agentgovernor.quota.LadderStep;
import io.vertx.core.json.JsonObject;
import java.util.List;

/**
 * The {@code enforcement} section: grace and deadlines of the actions, and the policy settings.
 *
 * @param terminateGraceMs time between the termination notice and the undeploy (default 5 s)
 * @param scaleDownWithinMs time an agent gets to meet a scale-down request (default 30 s)
 * @param customTimeoutMs time a custom handler gets (default 5 s)
 */
public record EnforcementConfig(long terminateGraceMs, long scaleDownWithinMs, long customTimeoutMs,
                                EscalationConfig escalation, ThrottleConfig throttle) {

  public static EnforcementConfig fromJson(JsonObject json, List<LadderStep> defaultLadder) {
    JsonObject c = json == null ? new JsonObject() : json;
    long grace = orDefault(Json.optLong(c, "terminateGraceMs", "enforcement", 0, 3_600_000), 5_000);
    long scaleDown = orDefault(Json.optLong(c, "scaleDownWithinMs", "enforcement", 0, 86_400_000), 30_000);
    long custom = orDefault(Json.optLong(c, "customTimeoutMs", "enforcement", 1, 600_000), 5_000);
    long warnInterval = orDefault(Json.optLong(c, "warnIntervalMs", "enforcement", 0, 86_400_000),
        EscalationConfig.DEFAULT_WARN_INTERVAL_MS);
    JsonObject hysteresis = Json.optObject(c, "hysteresis", "enforcement");
    double fraction = 0.9;
    long holdMs = 10_000;
    if (hysteresis != null) {
      Double f = Json.optNumber(hysteresis, "fraction", "enforcement.hysteresis");
      Long h = Json.optLong(hysteresis, "holdMs", "enforcement.hysteresis", 0, 86_400_000);
      fraction = f == null ? fraction : f;
      holdMs = h == null ? holdMs : h;
      if (!(fraction > 0 && fraction <= 1)) {
        throw GovernorException.invalid("enforcement.hysteresis.fraction must be in (0, 1], got " + fraction);
      }
    }
    EscalationConfig escalation = EscalationConfig.custom().warnIntervalMs(warnInterval)
        .hysteresis(fraction, holdMs).defaultLadder(defaultLadder).build();
    double target = Json.optNumber(c, "throttleTarget", "enforcement") == null ? 0.9
        : Json.optNumber(c, "throttleTarget", "enforcement");
    if (!(target > 0.5 && target <= 1)) {
      throw GovernorException.invalid("enforcement.throttleTarget must be in (0.5, 1], got " + target);
    }
    // 0.9 of hard, not 0.95: a sample holds a whole number of the agent's timer ticks, so
    // throttled usage jitters by a tick (about 2 % of a core for a 50 ms tick); the margin keeps
    // the jitter under the limit.
    ThrottleConfig throttle = ThrottleConfig.custom().targetFraction(target).lift(Math.min(0.85, target), 3).build();
    return new EnforcementConfig(grace, scaleDown, custom, escalation, throttle);
  }

  private static long orDefault(Long v, long d) {
    return v == null ? d : v;
  }
}
