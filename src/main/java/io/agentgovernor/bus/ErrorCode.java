package io.agentgovernor.bus;

import com.hazelcast.core.OperationTimeoutException;
import com.hazelcast.splitbrainprotection.SplitBrainProtectionException;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Every failure the governor reports, on the event bus and over HTTP.
 *
 * <p>An event-bus handler fails a request with {@code msg.fail(code.failureCode(), message)}; the
 * admin API maps the failure code back to this enum in one place and answers
 * {@code {"error": wireName(), "message": ...}} with {@link #httpStatus()}. Failure codes are
 * stable numbers: the HTTP status times ten plus a distinguishing digit.
 */
public enum ErrorCode {
  INVALID_REQUEST(400, 4000),
  INVALID_ID(400, 4001),
  INVALID_LIMIT(400, 4002),
  UNKNOWN_RESOURCE(400, 4003),
  UNKNOWN_GROUP(400, 4004),
  INVALID_GROUP(400, 4005),
  INVALID_RANGE(400, 4006),
  UNKNOWN_TYPE(400, 4007),
  UNKNOWN_ACTION(400, 4008),
  UNAUTHORIZED(401, 4010),
  FORBIDDEN(403, 4030),
  NOT_FOUND(404, 4040),
  ALREADY_EXISTS(409, 4090),
  VERSION_CONFLICT(409, 4091),
  ADMISSION_REFUSED(409, 4092),
  INVALID_STATE(409, 4093),
  /** A reservation refused: a budget enclosing the agent has no room (HTTP only; the bus replies "denied"). */
  BUDGET_EXHAUSTED(409, 4094),
  PAYLOAD_TOO_LARGE(413, 4130),
  UNSUPPORTED_MEDIA_TYPE(415, 4150),
  RATE_LIMITED(429, 4290),
  INTERNAL(500, 5000),
  /** An agent's own start failed (its code, not the governor's): the deploy changed nothing. */
  START_FAILED(502, 5020),
  UNAVAILABLE(503, 5030),
  TIMEOUT(504, 5040);

  private static final Map<Integer, ErrorCode> BY_FAILURE_CODE = new HashMap<>();

  static {
    for (ErrorCode code : values()) {
      BY_FAILURE_CODE.put(code.failureCode, code);
    }
  }

  private final int httpStatus;
  private final int failureCode;

  ErrorCode(int httpStatus, int failureCode) {
    this.httpStatus = httpStatus;
    this.failureCode = failureCode;
  }

  /** The HTTP status the admin API answers with. */
  public int httpStatus() {
    return httpStatus;
  }

  /** The number carried by a failed event-bus reply ({@code ReplyException.failureCode()}). */
  public int failureCode() {
    return failureCode;
  }

  /** The {@code "error"} field of a JSON error body, e.g. {@code invalid_limit}. */
  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }

  /**
   * The code behind an event-bus failure code, or {@code null} for a failure that did not come
   * from a governor handler (a timeout, no handlers, or a foreign code).
   */
  public static ErrorCode ofFailureCode(int failureCode) {
    return BY_FAILURE_CODE.get(failureCode);
  }

  /**
   * The code a failure is reported with, on the bus, over HTTP and on the bridge: a governor
   * failure keeps its own code; a request that timed out, found no handler, or met a Hazelcast
   * timeout or this node's minority side of a split is an availability failure, not a defect; only
   * what is left is {@link #INTERNAL} (logged by the caller, never shown).
   */
  public static ErrorCode of(Throwable failure) {
    if (failure instanceof GovernorException g) {
      return g.code();
    }
    if (failure instanceof ReplyException r) {
      ErrorCode code = ofFailureCode(r.failureCode());
      if (code != null) {
        return code;
      }
      if (r.failureType() == ReplyFailure.TIMEOUT) {
        return TIMEOUT;
      }
      if (r.failureType() == ReplyFailure.NO_HANDLERS) {
        return UNAVAILABLE;
      }
      return INTERNAL;
    }
    if (failure instanceof OperationTimeoutException) {
      return TIMEOUT;
    }
    if (failure instanceof SplitBrainProtectionException) {
      return UNAVAILABLE;
    }
    return INTERNAL;
  }

  /** What a client is told for a failure of {@link #of} code: never the node's internals. */
  public static String messageOf(Throwable failure) {
    ErrorCode code = of(failure);
    if (failure instanceof GovernorException || (failure instanceof ReplyException r && ofFailureCode(r.failureCode()) != null)) {
      return failure.getMessage();
    }
    return switch (code) {
      case TIMEOUT -> "the governor did not answer in time";
      case UNAVAILABLE -> failure instanceof SplitBrainProtectionException
          ? "this node is cut off from a majority of its cluster: writes are refused until it rejoins"
          : "that part of the governor is not running";
      default -> "internal error";
    };
  }
}
