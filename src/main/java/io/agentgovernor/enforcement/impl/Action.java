package io.agentgovernor.enforcement.impl;

import io.agentgovernor.bus.Json;
import io.agentgovernor.enforcement.policy.Decision;
import io.agentgovernor.quota.ActionType;
import io.vertx.core.json.JsonObject;

/**
 * One thing to carry out (or only record) on an agent: a ladder decision turned into something
 * the applier runs, or an operator's action. {@code breachNanos} is when the sample that caused
 * it was taken ({@code System.nanoTime()}), for the breach-to-action latency; 0 for operators.
 */
record Action(long sequence, String agentId, String resource, Decision.Kind kind, String violation, double current,
              double limit, ActionType action, int step, String reason, boolean dryRun, JsonObject params,
              long breachNanos) {

  static Action of(Decision d, JsonObject params, long breachNanos) {
    return new Action(d.sequence(), d.agentId(), d.resource().name(), d.kind(),
        d.violation() == null ? null : d.violation().wireName(), d.current(), d.limit(), d.action(), d.stepIndex(),
        d.reason(), d.dryRun(), params, breachNanos);
  }

  /** The Enforcement event of DESIGN.md for this action with its real outcome. */
  JsonObject event(String outcome, String error, long now, String node, double durationMs) {
    JsonObject json = new JsonObject()
        .put("type", "enforcement")
        .put("agentId", agentId)
        .put("node", node)
        .put("resource", resource)
        .put("violation", violation)
        .put("current", Json.num(current))
        .put("limit", Json.num(limit))
        .put("action", action == null ? null : action.wireName())
        .put("kind", kind.wireName())
        .put("step", step)
        .put("outcome", outcome)
        .put("reason", reason)
        .put("sequence", sequence)
        .put("durationMs", durationMs)
        .put("time", now);
    if (error != null) {
      json.put("error", error);
    }
    if (params != null && !params.isEmpty()) {
      json.put("params", params);
    }
    return json;
  }
}
