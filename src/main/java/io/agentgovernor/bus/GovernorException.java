package io.agentgovernor.bus;

/**
 * A failure with a code: bad input, a missing entity, a conflict. Its message is safe to show to
 * a client (it never holds a stack trace or a secret).
 */
public class GovernorException extends RuntimeException {

  private final ErrorCode code;

  public GovernorException(ErrorCode code, String message) {
    super(message, null, false, false);
    this.code = code;
  }

  public ErrorCode code() {
    return code;
  }

  public static GovernorException invalid(String message) {
    return new GovernorException(ErrorCode.INVALID_REQUEST, message);
  }

  public static GovernorException notFound(String what, String id) {
    return new GovernorException(ErrorCode.NOT_FOUND, what + " '" + id + "' does not exist");
  }
}
