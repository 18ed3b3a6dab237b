package io.agentgovernor.budget;

/**
 * How to reserve: the reservation's lease (unsettled at its end, it is charged in full; 0 = the
 * node's {@code budgets.reservationLeaseMs}), and whether to wait for the window to refill when a
 * budget has no room (up to {@code waitMs}, bounded by {@code budgets.maxQueueMs}) instead of being
 * refused at once. A budget whose action is {@code queue} waits even without asking.
 */
public record ReserveOptions(long leaseMs, boolean waitForRefill, long waitMs) {

  public ReserveOptions {
    if (leaseMs < 0 || waitMs < 0) {
      throw new IllegalArgumentException("leaseMs and waitMs must be >= 0");
    }
  }

  public static ReserveOptions defaults() {
    return new ReserveOptions(0, false, 120_000);
  }

  public static ReserveOptions waitUpTo(long waitMs) {
    return new ReserveOptions(0, true, waitMs);
  }

  public ReserveOptions withLeaseMs(long ms) {
    return new ReserveOptions(ms, waitForRefill, waitMs);
  }
}
