package io.agentgovernor.store;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Group commit: writes that arrive while a commit is under way wait for it, then go together in
 * the next transaction, committed (and on H2 with {@code store.fsync}, forced) once for all. A
 * caller returns only once its own write is committed, as with a commit of its own, so the map
 * store's write-through promise is unchanged; what changes is that N concurrent writers pay for
 * one commit instead of N.
 *
 * <p>Why: H2's MVStore writes a new chunk per commit, and Hazelcast calls the map store from many
 * threads at once (its offloaded store operations): deploying 100,000 agents spent 43 % of the
 * node's CPU in per-write commits (JFR, {@code load-tests/scale-idle.sh}), at ~300 agents a second.
 *
 * <p>The leader/follower scheme of database logs: the first writer to find no commit running
 * becomes the leader, takes every write queued (its own among them, at most {@link #MAX_BATCH}),
 * and commits them; the others wait. When the leader is done, a waiting writer whose write is
 * still queued leads the next group. A group that fails is rolled back and its writes retried one
 * transaction each, so a bad write fails its own caller only.
 *
 * <p>Thread-safe.
 */
final class GroupCommit {

  /** Writes in one transaction at most: a bounded transaction, and a bounded wait for the last of them. */
  static final int MAX_BATCH = 512;

  /** One write: statements on the connection it is given, inside the group's transaction (no commit of its own). */
  @FunctionalInterface
  interface Write {
    void run(Connection c) throws SQLException;
  }

  private static final class Pending {
    final Write write;
    boolean done;
    SQLException failure;

    Pending(Write write) {
      this.write = write;
    }
  }

  private final Database db;
  private final boolean sync;
  private final List<Pending> queue = new ArrayList<>();
  private boolean leading;
  private final AtomicLong commits = new AtomicLong();
  private final AtomicLong writes = new AtomicLong();

  GroupCommit(Database db, boolean sync) {
    this.db = db;
    this.sync = sync;
  }

  /** Runs {@code write} in a committed transaction, with whatever other writes are waiting; returns once committed. */
  void run(Write write) throws SQLException {
    Pending mine = new Pending(write);
    synchronized (this) {
      queue.add(mine);
    }
    while (true) {
      List<Pending> group;
      synchronized (this) {
        while (leading && !mine.done) {
          try {
            wait();
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            // still queued: a later group may commit it, so the caller is told only that it is not known to be stored
            throw new SQLException("interrupted while waiting for the group commit of a write");
          }
        }
        if (mine.done) {
          break;
        }
        leading = true; // the oldest writes first; with more than MAX_BATCH ahead of it, this one leads again after
        List<Pending> head = queue.subList(0, Math.min(queue.size(), MAX_BATCH));
        group = new ArrayList<>(head);
        head.clear();
      }
      try {
        commit(group);
      } finally {
        synchronized (this) {
          leading = false;
          notifyAll();
        }
      }
    }
    if (mine.failure != null) {
      throw mine.failure;
    }
  }

  /**
   * Commits the group in one transaction; if a write fails, each write in a transaction of its own.
   * Every write of the group is finished on every path (a follower waits for exactly that).
   */
  private void commit(List<Pending> group) {
    Connection c;
    try {
      c = db.dataSource().getConnection();
    } catch (SQLException e) {
      // no connection: the store is unreachable, and retrying each write would wait for one again per write
      finish(group, e);
      return;
    }
    SQLException failure = null;
    try (c) {
      c.setAutoCommit(false);
      try {
        for (Pending p : group) {
          p.write.run(c);
        }
        c.commit();
        synced(c);
      } catch (SQLException | RuntimeException e) {
        failure = e instanceof SQLException sql ? sql : new SQLException(e.toString(), e);
        c.rollback();
      } finally {
        c.setAutoCommit(true);
      }
    } catch (SQLException e) {
      failure = failure != null ? failure : e;
    }
    if (failure == null) {
      finish(group, null);
      commits.incrementAndGet();
      writes.addAndGet(group.size());
    } else if (group.size() == 1) {
      finish(group, failure);
    } else {
      for (Pending p : group) {
        commit(List.of(p));
      }
    }
  }

  private void finish(List<Pending> group, SQLException failure) {
    synchronized (this) {
      for (Pending p : group) {
        p.failure = failure;
        p.done = true;
      }
    }
  }

  /**
   * H2 (WRITE_DELAY=0) hands each commit to the operating system, which survives kill -9 but not a
   * power loss; CHECKPOINT SYNC forces it to the device (one fsync, measured +25 % a write here).
   */
  private void synced(Connection c) throws SQLException {
    if (sync) {
      try (java.sql.Statement s = c.createStatement()) {
        s.execute("CHECKPOINT SYNC");
      }
    }
  }

  /** Writes waiting for a commit now. */
  synchronized int queued() {
    return queue.size();
  }

  /** Transactions committed so far (each one group). */
  long commits() {
    return commits.get();
  }

  /** Writes committed so far. */
  long writes() {
    return writes.get();
  }
}
