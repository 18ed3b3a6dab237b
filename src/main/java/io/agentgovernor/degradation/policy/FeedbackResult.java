package io.agentgovernor.degradation.policy;

import io.vertx.core.json.JsonObject;
import java.util.Locale;

/**
 * The verdict of {@link DegradationFeedback} on one plan.
 *
 * @param nextLevel the level to plan next: deeper for {@code DEEPEN}, the plan's own otherwise
 * @param reduction the share by which usage fell from the plan's baseline (negative if it grew)
 */
public record FeedbackResult(Verdict verdict, PressureLevel nextLevel, double reduction, String reason) {

  /** What to do next. */
  public enum Verdict {
    /** The timeline has not run out and the agent has not refused: keep waiting. */
    WAIT,
    /** Usage fell by the target: keep the plan. */
    EFFECTIVE,
    /** Not enough effect: plan one level deeper. */
    DEEPEN,
    /** The agent does not cooperate: its escalation ladder takes over. */
    HAND_TO_ENFORCEMENT;

    public String wireName() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  public JsonObject toJson() {
    return new JsonObject().put("verdict", verdict.wireName()).put("nextLevel", nextLevel.wireName())
        .put("reduction", reduction).put("reason", reason);
  }
}
