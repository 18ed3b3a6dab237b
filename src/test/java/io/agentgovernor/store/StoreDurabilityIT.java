package io.agentgovernor.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.agentgovernor.testing.NodeHttp;
import io.agentgovernor.testing.NodeProcess;
import io.agentgovernor.testing.TestNodes;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** A cluster of one on H2, killed with kill -9 the instant its writes were acknowledged. */
class StoreDurabilityIT {

  @Test
  @DisplayName("every quota a node on H2 acknowledged is back after kill -9 right after the last write")
  void acknowledgedWritesSurviveKill9() throws Exception {
    Path dataDir = Files.createTempDirectory("governor-kill9-");
    List<String> args = List.of("--http-port", "0", "--node-id", "solo", "--data-dir", dataDir.toString(),
        "--cluster-name", TestNodes.randomClusterName(), "--cluster-port", String.valueOf(TestNodes.randomClusterPort()));
    Map<String, String> env = Map.of("GOVERNOR_ADMIN_TOKEN", TestNodes.ADMIN_TOKEN);
    List<String> acknowledged = new ArrayList<>();
    NodeProcess first = NodeProcess.start(args, env);
    try {
      NodeHttp http = new NodeHttp(first.awaitReady(Duration.ofSeconds(60)));
      for (int i = 0; i < 16; i++) {
        String id = "durable-" + i;
        http.ok("PUT", "/quotas/" + id, new JsonObject().put("group", "standard_agent"));
        acknowledged.add(id);
      }
      http.ok("DELETE", "/quotas/durable-0", null);
      acknowledged.remove("durable-0");
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
}
