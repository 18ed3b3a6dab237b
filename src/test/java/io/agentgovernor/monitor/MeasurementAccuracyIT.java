package io.agentgovernor.monitor;

import static io.agentgovernor.testing.TestNodes.request;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.awaitility.Awaitility.await;

import io.agentgovernor.agent.LocalAgent;
import io.agentgovernor.bus.Addresses;
import io.agentgovernor.node.GovernorNode;
import io.agentgovernor.quota.Resource;
import io.agentgovernor.testing.TestNodes;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Real agents on a real node, measured by the real sampler. The node runs one event loop, so
 * every agent shares one thread and CPU must be told apart by handler time.
 */
class MeasurementAccuracyIT {

  private static GovernorNode node;

  @BeforeAll
  static void startNode() {
    node = TestNodes.start(TestNodes.config(TestNodes.randomClusterName(), TestNodes.randomClusterPort(), "acc", List.of())
        .with("monitor.intervalMs", 500).with("vertx.eventLoopPoolSize", 1)
        // Measurement on its own: degradation strategies would change what the agents use.
        .with("degradation.enabled", false));
  }

  @AfterAll
  static void stopNode() {
    TestNodes.closeAll(node);
  }

  private static void deploy(String id, String type, JsonObject config) {
    request(node, Addresses.AGENT_DEPLOY, new JsonObject().put("id", id).put("type", type)
        .put("group", "heavy_computation_agent").put("config", config));
  }

  /** The mean of the agent's last {@code n} raw samples of a resource, once it has that many after a settling time. */
  private static double settledMean(String id, Resource resource, int n) {
    long deployedAt = node.context().localAgents().get(id).deployedAt();
    double[][] raw = await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200)).ignoreExceptions().until(() -> {
      double[][] r = request(node, Addresses.MONITOR_MEASUREMENTS, new JsonObject().put("agentId", id)
          .put("resource", resource.name()).put("from", deployedAt + 1500)).getJsonObject("series")
          .getJsonArray(resource.name()).stream().map(o -> new double[] {((JsonObject) o).getDouble("value")})
          .toArray(double[][]::new);
      return r;
    }, r -> r.length >= n);
    double sum = 0;
    for (int i = raw.length - n; i < raw.length; i++) {
      sum += raw[i][0];
    }
    return sum / n;
  }

  @Test
  @DisplayName("two cpu-burners on one event loop are measured at their own rates (40 and 10 % ± 10)")
  void cpuBurnersToldApart() {
    deploy("burn-40", "cpu-burner", new JsonObject().put("cpuPercent", 40));
    deploy("burn-10", "cpu-burner", new JsonObject().put("cpuPercent", 10));
    LocalAgent a = node.context().localAgents().get("burn-40");
    LocalAgent b = node.context().localAgents().get("burn-10");
    await().atMost(Duration.ofSeconds(5)).until(() -> a.meter().thread() != null && b.meter().thread() != null);
    assertThat(a.meter().thread()).isSameAs(b.meter().thread());
    double cpuA = settledMean("burn-40", Resource.CPU, 6);
    double cpuB = settledMean("burn-10", Resource.CPU, 6);
    assertThat(cpuA).isCloseTo(40, within(10.0));
    assertThat(cpuB).isCloseTo(10, within(10.0));
    assertThat(cpuA).isGreaterThan(2 * cpuB);
    request(node, Addresses.AGENT_UNDEPLOY, new JsonObject().put("id", "burn-40"));
    request(node, Addresses.AGENT_UNDEPLOY, new JsonObject().put("id", "burn-10"));
  }

  @Test
  @DisplayName("a cpu-burner at 30 % of a core is measured at 30 ± 10")
  void cpuBurner() {
    deploy("burn-30", "cpu-burner", new JsonObject().put("cpuPercent", 30));
    assertThat(settledMean("burn-30", Resource.CPU, 6)).isCloseTo(30, within(10.0));
    request(node, Addresses.AGENT_UNDEPLOY, new JsonObject().put("id", "burn-30"));
  }

  @Test
  @DisplayName("a memory-hog holding 50 MB is measured within 20 %")
  void memoryHog() {
    deploy("hog-50", "memory-hog", new JsonObject().put("holdBytes", 50_000_000));
    assertThat(settledMean("hog-50", Resource.MEMORY, 2)).isCloseTo(50_000_000, within(10_000_000.0));
    request(node, Addresses.AGENT_UNDEPLOY, new JsonObject().put("id", "hog-50"));
  }

  @Test
  @DisplayName("a spawner with 5 children shows 5 processes")
  void spawner() {
    deploy("spawn-5", "spawner", new JsonObject().put("children", 5));
    assertThat(settledMean("spawn-5", Resource.PROCESSES, 2)).isEqualTo(5.0);
    JsonObject agent = request(node, Addresses.AGENT_GET, new JsonObject().put("id", "spawn-5"));
    assertThat(agent.getJsonObject("status").getInteger("children")).isEqualTo(5);
    request(node, Addresses.AGENT_UNDEPLOY, new JsonObject().put("id", "spawn-5"));
  }

  @Test
  @DisplayName("a chatty agent at 1 MB/s shows 1 MB/s of network within 20 %")
  void chatty() {
    deploy("chat-1m", "chatty", new JsonObject().put("bytesPerSecond", 1_000_000));
    assertThat(settledMean("chat-1m", Resource.NETWORK, 8)).isCloseTo(1_000_000, within(200_000.0));
    request(node, Addresses.AGENT_UNDEPLOY, new JsonObject().put("id", "chat-1m"));
  }

  @Test
  @DisplayName("usage and compliance of an agent are answered, with its quota's violations")
  void usageAndCompliance() {
    request(node, Addresses.AGENT_DEPLOY, new JsonObject().put("id", "over").put("type", "cpu-burner")
        .put("group", "heavy_computation_agent").put("config", new JsonObject().put("cpuPercent", 30))
        .put("quota", new JsonObject().put("limits", new JsonObject().put("cpu", new JsonObject().put("soft", 5).put("hard", 10)))));
    await().atMost(Duration.ofSeconds(10)).ignoreExceptions().until(() -> {
      JsonObject c = request(node, Addresses.MONITOR_COMPLIANCE, new JsonObject().put("agentId", "over"));
      return !c.getBoolean("compliant");
    });
    JsonObject usage = request(node, Addresses.MONITOR_USAGE, new JsonObject().put("agentId", "over"));
    assertThat(usage.getString("node")).isEqualTo("acc");
    assertThat(usage.getJsonObject("usage").fieldNames()).contains("memory", "cpu", "processes", "files",
        "connections", "network", "message_queue");
    JsonArray violations = request(node, Addresses.MONITOR_COMPLIANCE, new JsonObject().put("agentId", "over"))
        .getJsonArray("violations");
    assertThat(violations.getJsonObject(0).getString("resource")).isEqualTo("cpu");
    request(node, Addresses.AGENT_UNDEPLOY, new JsonObject().put("id", "over"));
  }
}
