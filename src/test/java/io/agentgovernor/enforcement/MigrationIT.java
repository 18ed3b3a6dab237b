package io.agentgovernor.enforcement;

import static io.agentgovernor.testing.TestNodes.request;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.agentgovernor.bus.Addresses;
import io.agentgovernor.node.GovernorNode;
import io.agentgovernor.testing.NodeProcess;
import io.agentgovernor.testing.TestNodes;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Migration between two node JVMs started from the jar. The test JVM joins the same cluster as a
 * third member to drive the agents over the clustered event bus.
 */
class MigrationIT {

  private NodeProcess a;
  private NodeProcess b;
  private GovernorNode driver;

  @BeforeEach
  void startCluster() throws Exception {
    String cluster = TestNodes.randomClusterName();
    int port = TestNodes.randomClusterPort();
    Map<String, String> env = Map.of("GOVERNOR_ADMIN_TOKEN", TestNodes.ADMIN_TOKEN);
    a = NodeProcess.start(List.of("--http-port", "0", "--node-id", "mig-a", "--cluster-name", cluster,
        "--cluster-port", String.valueOf(port)), env);
    a.awaitReady(Duration.ofSeconds(60));
    b = NodeProcess.start(List.of("--http-port", "0", "--node-id", "mig-b", "--cluster-name", cluster,
        "--cluster-port", String.valueOf(port + 1), "--members", "127.0.0.1:" + port), env);
    b.awaitReady(Duration.ofSeconds(60));
    driver = TestNodes.start(TestNodes.config(cluster, port + 2, "driver", List.of("127.0.0.1:" + port)));
    await().atMost(Duration.ofSeconds(15)).until(() ->
        request(driver, Addresses.CAPACITY_NODES, new JsonObject()).getJsonArray("items").size() == 3);
  }

  @AfterEach
  void stopCluster(org.junit.jupiter.api.TestInfo test) throws Exception {
    TestNodes.closeAll(driver);
    // each node's own log, kept for a failure's diagnosis (target/failsafe-reports)
    java.nio.file.Path reports = java.nio.file.Files.createDirectories(java.nio.file.Path.of("target", "failsafe-reports"));
    String name = test.getTestMethod().map(java.lang.reflect.Method::getName).orElse("test");
    for (NodeProcess node : new NodeProcess[] {a, b}) {
      if (node != null) {
        java.nio.file.Files.write(reports.resolve("MigrationIT-" + name + "-" + (node == a ? "mig-a" : "mig-b") + ".log"),
            new java.util.ArrayList<>(node.stdout()));
      }
    }
    if (b != null) {
      b.close();
    }
    if (a != null) {
      a.close();
    }
  }

  @Test
  @DisplayName("a stateful-counter migrated mid-stream of 10,000 messages ends at exactly 10,000 on the target node")
  void migrateMidStream() {
    JsonObject deployed = request(driver, Addresses.AGENT_DEPLOY, new JsonObject().put("id", "ctr")
        .put("type", "stateful-counter").put("group", "standard_agent").put("node", "mig-a"));
    assertThat(deployed.getString("node")).isEqualTo("mig-a");
    await().atMost(Duration.ofSeconds(5)).until(() -> "mig-a".equals(driver.context().registry().nodeOf("ctr")));

    JsonObject migration = null;
    for (int i = 0; i < 10_000; i++) {
      driver.vertx().eventBus().send(Addresses.agentInbox("ctr"), new JsonObject().put("n", i));
      if (i % 500 == 499) {
        pause(100); // a steady stream: about 5,000 messages a second
      }
      if (i == 4_000) {
        migration = request(driver, Addresses.ENFORCEMENT_ACTION, new JsonObject().put("agentId", "ctr")
            .put("action", "migrate").put("params", new JsonObject().put("target", "mig-b")));
      }
    }
    assertThat(migration.getString("outcome")).as(migration.encode()).isEqualTo("success");
    assertThat(migration.getJsonObject("detail").getString("to")).isEqualTo("mig-b");

    // asserted, so a timeout names the count reached: lost messages and late ones look different
    await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(250)).untilAsserted(() ->
        assertThat(request(driver, Addresses.AGENT_GET, new JsonObject().put("id", "ctr")).getJsonObject("status")
            .getLong("count")).as("messages counted by ctr").isGreaterThanOrEqualTo(10_000L));
    JsonObject agent = request(driver, Addresses.AGENT_GET, new JsonObject().put("id", "ctr"));
    assertThat(agent.getString("node")).isEqualTo("mig-b");
    // nothing handled twice either: the count stays at 10,000 for two more seconds of stragglers
    await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(4)).until(() ->
        request(driver, Addresses.AGENT_GET, new JsonObject().put("id", "ctr")).getJsonObject("status")
            .getLong("count") == 10_000);
  }

  @Test
  @DisplayName("a counter moved back and forth eight times while 16,000 one-way messages stream in, unpaused by the moves, counts exactly 16,000")
  void pingPongUnderStream() throws Exception {
    request(driver, Addresses.AGENT_DEPLOY, new JsonObject().put("id", "ctr3")
        .put("type", "stateful-counter").put("group", "standard_agent").put("node", "mig-a"));
    await().atMost(Duration.ofSeconds(5)).until(() -> "mig-a".equals(driver.context().registry().nodeOf("ctr3")));
    int total = 16_000;
    List<JsonObject> moves = new java.util.ArrayList<>();
    io.vertx.core.Future<io.vertx.core.eventbus.Message<JsonObject>> move = null;
    for (int i = 0; i < total; i++) {
      driver.vertx().eventBus().send(Addresses.agentInbox("ctr3"), new JsonObject().put("n", i));
      if (i % 200 == 199) {
        pause(20); // about 10,000 messages a second, sent on while each move runs
      }
      if (i % 2_000 == 1_000 && moves.size() < 8) {
        if (move != null) {
          moves.add(move.await(30, java.util.concurrent.TimeUnit.SECONDS).body());
        }
        move = driver.vertx().eventBus().request(Addresses.ENFORCEMENT_ACTION, new JsonObject().put("agentId", "ctr3")
            .put("action", "migrate").put("params", new JsonObject().put("target", moves.size() % 2 == 0 ? "mig-b" : "mig-a")),
            new io.vertx.core.eventbus.DeliveryOptions().setSendTimeout(30_000));
      }
    }
    moves.add(move.await(30, java.util.concurrent.TimeUnit.SECONDS).body());
    assertThat(moves).hasSize(8).allSatisfy(m -> assertThat(m.getString("outcome")).as(m.encode()).isEqualTo("success"));
    await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(250)).untilAsserted(() ->
        assertThat(request(driver, Addresses.AGENT_GET, new JsonObject().put("id", "ctr3")).getJsonObject("status")
            .getLong("count")).as("messages counted by ctr3").isGreaterThanOrEqualTo(total));
    await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(4)).until(() ->
        request(driver, Addresses.AGENT_GET, new JsonObject().put("id", "ctr3")).getJsonObject("status")
            .getLong("count") == total);
  }

  @Test
  @DisplayName("messages posted while an agent migrates there and back are all accepted (none refused as unknown) and each is counted once")
  void messagesDuringMigrationAreAccepted() throws Exception {
    request(driver, Addresses.AGENT_DEPLOY, new JsonObject().put("id", "ctr2")
        .put("type", "stateful-counter").put("group", "standard_agent").put("node", "mig-a"));
    await().atMost(Duration.ofSeconds(5)).until(() -> "mig-a".equals(driver.context().registry().nodeOf("ctr2")));
    List<io.vertx.core.Future<?>> migrations = new java.util.ArrayList<>();
    List<String> refused = new java.util.concurrent.CopyOnWriteArrayList<>();
    int total = 1_000;
    for (int i = 0; i < total; i += 50) {
      List<io.vertx.core.Future<?>> group = new java.util.ArrayList<>();
      for (int j = i; j < i + 50; j++) {
        // the path of POST /api/v1/agents/{id}/messages: routed by the driver's copy of the registry
        group.add(driver.vertx().eventBus().request(Addresses.AGENT_SEND,
                new JsonObject().put("id", "ctr2").put("body", new JsonObject().put("n", j)),
                new io.vertx.core.eventbus.DeliveryOptions().setSendTimeout(20_000))
            .onFailure(e -> refused.add(e.getMessage())));
      }
      if (i == 250 || i == 600) {
        String to = i == 250 ? "mig-b" : "mig-a";
        migrations.add(driver.vertx().eventBus().request(Addresses.ENFORCEMENT_ACTION, new JsonObject().put("agentId", "ctr2")
            .put("action", "migrate").put("params", new JsonObject().put("target", to)),
            new io.vertx.core.eventbus.DeliveryOptions().setSendTimeout(30_000)));
      }
      io.vertx.core.Future.join(group).await(30, java.util.concurrent.TimeUnit.SECONDS);
    }
    io.vertx.core.Future.join(migrations).await(30, java.util.concurrent.TimeUnit.SECONDS);
    assertThat(refused).as("refused sends").isEmpty();
    await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(250)).until(() ->
        request(driver, Addresses.AGENT_GET, new JsonObject().put("id", "ctr2")).getJsonObject("status")
            .getLong("count") >= total);
    await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(4)).until(() ->
        request(driver, Addresses.AGENT_GET, new JsonObject().put("id", "ctr2")).getJsonObject("status")
            .getLong("count") == total);
  }

  /** Paces the sender (not a wait for any result). */
  private static void pause(long ms) {
    java.util.concurrent.locks.LockSupport.parkNanos(ms * 1_000_000L);
  }
}
