package io.agentgovernor.testing;

import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import io.agentgovernor.cluster.ClusterSetup;
import io.agentgovernor.config.ConfigLoader;
import io.agentgovernor.config.NodeConfig;
import io.agentgovernor.node.GovernorNode;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;

/**
 * Real governor nodes for tests: each test class gets its own random cluster name (so parallel or
 * leftover members never join it), HTTP on a free port, Hazelcast on loopback.
 */
public final class TestNodes {

  public static final String ADMIN_TOKEN = "test-operator-token";
  public static final String VIEWER_TOKEN = "test-viewer-token";

  private TestNodes() {
  }

  public static String randomClusterName() {
    return "test-" + UUID.randomUUID();
  }

  /**
   * A base Hazelcast port (callers use base, base + 1, ...): away from the default 5701, so a
   * developer's own node is never joined, and below Linux's ephemeral range (32768+), so an
   * outgoing connection never holds it.
   */
  public static int randomClusterPort() {
    return 20_000 + ThreadLocalRandom.current().nextInt(1200) * 10;
  }

  public static NodeConfig config(String clusterName, int clusterPort, String nodeId, List<String> members,
                                  String... extraFlags) {
    List<String> args = new ArrayList<>(List.of("--http-port", "0", "--cluster-name", clusterName,
        "--cluster-port", String.valueOf(clusterPort), "--node-id", nodeId, "--bridge-port", "0"));
    if (!members.isEmpty()) {
      args.add("--members");
      args.add(String.join(",", members));
    }
    args.addAll(List.of(extraFlags));
    // Memory only unless a test asks for a store: nodes of different tests must not share data.
    return ConfigLoader.load(args, Map.of("GOVERNOR_ADMIN_TOKEN", ADMIN_TOKEN, "GOVERNOR_VIEWER_TOKEN", VIEWER_TOKEN,
        "GOVERNOR_STORE_KIND", "none"));
  }

  /**
   * Two bare Hazelcast members with the governor's configuration, on loopback in a cluster of their
   * own, named {@code prefix + "1"} and {@code prefix + "2"}; both have seen each other on return.
   */
  public static HazelcastInstance[] hazelcastPair(String prefix) {
    String cluster = randomClusterName();
    int port = randomClusterPort();
    HazelcastInstance first = Hazelcast.newHazelcastInstance(
        ClusterSetup.hazelcastConfig(config(cluster, port, prefix + "1", List.of())));
    HazelcastInstance second = Hazelcast.newHazelcastInstance(
        ClusterSetup.hazelcastConfig(config(cluster, port + 1, prefix + "2", List.of("127.0.0.1:" + port))));
    if (second.getCluster().getMembers().size() != 2) {
      throw new IllegalStateException("the two members did not form one cluster");
    }
    return new HazelcastInstance[] {first, second};
  }

  /**
   * Two governor nodes in a cluster of their own on loopback: {@code first} started alone, then
   * {@code second} joining it. Close them with {@link #closeAll} (second first).
   */
  public static GovernorNode[] pair(String first, String second) {
    return pair(first, second, UnaryOperator.identity());
  }

  /** As {@link #pair(String, String)}, each node's configuration first passed through {@code configure}. */
  public static GovernorNode[] pair(String first, String second, UnaryOperator<NodeConfig> configure) {
    String cluster = randomClusterName();
    int port = randomClusterPort();
    GovernorNode a = start(configure.apply(config(cluster, port, first, List.of())));
    GovernorNode b = start(configure.apply(config(cluster, port + 1, second, List.of("127.0.0.1:" + port))));
    return new GovernorNode[] {a, b};
  }

  /** Runs blocking work (a Hazelcast call) on one of the node's workers, awaited: what a test may not do on its own thread in a verticle's stead. */
  public static <T> T blocking(GovernorNode node, Callable<T> work) {
    try {
      return node.vertx().executeBlocking(work, false).await(15, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  public static GovernorNode start(NodeConfig config) {
    try {
      return GovernorNode.start(config).await(60, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException("node " + config.nodeId() + " did not start", e);
    }
  }

  /** Closes nodes from the test thread (see PLATFORM.md pitfall 7), waiting for each. */
  public static void closeAll(GovernorNode... nodes) {
    for (GovernorNode node : nodes) {
      if (node != null) {
        try {
          node.close().await(30, TimeUnit.SECONDS);
        } catch (Exception e) {
          // already closed, or closing failed: nothing a test can do about it
        }
      }
    }
  }

  /** A request over the node's event bus, awaited; a failure comes back as the ReplyException. */
  public static JsonObject request(GovernorNode node, String address, JsonObject body) {
    try {
      return node.vertx().eventBus().<JsonObject>request(address, body, new DeliveryOptions().setSendTimeout(10_000))
          .await(15, TimeUnit.SECONDS).body();
    } catch (ReplyException e) {
      throw e;
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * Returns once every event loop of the node has run what was queued on it when called, and what
   * that queued in turn: a message published before this reached its event-loop consumers, and
   * they have handled it. A condition to wait on, where a test used to sleep; consumers on worker
   * threads are not covered.
   */
  public static void drainEventLoops(GovernorNode node) {
    io.netty.channel.EventLoopGroup loops = ((io.vertx.core.internal.VertxInternal) node.vertx()).nettyEventLoopGroup();
    for (int pass = 0; pass < 2; pass++) {
      List<io.netty.util.concurrent.Future<?>> barriers = new ArrayList<>();
      loops.forEach(loop -> barriers.add(loop.submit(() -> { })));
      for (io.netty.util.concurrent.Future<?> barrier : barriers) {
        if (!barrier.awaitUninterruptibly(30, TimeUnit.SECONDS)) {
          throw new IllegalStateException("an event loop of node " + node.nodeId() + " ran nothing for 30 s");
        }
      }
    }
  }
}
