package io.agentgovernor.agent.impl;

/**
 * Paces an agent's inbox while it is throttled: a token bucket of messages refilled at
 * {@code factor × baseRate} per second, where {@code baseRate} is the agent's delivery rate when
 * the throttle began (so a factor of 0.5 halves its message rate, whatever that rate was). Single
 * thread: used only on the agent's context.
 */
final class DutyGate {

  private static final double MIN_RATE = 1.0;

  private double ratePerSecond;
  private double tokens;
  private long lastRefillNanos;

  DutyGate(double factor, double baseRatePerSecond, long nowNanos) {
    this.ratePerSecond = Math.max(MIN_RATE * factor, factor * baseRatePerSecond);
    this.tokens = 1;
    this.lastRefillNanos = nowNanos;
  }

  void setRate(double factor, double baseRatePerSecond) {
    this.ratePerSecond = Math.max(MIN_RATE * factor, factor * baseRatePerSecond);
  }

  /** Takes a token if one is there. */
  boolean tryTake(long nowNanos) {
    refill(nowNanos);
    if (tokens >= 1) {
      tokens -= 1;
      return true;
    }
    return false;
  }

  /** Milliseconds until the next token (at least 1). */
  long waitMs(long nowNanos) {
    refill(nowNanos);
    double missing = Math.max(0, 1 - tokens);
    return Math.max(1, (long) Math.ceil(missing / ratePerSecond * 1000));
  }

  private void refill(long nowNanos) {
    double capacity = Math.max(1, ratePerSecond * 0.1);
    tokens = Math.min(capacity, tokens + (nowNanos - lastRefillNanos) / 1e9 * ratePerSecond);
    lastRefillNanos = nowNanos;
  }
}
