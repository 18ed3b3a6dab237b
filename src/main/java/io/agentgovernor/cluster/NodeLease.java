package io.agentgovernor.cluster;

import io.agentgovernor.bus.ErrorCode;
import io.agentgovernor.bus.GovernorException;

/**
 * Whether this node may run its agents now. A node holds the lease while a majority of the cluster
 * has recently confirmed that it counts this node as a member; the lease runs out on its own after
 * {@code leaseMs} without a confirmation, on the monotonic clock (which keeps counting while the
 * process is stopped). So a node that is cut off, or paused and resumed, stops dispatching to its
 * agents before the majority restarts them elsewhere: the majority waits longer than a lease before
 * it restarts the agents of a member it lost.
 *
 * <p>The check is one volatile read and a compare against a {@code System.nanoTime()} the caller
 * already took, so it sits on every dispatch of every agent. Renewal and regain are the failover
 * part's job ({@code reliability.LeaseKeeper}).
 */
public final class NodeLease {

  private volatile long validUntilNanos;
  private volatile Runnable onRegained = () -> { };

  /**
   * A lease valid for {@code initialMs} from now: a node that is starting may run agents until its
   * keeper takes over ({@link #startKeeping}).
   */
  public NodeLease(long initialMs) {
    validUntilNanos = System.nanoTime() + initialMs * 1_000_000L;
  }

  /** Whether the lease holds at {@code nowNanos} (a {@code System.nanoTime()} value). */
  public boolean holds(long nowNanos) {
    return nowNanos - validUntilNanos < 0;
  }

  /** How long the lease still holds after {@code nowNanos}, in ms (0: it has run out). */
  public long remainingMillis(long nowNanos) {
    return Math.max(0, (validUntilNanos - nowNanos) / 1_000_000L);
  }

  /**
   * When the lease runs out, on the wall clock (ms): the deadline a write carries to the owner of
   * its partition, which refuses it if it arrives later ({@link VersionedWrites}), however long
   * Hazelcast took to deliver it. Fails with {@code UNAVAILABLE} if the lease has run out already.
   * Blocking writers take it right before each write.
   */
  public long writeDeadline() {
    long remaining = remainingMillis(System.nanoTime());
    if (remaining <= 0) {
      throw cutOff();
    }
    return System.currentTimeMillis() + remaining;
  }

  /** Fails with {@code UNAVAILABLE} unless the lease holds now: a write is taken only while it does. */
  public void requireForWrites() {
    if (!holds(System.nanoTime())) {
      throw cutOff();
    }
  }

  private static GovernorException cutOff() {
    return new GovernorException(ErrorCode.UNAVAILABLE,
        "this node does not hold its cluster lease (cut off from the cluster majority, or too busy to "
            + "renew it in time): nothing was written; try again, or write through another node");
  }

  /**
   * Extends the lease to {@code untilNanos} (never shortens it); if it had run out, runs the
   * regain action (agents held back while it was lost are released).
   */
  public synchronized void extendTo(long untilNanos) {
    boolean wasLost = !holds(System.nanoTime());
    if (untilNanos - validUntilNanos > 0) {
      validUntilNanos = untilNanos;
    }
    if (wasLost && holds(System.nanoTime())) {
      onRegained.run();
    }
  }

  /** The keeper starts: from now on the lease lasts {@code leaseMs} from now unless renewed. */
  public synchronized void startKeeping(long leaseMs) {
    validUntilNanos = System.nanoTime() + leaseMs * 1_000_000L;
  }

  /** Ends the lease now (the node knows it is cut off). */
  public synchronized void revoke() {
    validUntilNanos = System.nanoTime() - 1;
  }

  /** What to run when a lost lease is regained. */
  public void onRegained(Runnable action) {
    onRegained = action;
  }
}
