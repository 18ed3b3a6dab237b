package io.agentgovernor.node;

import static org.awaitility.Awaitility.await;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;
import com.hazelcast.map.listener.EntryAddedListener;
import io.agentgovernor.testing.TestNodes;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Two clustered Vert.x instances on loopback, one of them killed: the survivor's Hazelcast entry
 * events keep flowing while its cluster manager is still busy with the loss.
 */
class OffloadedClusterManagerIT {

  private Vertx survivor;
  private Vertx lost;

  @AfterEach
  void close() throws Exception {
    for (Vertx v : new Vertx[] {lost, survivor}) {
      if (v != null) {
        v.close().otherwise(e -> null).await(20, TimeUnit.SECONDS);
      }
    }
  }

  private static boolean noHandlers(Throwable failure) {
    return failure instanceof ReplyException r && r.failureType() == ReplyFailure.NO_HANDLERS;
  }

  @Test
  @DisplayName("while the cluster manager handles a lost member (held up here on its monitor, as the cleanup of 10,000 agents' subscriptions holds it for 28 s), every map event still reaches its listener")
  void mapEventsFlowWhileTheLossIsHandled() throws Exception {
    String cluster = TestNodes.randomClusterName();
    int port = TestNodes.randomClusterPort();
    HazelcastClusterManager survivorManager = MemberSetup.clusterManager(
        TestNodes.config(cluster, port, "ocm-a", List.of()), null);
    HazelcastClusterManager lostManager = new HazelcastClusterManager(MemberSetup.hazelcastConfig(
        TestNodes.config(cluster, port + 1, "ocm-b", List.of("127.0.0.1:" + port)), null));
    survivor = Vertx.builder().withClusterManager(survivorManager).buildClustered().await(60, TimeUnit.SECONDS);
    lost = Vertx.builder().withClusterManager(lostManager).buildClustered().await(60, TimeUnit.SECONDS);
    HazelcastInstance hz = survivorManager.getHazelcastInstance();
    await().atMost(Duration.ofSeconds(30)).until(() -> survivorManager.getNodes().size() == 2);

    lost.eventBus().consumer("test.offloaded.on-lost", m -> m.reply("here")).completion().await(10, TimeUnit.SECONDS);
    IMap<String, String> map = hz.getMap("test.offloaded-events");
    Set<String> seen = ConcurrentHashMap.newKeySet();
    map.addEntryListener((EntryAddedListener<String, String>) e -> seen.add(e.getKey()), false);

    synchronized (survivorManager) { // what a long cleanup does: the manager's callbacks wait for it
      lostManager.getHazelcastInstance().getLifecycleService().terminate();
      await().atMost(Duration.ofSeconds(30)).until(() -> hz.getCluster().getMembers().size() == 1);
      for (int i = 0; i < 50; i++) { // 50 keys: every one of Hazelcast's 5 event threads gets some
        map.set("k" + i, "v");
      }
      // before: the event thread that delivered the loss waited on the monitor, and the events of
      // the keys hashed to that thread behind it with it
      await().atMost(Duration.ofSeconds(10)).until(() -> seen.size() == 50);
    }
    // and the loss is handled once the monitor is free: the lost member's subscriptions are gone
    await().atMost(Duration.ofSeconds(30)).until(() -> noHandlers(survivor.eventBus()
        .request("test.offloaded.on-lost", "ping", new DeliveryOptions().setSendTimeout(2_000))
        .map(m -> (Throwable) null).otherwise(e -> e).await(10, TimeUnit.SECONDS)));
  }
}
