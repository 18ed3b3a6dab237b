package io.agentgovernor.quota;

import static io.agentgovernor.testing.TestNodes.request;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.agentgovernor.bus.Addresses;
import io.agentgovernor.cluster.MapMirror;
import io.agentgovernor.node.GovernorNode;
import io.agentgovernor.testing.TestNodes;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** Two real Hazelcast members on loopback, in one JVM. */
class QuotaClusterIT {

  private GovernorNode a;
  private GovernorNode b;

  @BeforeEach
  void startTwoNodes() throws Exception {
    String cluster = TestNodes.randomClusterName();
    int port = TestNodes.randomClusterPort();
    java.nio.file.Path conf = java.nio.file.Files.createTempFile("quota-cluster-", ".yaml");
    java.nio.file.Files.writeString(conf, "cluster:\n  reconcileIntervalMs: 1000\n");
    a = TestNodes.start(TestNodes.config(cluster, port, "node-a", List.of(), "--config", conf.toString()));
    b = TestNodes.start(TestNodes.config(cluster, port + 1, "node-b", List.of("127.0.0.1:" + a.clusterPort()),
        "--config", conf.toString()));
    assertThat(b.context().hazelcast().getCluster().getMembers()).hasSize(2);
  }

  @AfterEach
  void stopNodes() {
    TestNodes.closeAll(b, a);
  }

  private static double[] cpu(double amount) {
    double[] usage = new double[Resource.BUILT_IN_COUNT];
    usage[Resource.CPU.index()] = amount;
    return usage;
  }

  @Test
  @DisplayName("a quota written through one node is read and checked on the other")
  void writeOnOneReadOnOther() {
    request(a, Addresses.QUOTA_CREATE, new JsonObject("""
        {"agentId": "x1", "group": "standard_agent", "limits": {"cpu": {"soft": 10, "hard": 20}}}"""));
    await().atMost(Duration.ofSeconds(1)).until(() -> b.context().quotaIndex().get("x1") != null);
    assertThat(request(b, Addresses.QUOTA_GET, new JsonObject().put("agentId", "x1")).getString("group"))
        .isEqualTo("standard_agent");
    JsonObject check = request(b, Addresses.QUOTA_COMPLIANCE, new JsonObject("{\"agentId\": \"x1\", \"usage\": {\"cpu\": 15}}"));
    assertThat(check.getJsonArray("violations").getJsonObject(0).getString("violation")).isEqualTo("soft");
  }

  @Test
  @DisplayName("an update on one node is seen by the other's local compliance check within 1 s")
  void updateVisibleWithinOneSecond() {
    request(a, Addresses.QUOTA_CREATE, new JsonObject("""
        {"agentId": "x2", "group": "standard_agent", "limits": {"cpu": {"soft": 10, "hard": 20}}}"""));
    await().atMost(Duration.ofSeconds(1)).until(() -> b.context().quotaIndex().get("x2") != null);
    assertThat(b.context().quotaIndex().check("x2", cpu(30), null)).isNotEmpty();

    request(a, Addresses.QUOTA_UPDATE, new JsonObject("""
        {"agentId": "x2", "group": "standard_agent", "limits": {"cpu": {"soft": 50, "hard": 60}}}"""));
    long updatedAt = System.nanoTime();
    await().atMost(Duration.ofSeconds(1)).pollInterval(Duration.ofMillis(1))
        .until(() -> b.context().quotaIndex().check("x2", cpu(30), null).isEmpty());
    assertThat(Duration.ofNanos(System.nanoTime() - updatedAt)).isLessThan(Duration.ofSeconds(1));

    request(b, Addresses.QUOTA_DELETE, new JsonObject().put("agentId", "x2"));
    await().atMost(Duration.ofSeconds(1)).until(() -> a.context().quotaIndex().get("x2") == null);
  }

  @Test
  @DisplayName("a quota a node's index lost (a missed event) is still read there, and reconciliation restores the index")
  void lostEntryIsReadAndRepaired() {
    long created = request(a, Addresses.QUOTA_CREATE, new JsonObject()
        .put("agentId", "x3").put("group", "standard_agent")
        .put("limits", new JsonObject().put("cpu", new JsonObject().put("soft", 10).put("hard", 20)))).getLong("version");
    await().atMost(Duration.ofSeconds(1)).until(() -> b.context().quotaIndex().get("x3") != null);
    b.context().quotaIndex().remove("x3"); // b's copy drifted: the entry is gone there only
    await().atMost(Duration.ofSeconds(10)).until(() -> b.context().quotaIndex().get("x3") != null);
    assertThat(b.context().quotaIndex().check("x3", cpu(30), null)).isNotEmpty();

    b.context().quotaIndex().remove("x3");
    // any node's consumer answers (round robin): each reads the map, none says 404
    for (int i = 0; i < 4; i++) {
      assertThat(request(b, Addresses.QUOTA_GET, new JsonObject().put("agentId", "x3")).getLong("version")).isEqualTo(created);
    }
  }

  @Test
  @DisplayName("a deleted quota leaves a tombstone: gone everywhere, and re-created with a higher version")
  void deleteThenRecreate() {
    request(a, Addresses.QUOTA_CREATE, new JsonObject().put("agentId", "x4").put("group", "standard_agent"));
    long updated = request(a, Addresses.QUOTA_UPDATE, new JsonObject().put("agentId", "x4").put("group", "standard_agent"))
        .getLong("version");
    request(b, Addresses.QUOTA_DELETE, new JsonObject().put("agentId", "x4"));
    long tombstone = MapMirror.jsonVersion(a.context().hazelcast().<String, String>getMap(io.agentgovernor.cluster.Maps.QUOTAS).get("x4"));
    assertThat(tombstone).isGreaterThan(updated);
    await().atMost(Duration.ofSeconds(1)).until(() -> a.context().quotaIndex().get("x4") == null
        && b.context().quotaIndex().get("x4") == null);
    assertThat(request(a, Addresses.QUOTA_LIST, new JsonObject()).getJsonArray("items").stream()
        .map(q -> ((JsonObject) q).getString("agentId"))).doesNotContain("x4");
    org.assertj.core.api.Assertions.assertThatThrownBy(() ->
        request(b, Addresses.QUOTA_GET, new JsonObject().put("agentId", "x4"))).hasMessageContaining("x4");
    JsonObject again = request(b, Addresses.QUOTA_CREATE, new JsonObject().put("agentId", "x4").put("group", "standard_agent"));
    assertThat(again.getLong("version")).isGreaterThan(tombstone); // versions keep growing across the delete
    await().atMost(Duration.ofSeconds(1)).until(() -> a.context().quotaIndex().get("x4") != null
        && a.context().quotaIndex().get("x4").quota().version() == again.getLong("version"));
    long expiry = a.context().hazelcast().<String, String>getMap(io.agentgovernor.cluster.Maps.QUOTAS)
        .getEntryView("x4").getExpirationTime();
    assertThat(expiry).isEqualTo(Long.MAX_VALUE); // the tombstone's time to live did not carry over
  }

  @Test
  @DisplayName("stopping a member loses no quota: the survivor holds every one, in its map and its index")
  void stopOneLosesNothing() {
    int count = 300;
    request(a, Addresses.GROUP_PUT, new JsonObject("{\"name\": \"bulk\", \"defaultLimits\": {\"cpu\": {\"soft\": 1, \"hard\": 2}}}"));
    await().atMost(Duration.ofSeconds(1)).until(() -> b.context().quotaIndex().group("bulk") != null);
    for (int i = 0; i < count; i++) {
      GovernorNode writer = i % 2 == 0 ? a : b;
      request(writer, Addresses.QUOTA_CREATE, new JsonObject().put("agentId", "keep-" + i).put("group", "bulk"));
    }
    TestNodes.closeAll(a);
    a = null;
    await().atMost(Duration.ofSeconds(10)).until(() -> b.context().hazelcast().getCluster().getMembers().size() == 1);
    assertThat(b.context().hazelcast().getMap(io.agentgovernor.cluster.Maps.QUOTAS).size()).isEqualTo(count);
    for (int i = 0; i < count; i++) {
      assertThat(request(b, Addresses.QUOTA_GET, new JsonObject().put("agentId", "keep-" + i)).getString("agentId"))
          .isEqualTo("keep-" + i);
    }
  }

  @Test
  @DisplayName("each node publishes its capacity; every node lists both, and a stopped node disappears")
  void nodesSeeEachOther() {
    await().atMost(Duration.ofSeconds(5)).until(() ->
        request(a, Addresses.CAPACITY_NODES, new JsonObject()).getJsonArray("items").size() == 2
            && request(b, Addresses.CAPACITY_NODES, new JsonObject()).getJsonArray("items").size() == 2);
    JsonObject first = request(b, Addresses.CAPACITY_NODES, new JsonObject()).getJsonArray("items").getJsonObject(0);
    assertThat(first.getJsonObject("spec").getJsonObject("total").getLong("memory"))
        .isEqualTo(Runtime.getRuntime().maxMemory());
    assertThat(first.getJsonObject("spec").getJsonObject("total").getLong("cpu"))
        .isEqualTo(100L * Runtime.getRuntime().availableProcessors());
    TestNodes.closeAll(a);
    a = null;
    await().atMost(Duration.ofSeconds(10)).until(() ->
        request(b, Addresses.CAPACITY_NODES, new JsonObject()).getJsonArray("items").size() == 1);
  }
}
