package io.agentgovernor.budget.impl;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The part of one budget this node leased from the budget's owner, granted from locally without
 * any network call: {@link #take} is one compare-and-set on {@code available}. What was granted
 * and then spent collects in {@code spent} until the node reports it ({@link BudgetLedger#tick}).
 * At the owner, this slice's {@code held} = available + reserved + spent-not-yet-reported.
 */
final class LocalSlice {

  final String budgetId;
  /** The owner's id of this slice: a report on another id is not counted against it. */
  final long id;
  final AtomicLong available = new AtomicLong();
  final AtomicLong spent = new AtomicLong();
  final AtomicLong overrun = new AtomicLong();
  /** Reservations granted from this slice and not yet settled. */
  final AtomicInteger reservations = new AtomicInteger();
  /** Grants stop at this time (epoch ms, the node's clock) unless a report renews the lease first. */
  volatile long deadline;
  volatile long lastUse;
  /** Another node asked for room: give back what is not reserved at the next report. */
  volatile boolean wanted;
  /** The owner no longer has this slice (charged in full, or given back entirely). */
  volatile boolean dead;
  /** What the owner had left unleased at its last answer (a lease or a report): whether leasing ahead is harmless. */
  volatile long ownerFree;
  /** A lease ahead ({@link BudgetLedger} prefetch) is under way for this slice. */
  final AtomicBoolean prefetching = new AtomicBoolean();
  /** The report in flight or to retry (same seq, same figures), or null; guarded by the ledger's tick. */
  Report pending;
  long seq;

  /** {@code readAt}: when its figures were read (node clock); a retry at a later tick still says then. */
  record Report(long seq, long spent, long returned, long overrun, long readAt) {
    boolean empty() {
      return spent == 0 && returned == 0 && overrun == 0;
    }
  }

  LocalSlice(String budgetId, long id) {
    this.budgetId = budgetId;
    this.id = id;
  }

  /** Takes {@code n} if this slice is live and has it. Lock-free. */
  boolean take(long n, long now) {
    if (dead || now >= deadline) {
      return false;
    }
    long a;
    do {
      a = available.get();
      if (a < n) {
        return false;
      }
    } while (!available.compareAndSet(a, a - n));
    lastUse = now;
    return true;
  }

  /** Returns unspent room; on a dead slice it is gone with the slice (the owner charged it). */
  void giveBack(long n) {
    if (n > 0 && !dead) {
      available.addAndGet(n);
    }
  }

  /**
   * Settles {@code reserved} with {@code actual} spent: the unspent rest comes back; spending above
   * the reservation is taken from the slice if it has room, and recorded as overrun beyond that.
   * Returns the overrun (the part that no grant covered).
   */
  long settle(long reserved, long actual, long now) {
    reservations.decrementAndGet();
    if (actual <= reserved) {
      spent.addAndGet(actual);
      giveBack(reserved - actual);
      return 0;
    }
    long extra = actual - reserved;
    if (take(extra, now)) {
      spent.addAndGet(actual);
      return 0;
    }
    spent.addAndGet(reserved);
    overrun.addAndGet(extra);
    return extra;
  }
}
