package io.agentgovernor.bridge.impl;

/**
 * Decides which bridge refusals reach the log: at most one line per interval for the whole bridge,
 * the next one saying how many were left out. Its memory is two numbers whatever the number of
 * clients (keying by client address would grow with every new connection's port).
 */
public final class RefusalLog {

  private final long intervalMs;
  private long lastLoggedAt = Long.MIN_VALUE;
  private long suppressed;

  public RefusalLog(long intervalMs) {
    this.intervalMs = intervalMs;
  }

  /**
   * Records a refusal at {@code nowMs}; returns -1 if it is not to be logged, else the number of
   * refusals left out since the last line logged.
   */
  public long record(long nowMs) {
    if (lastLoggedAt != Long.MIN_VALUE && nowMs - lastLoggedAt < intervalMs) {
      suppressed++;
      return -1;
    }
    lastLoggedAt = nowMs;
    long left = suppressed;
    suppressed = 0;
    return left;
  }
}
