package io.agentgovernor.enforcement.policy;

import io.vertx.core.json.JsonObject;
import java.util.Locale;

/**
 * One output of the {@link ThrottleController}: the factor to put on the agent's message and timer
 * rate for the next interval.
 *
 * @param factor in (0, 1]; 1 means full rate
 * @param throttleTimeMs the same correction expressed as Kafka's client-quota delay,
 *     {@code (observed - target) / target × window}, clamped to [0, max]; for appliers that delay
 *     instead of scaling a rate
 * @param state {@code THROTTLING} or {@code LIFTED} (the throttle can be removed)
 */
public record ThrottleStep(double factor, double observed, double target, long throttleTimeMs, State state) {

  /** Whether the throttle is still in force. */
  public enum State {
    THROTTLING,
    LIFTED;

    public String wireName() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  public JsonObject toJson() {
    return new JsonObject().put("factor", factor).put("observed", observed).put("target", target)
        .put("throttleTimeMs", throttleTimeMs).put("state", state.wireName());
  }
}
