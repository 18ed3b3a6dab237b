package io.agentgovernor.node;

import io.agentgovernor.cluster.DaemonThreads;
import com.hazelcast.cluster.MembershipEvent;
import com.hazelcast.config.Config;
import com.hazelcast.core.LifecycleEvent;
import io.vertx.core.Completable;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Vert.x's Hazelcast cluster manager with its membership and lifecycle callbacks run on a thread
 * of their own, in the order Hazelcast delivered them, instead of on Hazelcast's event threads.
 *
 * <p>Why: when a member leaves, {@code HazelcastClusterManager.memberRemoved} removes every
 * event-bus subscription of the lost node from {@code __vertx.subs}, one blocking
 * {@code MultiMap.remove} each, on the Hazelcast event thread that delivered the event. A node with
 * 10,000 agents leaves tens of thousands of them: in {@code load-tests/cluster.sh} that took 28 s,
 * and for those 28 s every entry event of every governor map that hashed to the same event thread
 * (one of its 5 event threads) waited behind it. The registry and quota copies of the survivors then missed
 * restarted agents and acknowledged quota writes until the next reconciliation pass (the driver saw
 * the last of 1,000 restarted agents 13 s after they ran; thread dumps showed the event thread in
 * {@code SubsMapHelper.removeAllForNodes}). The same cause, upstream:
 * vert-x3/vertx-hazelcast#215, whose proposed fix (#216, not in 5.0.7) is this one.
 *
 * <p>The callbacks keep their order and their mutual exclusion (one thread, and the parent's
 * methods stay synchronized); what changes is only which thread waits for the cleanup.
 */
final class OffloadedClusterManager extends HazelcastClusterManager {

  private static final Logger LOG = LoggerFactory.getLogger(OffloadedClusterManager.class);

  private final ExecutorService callbacks = Executors.newSingleThreadExecutor(
      DaemonThreads.named("governor-cluster-membership"));

  OffloadedClusterManager(Config config) {
    super(config);
  }

  @Override
  public void memberAdded(MembershipEvent event) {
    offload("memberAdded", () -> super.memberAdded(event));
  }

  @Override
  public void memberRemoved(MembershipEvent event) {
    offload("memberRemoved", () -> super.memberRemoved(event));
  }

  @Override
  public void stateChanged(LifecycleEvent event) {
    offload("stateChanged", () -> super.stateChanged(event));
  }

  @Override
  public void leave(Completable<Void> promise) {
    super.leave((v, failure) -> {
      callbacks.shutdown(); // what is queued still runs, and finds the manager inactive
      promise.complete(v, failure);
    });
  }

  private void offload(String callback, Runnable task) {
    try {
      callbacks.execute(() -> {
        try {
          task.run();
        } catch (RuntimeException e) {
          LOG.warn("cluster manager {} failed: {}", callback, e.toString());
        }
      });
    } catch (RejectedExecutionException e) {
      LOG.debug("cluster manager {} after leaving: ignored", callback);
    }
  }
}
