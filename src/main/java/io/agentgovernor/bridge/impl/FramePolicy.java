package io.agentgovernor.bridge.impl;

import io.agentgovernor.bus.ErrorCode;
import io.vertx.core.json.JsonObject;

/**
 * What a bridge connection may do with one frame, given the agent it is bound to ({@code null}
 * before a successful register). Before: only {@code ping} and a register. After: ping, reports,
 * reservations and their commits and releases for its own agent, and (un)subscribing its own agent's inbox and control addresses. Everything
 * else is refused with a code; the policy never looks past the frame and the binding.
 */
public final class FramePolicy {

  public static final String REGISTER = "governor.bridge.register";
  public static final String REPORT = "governor.bridge.report";
  /** Reserve against the agent's budgets: {@code {"id", "resource", "amount", "leaseMs"?, "wait"?, "waitMs"?}}. */
  public static final String RESERVE = "governor.bridge.reserve";
  /** Settle one of the agent's reservations with what was spent: {@code {"id", "reservation", "actual"}}. */
  public static final String COMMIT = "governor.bridge.commit";
  /** Give one of the agent's reservations back: {@code {"id", "reservation"}}. */
  public static final String RELEASE = "governor.bridge.release";

  /** The requests an agent makes for itself, each with its own id in the body. */
  private static final java.util.Map<String, Kind> OWN_REQUESTS = java.util.Map.of(REPORT, Kind.REPORT,
      RESERVE, Kind.RESERVE, COMMIT, Kind.COMMIT, RELEASE, Kind.RELEASE);

  /** What to do with a frame. */
  public enum Kind { PONG, REGISTER, REPORT, RESERVE, COMMIT, RELEASE, SUBSCRIBE, UNSUBSCRIBE, REFUSE }

  /** A decision: a kind, and for a refusal its code and the word sent back in the error frame. */
  public record Decision(Kind kind, ErrorCode code, String reason) {
    static Decision of(Kind kind) {
      return new Decision(kind, null, null);
    }

    static Decision refuse(ErrorCode code, String reason) {
      return new Decision(Kind.REFUSE, code, reason);
    }
  }

  private FramePolicy() {
  }

  /** The inbox address an outside agent listens on. */
  public static String out(String id) {
    return "governor.agent." + id + ".out";
  }

  /** The control address an outside agent listens on. */
  public static String control(String id) {
    return "governor.agent." + id + ".control";
  }

  /**
   * @param frame    the decoded frame
   * @param bound    the connection's agent, or {@code null}
   * @param claiming whether a register of this connection is still being decided
   */
  public static Decision decide(JsonObject frame, String bound, boolean claiming) {
    Object type = frame.getValue("type");
    Object address = frame.getValue("address");
    if ("ping".equals(type)) {
      return Decision.of(Kind.PONG);
    }
    if (!(type instanceof String) || !(address instanceof String a)) {
      return Decision.refuse(ErrorCode.INVALID_REQUEST, address == null ? "missing_address" : "unknown_type");
    }
    return switch ((String) type) {
      case "send" -> send(frame, a, bound, claiming);
      case "register" -> own(a, bound) ? Decision.of(Kind.SUBSCRIBE) : Decision.refuse(ErrorCode.FORBIDDEN, "access_denied");
      case "unregister" -> own(a, bound) ? Decision.of(Kind.UNSUBSCRIBE) : Decision.refuse(ErrorCode.FORBIDDEN, "access_denied");
      case "publish" -> Decision.refuse(ErrorCode.FORBIDDEN, "access_denied");
      default -> Decision.refuse(ErrorCode.INVALID_REQUEST, "unknown_type");
    };
  }

  private static Decision send(JsonObject frame, String address, String bound, boolean claiming) {
    if (address.equals(REGISTER)) {
      if (bound != null || claiming) {
        return Decision.refuse(ErrorCode.INVALID_STATE, "already_registered");
      }
      return frame.getValue("body") instanceof JsonObject ? Decision.of(Kind.REGISTER)
          : Decision.refuse(ErrorCode.INVALID_REQUEST, "body_not_object");
    }
    Kind own = OWN_REQUESTS.get(address);
    if (own != null) {
      if (bound == null) {
        return Decision.refuse(ErrorCode.FORBIDDEN, "not_registered");
      }
      return frame.getValue("body") instanceof JsonObject body && bound.equals(body.getValue("id"))
          ? Decision.of(own) : Decision.refuse(ErrorCode.FORBIDDEN, "access_denied");
    }
    return Decision.refuse(ErrorCode.FORBIDDEN, "access_denied");
  }

  private static boolean own(String address, String bound) {
    return bound != null && (address.equals(out(bound)) || address.equals(control(bound)));
  }
}
