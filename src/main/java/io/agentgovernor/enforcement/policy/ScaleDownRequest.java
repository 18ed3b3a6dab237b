package io.agentgovernor.enforcement.policy;

import io.agentgovernor.bus.GovernorException;
import io.agentgovernor.bus.Ids;
import io.agentgovernor.quota.Resource;
import io.vertx.core.json.JsonObject;
import java.util.Locale;
import java.util.Objects;

/**
 * The {@code scale_down} action: the agent is asked to bring its usage to
 * {@code targetFraction × limit} (80 % by default) by {@code deadlineMs}. It decides how; the
 * governor only checks. {@link #evaluate} says whether the request is met, still pending, or
 * missed, in which case the applier asks {@link EscalationPolicy#escalateNext} for the next step.
 *
 * @param limit the hard limit the request is relative to
 */
public record ScaleDownRequest(String agentId, Resource resource, double limit, double targetFraction,
                               long issuedAtMs, long deadlineMs) {

  public static final double DEFAULT_TARGET_FRACTION = 0.8;

  /** The state of a request at one moment. */
  public enum Outcome {
    /** Usage is at or under the target. */
    MET,
    /** Not met yet, the deadline is still ahead. */
    PENDING,
    /** Not met by the deadline: the next ladder step runs. */
    MISSED;

    public boolean escalates() {
      return this == MISSED;
    }

    public String wireName() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  public ScaleDownRequest {
    Ids.require(agentId, "agentId");
    Objects.requireNonNull(resource, "resource");
    if (!Double.isFinite(limit) || limit < 0) {
      throw GovernorException.invalid("scale_down: limit must be finite and >= 0, got " + limit);
    }
    if (!(targetFraction > 0 && targetFraction <= 1)) {
      throw GovernorException.invalid("scale_down: targetFraction must be in (0, 1], got " + targetFraction);
    }
    if (deadlineMs < issuedAtMs) {
      throw GovernorException.invalid("scale_down: the deadline must not be before the request");
    }
  }

  /** A request for 80 % of {@code limit}, due {@code withinMs} after {@code nowMs}. */
  public static ScaleDownRequest of(String agentId, Resource resource, double limit, long nowMs, long withinMs) {
    if (withinMs < 0) {
      throw GovernorException.invalid("scale_down: the delay must be >= 0, got " + withinMs);
    }
    return new ScaleDownRequest(agentId, resource, limit, DEFAULT_TARGET_FRACTION, nowMs, nowMs + withinMs);
  }

  public double target() {
    return targetFraction * limit;
  }

  /** Met as soon as usage is at or under the target, even at the deadline; missed only after it. */
  public Outcome evaluate(long nowMs, double usage) {
    if (usage <= target()) {
      return Outcome.MET;
    }
    return nowMs < deadlineMs ? Outcome.PENDING : Outcome.MISSED;
  }

  public JsonObject toJson() {
    return new JsonObject().put("agentId", agentId).put("resource", resource.name()).put("limit", limit)
        .put("target", target()).put("issuedAtMs", issuedAtMs).put("deadlineMs", deadlineMs);
  }
}
