package io.agentgovernor.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.agentgovernor.testing.NodeHttp;
import io.agentgovernor.testing.NodeProcess;
import io.agentgovernor.testing.TestNodes;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** A cluster of one on H2, killed with kill -9 the instant its writes were acknowledged. */
class StoreDurabilityIT {

  @Test
  @DisplayName("every quota a node on H2 acknowledged (64 written at once, then a delete) is back after kill -9 right after the last write")
  void acknowledgedWritesSurviveKill9() throws Exception {
    Path dataDir = Files.createTempDirectory("governor-kill9-");
    List<String> args = List.of("--http-port", "0", "--node-id", "solo", "--data-dir", dataDir.toString(),
        "--cluster-name", TestNodes.randomClusterName(), "--cluster-port", String.valueOf(TestNodes.randomClusterPort()));
    Map<String, String> env = Map.of("GOVERNOR_ADMIN_TOKEN", TestNodes.ADMIN_TOKEN);
    List<String> acknowledged = new ArrayList<>();
    NodeProcess first = NodeProcess.start(args, env);
    try {
      int port = first.awaitReady(Duration.ofSeconds(60));
      NodeHttp http = new NodeHttp(port);
      // 8 writers at once, so the store commits writes in groups (GroupCommit) as well as alone
      ExecutorService writers = Executors.newFixedThreadPool(8);
      try {
        List<Future<String>> puts = new ArrayList<>();
        for (int i = 0; i < 64; i++) {
          String id = "durable-" + i;
          puts.add(writers.submit(() -> {
            http.ok("PUT", "/quotas/" + id, new JsonObject().put("group", "standard_agent"));
            return id;
          }));
        }
        for (Future<String> put : puts) {
          acknowledged.add(put.get(60, TimeUnit.SECONDS));
        }
      } finally {
        writers.shutdownNow();
      }
      http.ok("DELETE", "/quotas/durable-0", null);
      acknowledged.remove("durable-0");
      Map<String, Double> store = storeMetrics(port);
      assertThat(store.get("governor_store_writes_total")).isGreaterThanOrEqualTo(65.0);
      assertThat(store.get("governor_store_commits_total")).isPositive();
    } finally {
      first.kill(); // at once: no pause for a write delay to pass
    }
    try (NodeProcess second = NodeProcess.start(args, env)) {
      NodeHttp http = new NodeHttp(second.awaitReady(Duration.ofSeconds(60)));
      List<String> back = new ArrayList<>();
      http.get("/quotas?limit=1000").getJsonArray("items")
          .forEach(q -> back.add(((JsonObject) q).getString("agentId")));
      assertThat(back).containsExactlyInAnyOrderElementsOf(acknowledged);
    }
  }

  /** The store's counters from the node's Prometheus page. */
  private static Map<String, Double> storeMetrics(int port) throws Exception {
    String text = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics"))
        .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString()).body();
    Map<String, Double> out = new java.util.HashMap<>();
    Matcher m = Pattern.compile("(?m)^(governor_store_\\w+)(\\{[^}]*\\})? ([0-9.eE+-]+)$").matcher(text);
    while (m.find()) {
      out.put(m.group(1), Double.parseDouble(m.group(3)));
    }
    assertThat(out).as("governor_store_* in /metrics").containsKeys("governor_store_writes_total",
        "governor_store_commits_total");
    return out;
  }
}
