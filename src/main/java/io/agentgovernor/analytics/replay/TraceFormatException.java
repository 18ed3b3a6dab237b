package io.agentgovernor.analytics.replay;

/**
 * A trace or capacity file that cannot be replayed. The message names the file's line (1-based,
 * the header is line 1) and is meant to be shown to the user as is, without a stack trace.
 */
public final class TraceFormatException extends Exception {

  private final long line;

  public TraceFormatException(long line, String message) {
    super("line " + line + ": " + message, null, false, false);
    this.line = line;
  }

  /** The 1-based line at fault. */
  public long line() {
    return line;
  }
}
