package io.agentgovernor.cluster;

import static io.agentgovernor.testing.TestNodes.request;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.agentgovernor.bus.Addresses;
import io.agentgovernor.bus.ErrorCode;
import io.agentgovernor.node.GovernorNode;
import io.agentgovernor.testing.TestNodes;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Real members on loopback, configured as a cluster of three (a majority is two). A node left
 * alone is the minority of a split: it must refuse writes, not take them and lose or resurrect
 * data at the merge.
 */
class SplitBrainIT {

  private GovernorNode a;
  private GovernorNode b;

  @AfterEach
  void stop() {
    TestNodes.closeAll(b, a);
  }

  @Test
  @DisplayName("a node cut off from the majority refuses quota writes with UNAVAILABLE, and accepts them again when a peer rejoins")
  void minorityRefusesWrites() {
    String cluster = TestNodes.randomClusterName();
    int port = TestNodes.randomClusterPort();
    List<String> members = List.of("127.0.0.1:" + port, "127.0.0.1:" + (port + 1), "127.0.0.1:" + (port + 2));
    a = TestNodes.start(TestNodes.config(cluster, port, "sb-a", members));
    b = TestNodes.start(TestNodes.config(cluster, port + 1, "sb-b", members));
    await().atMost(Duration.ofSeconds(20)).until(() -> a.context().hazelcast().getCluster().getMembers().size() == 2);
    // two of three: a majority, so writes go through (and the groups were seeded)
    await().atMost(Duration.ofSeconds(10)).ignoreExceptions().until(() ->
        request(a, Addresses.QUOTA_UPDATE, new JsonObject().put("agentId", "sb1").put("group", "standard_agent")
            .put("upsert", true)).getLong("version") >= 1);

    TestNodes.closeAll(b);
    b = null;
    await().atMost(Duration.ofSeconds(10)).until(() -> a.context().hazelcast().getCluster().getMembers().size() == 1);
    await().atMost(Duration.ofSeconds(10)).until(() -> !a.context().hazelcast().getSplitBrainProtectionService()
        .getSplitBrainProtection(ClusterSetup.MAJORITY).hasMinimumSize());
    assertThatThrownBy(() -> request(a, Addresses.QUOTA_UPDATE, new JsonObject().put("agentId", "sb2")
        .put("group", "standard_agent").put("upsert", true)))
        .isInstanceOfSatisfying(ReplyException.class, e ->
            assertThat(e.failureCode()).isEqualTo(ErrorCode.UNAVAILABLE.failureCode()));
    // reads still answer (what the minority holds, possibly stale)
    assertThat(request(a, Addresses.QUOTA_GET, new JsonObject().put("agentId", "sb1")).getString("agentId")).isEqualTo("sb1");

    b = TestNodes.start(TestNodes.config(cluster, port + 1, "sb-b", members));
    await().atMost(Duration.ofSeconds(20)).ignoreExceptions().until(() ->
        isFirstVersion(request(a, Addresses.QUOTA_UPDATE, new JsonObject().put("agentId", "sb2").put("group", "standard_agent")
            .put("upsert", true))));
  }

  @Test
  @DisplayName("the first node of a three-node cluster starts alone and writes until the cluster has formed a majority")
  void firstNodeStartsAlone() {
    String cluster = TestNodes.randomClusterName();
    int port = TestNodes.randomClusterPort();
    List<String> members = List.of("127.0.0.1:" + port, "127.0.0.1:" + (port + 1), "127.0.0.1:" + (port + 2));
    a = TestNodes.start(TestNodes.config(cluster, port, "sb-a", members));
    assertThat(isFirstVersion(request(a, Addresses.QUOTA_UPDATE, new JsonObject().put("agentId", "first")
        .put("group", "standard_agent").put("upsert", true)))).isTrue();
    b = TestNodes.start(TestNodes.config(cluster, port + 1, "sb-b", members));
    await().atMost(Duration.ofSeconds(20)).until(() ->
        request(a, Addresses.GROUP_LIST, new JsonObject()).getJsonArray("items").size() > 0);
  }

  /** Whether the upsert created the quota: a first version is the time of the write (cluster.Versions). */
  private static boolean isFirstVersion(JsonObject quota) {
    return quota.getLong("version").equals(quota.getLong("createdAt"));
  }
}
