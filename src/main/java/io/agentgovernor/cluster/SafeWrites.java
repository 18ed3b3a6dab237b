package io.agentgovernor.cluster;

import com.hazelcast.cluster.MembershipEvent;
import com.hazelcast.cluster.MembershipListener;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.core.LifecycleEvent;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Holds a write back while the cluster moves partitions after a membership change. Right after a
 * member joins, leaves or merges back, some partitions may have no backup yet: a write
 * acknowledged then lives on one member only, and is lost if that member dies next (the fault
 * harness found exactly that). So after each change, writes wait until Hazelcast reports the
 * cluster safe (every partition's backups in sync), at most {@value #MAX_WAIT_MS} ms; once it was
 * safe, writes pass straight through again until the next change. Outside those moments the cost
 * is one volatile read.
 */
public final class SafeWrites {

  private static final long MAX_WAIT_MS = 5_000;
  private static final long POLL_MS = 250;

  private final HazelcastInstance hazelcast;
  /** Incremented on every membership change; {@link #safeAt} holds the change count last found safe. */
  private final AtomicLong changes = new AtomicLong();
  private volatile long safeAt = 0;
  private Future<Void> pending;
  private long pendingFor = -1;

  public SafeWrites(HazelcastInstance hazelcast) {
    this.hazelcast = hazelcast;
    hazelcast.getCluster().addMembershipListener(new MembershipListener() {
      @Override
      public void memberAdded(MembershipEvent event) {
        changes.incrementAndGet();
      }

      @Override
      public void memberRemoved(MembershipEvent event) {
        changes.incrementAndGet();
      }
    });
    hazelcast.getLifecycleService().addLifecycleListener(event -> {
      if (event.getState() == LifecycleEvent.LifecycleState.MERGED) {
        changes.incrementAndGet();
      }
    });
  }

  /** Completes when a write may go ahead: at once, or once the cluster is safe (or after the bound). */
  public synchronized Future<Void> ready(Vertx vertx) {
    long seen = changes.get();
    if (safeAt == seen) {
      return Future.succeededFuture();
    }
    // one check at a time for all waiting writes: each check asks every member, and a flood of
    // them while partitions move would slow the very replication it waits for
    if (pending == null || pendingFor != seen) {
      pendingFor = seen;
      pending = vertx.executeBlocking(() -> {
        long deadline = System.nanoTime() + MAX_WAIT_MS * 1_000_000L;
        while (System.nanoTime() - deadline < 0) {
          if (hazelcast.getPartitionService().isClusterSafe()) {
            safeAt = seen;
            return null;
          }
          Thread.sleep(POLL_MS); // bounded by the deadline: the partitions' backups are being copied
        }
        return null; // not safe within the bound: write anyway rather than refuse (availability)
      }, false);
    }
    return pending;
  }
}
