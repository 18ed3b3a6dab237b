package io.agentgovernor.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.agentgovernor.bus.Addresses;
import io.agentgovernor.node.GovernorNode;
import io.agentgovernor.testing.TestNodes;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The governor's figures at /metrics, derived from the event streams; per-agent gauges behind their switch. */
class MetricsTest {

  private static GovernorNode node;

  @BeforeAll
  static void start() {
    node = TestNodes.start(TestNodes.config(TestNodes.randomClusterName(), TestNodes.randomClusterPort(), "metrics-1", List.of())
        .with("admin.metrics", new JsonObject().put("perAgent", true)));
  }

  @AfterAll
  static void stop() {
    TestNodes.closeAll(node);
  }

  @Test
  @DisplayName("samples, violations by kind, actions by action and outcome, and per-agent usage are counted from events")
  void countsFromEvents() {
    var bus = node.vertx().eventBus();
    JsonArray samples = new JsonArray()
        .add(new JsonObject().put("agentId", "m-1").put("usage", new JsonObject().put("cpu", 42).put("memory", 1000)))
        .add(new JsonObject().put("agentId", "m-2").put("usage", new JsonObject().put("cpu", 7)));
    bus.publish(Addresses.EVENTS_MEASUREMENTS, new JsonObject().put("node", "metrics-1").put("time", 1).put("samples", samples));
    bus.publish(Addresses.EVENTS_MEASUREMENTS, new JsonObject().put("node", "another-node").put("time", 1).put("samples", samples));
    bus.publish(Addresses.EVENTS, new JsonObject().put("type", "violation").put("node", "metrics-1").put("violation", "hard"));
    bus.publish(Addresses.EVENTS, new JsonObject().put("type", "violation").put("node", "metrics-1").put("violation", "hard"));
    bus.publish(Addresses.EVENTS, new JsonObject().put("type", "enforcement").put("node", "metrics-1")
        .put("action", "throttle").put("outcome", "success"));
    bus.publish(Addresses.EVENTS, new JsonObject().put("type", "violation").put("node", "another-node").put("violation", "soft"));
    Http http = new Http(node.httpPort());
    await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
      String text = http.get("/metrics", null).body();
      assertThat(text).contains("governor_measurement_samples_total 2.0")
          .contains("governor_violations_total{violation=\"hard\"} 2.0")
          .doesNotContain("violation=\"soft\"")
          .contains("governor_enforcement_actions_total{action=\"throttle\",outcome=\"success\"} 1.0")
          .contains("governor_agent_usage{agent=\"m-1\",resource=\"cpu\"} 42.0")
          .contains("governor_agent_usage{agent=\"m-2\",resource=\"cpu\"} 7.0");
    });
  }
}
