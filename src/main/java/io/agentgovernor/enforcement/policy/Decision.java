package io.agentgovernor.enforcement.policy;

import io.agentgovernor.quota.ActionType;
import io.agentgovernor.quota.Resource;
import io.agentgovernor.quota.ViolationKind;
import io.vertx.core.json.JsonObject;
import java.util.Locale;

/**
 * What the {@link EscalationPolicy} asks the enforcement side to do (or to record) for one agent
 * and resource. Computing a decision is separate from applying it: the applier carries out
 * {@code APPLY} and {@code LIFT}, records {@code TOLERATE} and {@code CANCEL}, and applies nothing
 * when {@code dryRun} is set.
 *
 * @param sequence the agent's {@link DecisionSequence} number; a lower one than already applied is superseded
 * @param violation the kind measured; null for {@code CANCEL} and {@code LIFT} (usage is back under)
 * @param limit the amount crossed (soft, hard or burst); the hard limit for cancels and lifts
 * @param action the action to apply, cancel or lift; null for {@code TOLERATE}
 * @param stepIndex the ladder step; -1 for a soft warning, a tolerance or a lift
 */
public record Decision(long sequence, String agentId, Resource resource, Kind kind, ViolationKind violation,
                       double current, double limit, ActionType action, int stepIndex, String reason,
                       boolean dryRun, long atMs) {

  /** What the decision asks for. */
  public enum Kind {
    /** Carry out {@code action}. */
    APPLY,
    /** Above hard within the burst allowance: record only. */
    TOLERATE,
    /** A pending ladder step that will not run, because usage fell back under the limit. */
    CANCEL,
    /** Undo an applied throttle ({@code THROTTLE}) or suspension ({@code SUSPEND}). */
    LIFT;

    public String wireName() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  public JsonObject toJson() {
    JsonObject json = new JsonObject()
        .put("sequence", sequence)
        .put("agentId", agentId)
        .put("resource", resource.name())
        .put("kind", kind.wireName())
        .put("current", current)
        .put("limit", limit)
        .put("stepIndex", stepIndex)
        .put("reason", reason)
        .put("dryRun", dryRun)
        .put("atMs", atMs);
    if (violation != null) {
      json.put("violation", violation.wireName());
    }
    if (action != null) {
      json.put("action", action.wireName());
    }
    return json;
  }
}
