package io.agentgovernor.analytics;

import static io.agentgovernor.testing.TestNodes.request;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.agentgovernor.bus.Addresses;
import io.agentgovernor.bus.ErrorCode;
import io.agentgovernor.node.GovernorNode;
import io.agentgovernor.testing.TestNodes;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The analytics part on a real node with real sample agents: analysis, apply, auto-apply, reports. */
class AnalyticsIT {

  private static final Duration PATIENCE = Duration.ofSeconds(60);
  private static final List<String> CPU_UP = List.of("increase_quota", "raise_burst");
  private static GovernorNode node;
  private static final List<JsonObject> events = new CopyOnWriteArrayList<>();

  @BeforeAll
  static void startNode() {
    node = TestNodes.start(TestNodes.config(TestNodes.randomClusterName(), TestNodes.randomClusterPort(), "ana", List.of())
        .with("monitor.intervalMs", 200)
        // degradation would make the over-limit burner compute less and change what is analysed
        .with("degradation.enabled", false)
        .with("analytics.intervalMs", 2000)
        .with("analytics.resolutionMs", 1000)
        .with("analytics.autoApply", new JsonObject().put("lightweight_agent",
            // any confidence: a test minute of a burner sharing two cores is too short and noisy for the default 0.5
            new JsonObject().put("maxChangeFraction", 0.2).put("minConfidence", 0.0))));
    node.vertx().eventBus().<JsonObject>consumer(Addresses.EVENTS, m -> {
      if ("recommendation".equals(m.body().getString("type"))) {
        events.add(m.body());
      }
    });
    // a cpu limit of 20 whose ladder only warns, so the burner keeps using 40 % and keeps violating
    deploy("burner", "cpu-burner", "heavy_computation_agent", new JsonObject().put("cpuPercent", 40), cpuLimit(15, 20));
    deploy("auto", "cpu-burner", "lightweight_agent", new JsonObject().put("cpuPercent", 40), cpuLimit(15, 20));
    deploy("spiky", "bursty", "standard_agent", new JsonObject().put("baseCpuPercent", 5).put("burstCpuPercent", 30)
        .put("burstEveryMs", 4000).put("burstForMs", 1000), null);
    deploy("calm", "idle", "standard_agent", new JsonObject(), null);
  }

  @AfterAll
  static void stopNode() {
    TestNodes.closeAll(node);
  }

  private static JsonObject cpuLimit(double soft, double hard) {
    return new JsonObject().put("soft", soft).put("hard", hard)
        .put("ladder", new JsonArray().add(new JsonObject().put("action", "warn").put("afterMs", 0)));
  }

  private static void deploy(String id, String type, String group, JsonObject config, JsonObject cpu) {
    JsonObject req = new JsonObject().put("id", id).put("type", type).put("group", group).put("config", config);
    if (cpu != null) {
      req.put("quota", new JsonObject().put("limits", new JsonObject().put("cpu", cpu)));
    }
    request(node, Addresses.AGENT_DEPLOY, req);
  }

  private static JsonArray recommendations(String agentId) {
    return request(node, Addresses.ANALYTICS_RECOMMENDATIONS, new JsonObject().put("agentId", agentId)).getJsonArray("items");
  }

  private static Optional<JsonObject> openCpuRaise(String agentId) {
    return recommendations(agentId).stream().map(JsonObject.class::cast)
        .filter(r -> "cpu".equals(r.getString("resource")) && "open".equals(r.getString("status"))
            && CPU_UP.contains(r.getString("type")))
        .findFirst();
  }

  private static JsonObject quota(String agentId) {
    return request(node, Addresses.QUOTA_GET, new JsonObject().put("agentId", agentId));
  }

  private static ErrorCode failure(String address, JsonObject body) {
    try {
      request(node, address, body);
      return null;
    } catch (ReplyException e) {
      return ErrorCode.ofFailureCode(e.failureCode());
    }
  }

  @Test
  @DisplayName("patterns are answered for every agent, the idle one included, and a recommendation event is published")
  void patternsForEveryAgent() {
    for (String id : List.of("burner", "spiky", "calm")) {
      await().atMost(PATIENCE).ignoreExceptions().until(() ->
          request(node, Addresses.ANALYTICS_PATTERNS, new JsonObject().put("agentId", id)).getValue("time") != null);
    }
    JsonObject cpu = request(node, Addresses.ANALYTICS_PATTERNS, new JsonObject().put("agentId", "burner"))
        .getJsonObject("patterns").getJsonObject("cpu");
    assertThat(cpu.getString("pattern")).isIn("steady", "periodic", "bursty", "growing", "declining");
    assertThat(cpu.getJsonObject("statistics").getDouble("mean")).isGreaterThan(10);
    await().atMost(PATIENCE).until(() -> events.stream().anyMatch(e -> "burner".equals(e.getString("agentId"))
        && "open".equals(e.getString("status")) && e.getString("node").equals("ana") && e.getLong("time") > 0));
  }

  @Test
  @DisplayName("a 40 % burner under a hard cpu limit of 20 gets a cpu raise; applying it changes the quota live, once")
  void applyChangesQuotaLive() {
    JsonObject rec = await().atMost(PATIENCE).ignoreExceptions().until(() -> openCpuRaise("burner"), Optional::isPresent)
        .orElseThrow();
    assertThat(rec.getJsonObject("evidence").getInteger("recentViolations")).isPositive();
    JsonObject before = quota("burner");
    JsonObject applied = request(node, Addresses.ANALYTICS_APPLY, new JsonObject().put("agentId", "burner")
        .put("recommendationId", rec.getString("id")).put("by", "alice"));

    assertThat(applied.getLong("version")).isGreaterThan(before.getLong("version"));
    double hard = applied.getJsonObject("limits").getJsonObject("cpu").getDouble("hard");
    assertThat(hard).isGreaterThan(20);
    JsonObject after = quota("burner");
    assertThat(after.getLong("version")).isEqualTo(applied.getLong("version"));
    assertThat(after.getJsonObject("limits").getJsonObject("cpu").getDouble("hard")).isEqualTo(hard);
    assertThat(after.getString("group")).isEqualTo(before.getString("group"));
    assertThat(after.getInteger("priority")).isEqualTo(before.getInteger("priority"));
    assertThat(after.getJsonObject("limits").getJsonObject("memory"))
        .isEqualTo(before.getJsonObject("limits").getJsonObject("memory"));

    assertThat(failure(Addresses.ANALYTICS_APPLY, new JsonObject().put("agentId", "burner")
        .put("recommendationId", rec.getString("id")))).isEqualTo(ErrorCode.INVALID_STATE);
    JsonObject stored = recommendations("burner").stream().map(JsonObject.class::cast)
        .filter(r -> r.getString("id").equals(rec.getString("id"))).findFirst().orElseThrow();
    assertThat(stored.getString("status")).isEqualTo("applied");
    assertThat(stored.getString("appliedBy")).isEqualTo("alice");
    assertThat(stored.getLong("appliedAt")).isPositive();
    // enforcement uses the new limit at once: 40 % is no longer a hard violation
    await().atMost(PATIENCE).ignoreExceptions().until(() -> request(node, Addresses.MONITOR_COMPLIANCE,
        new JsonObject().put("agentId", "burner")).getJsonArray("violations").stream().map(JsonObject.class::cast)
        .allMatch(v -> "soft".equals(v.getString("violation"))));
    await().atMost(PATIENCE).until(() -> events.stream().anyMatch(e -> "burner".equals(e.getString("agentId"))
        && "applied".equals(e.getString("status")) && rec.getString("id").equals(e.getString("recommendationId"))));
  }

  @Test
  @DisplayName("a group with auto-apply gets its cpu raised in steps of at most 20 %")
  void autoApplyInBoundedSteps() {
    await().atMost(PATIENCE).ignoreExceptions().until(() ->
        quota("auto").getJsonObject("limits").getJsonObject("cpu").getDouble("hard") > 20);
    JsonObject first = recommendations("auto").stream().map(JsonObject.class::cast)
        .filter(r -> "auto-apply".equals(r.getString("appliedBy")))
        .min((a, b) -> Long.compare(a.getLong("appliedAt"), b.getLong("appliedAt"))).orElseThrow();
    assertThat(first.getJsonObject("appliedLimit").getDouble("hard")).isCloseTo(24.0, org.assertj.core.data.Offset.offset(0.01));
  }

  @Test
  @DisplayName("ANALYTICS_RUN analyses all agents of the node, or one")
  void runOnDemand() {
    await().atMost(PATIENCE).ignoreExceptions().until(() ->
        request(node, Addresses.ANALYTICS_RUN, new JsonObject()).getInteger("analysed") >= 4);
    assertThat(request(node, Addresses.ANALYTICS_RUN, new JsonObject().put("agentId", "burner")).getInteger("analysed"))
        .isEqualTo(1);
  }

  @Test
  @DisplayName("a report for one agent and for all: usage statistics, violations, actions, patterns, recommendations")
  void reports() {
    await().atMost(PATIENCE).ignoreExceptions().until(() -> !recommendations("burner").isEmpty());
    JsonObject one = request(node, Addresses.ANALYTICS_REPORT, new JsonObject().put("agentId", "burner"));
    assertThat(one.getLong("from")).isLessThanOrEqualTo(one.getLong("to"));
    JsonObject burner = one.getJsonArray("agents").getJsonObject(0);
    assertThat(one.getJsonArray("agents")).hasSize(1);
    assertThat(burner.getString("agentId")).isEqualTo("burner");
    JsonObject cpu = burner.getJsonObject("usage").getJsonObject("cpu");
    assertThat(cpu.getDouble("mean")).isGreaterThan(15);
    assertThat(cpu.getDouble("max")).isGreaterThanOrEqualTo(cpu.getDouble("p95"));
    assertThat(cpu.getDouble("p95")).isGreaterThanOrEqualTo(cpu.getDouble("min"));
    assertThat(burner.getJsonObject("violations").getLong("total")).isPositive();
    assertThat(burner.getJsonObject("violations").getJsonObject("byResource").getLong("cpu")).isPositive();
    assertThat(burner.getJsonObject("actions").getLong("total")).isPositive();
    assertThat(burner.getJsonObject("patterns").containsKey("cpu")).isTrue();
    assertThat(burner.getJsonArray("recommendations")).isNotEmpty();

    JsonObject all = request(node, Addresses.ANALYTICS_REPORT, new JsonObject());
    assertThat(all.getJsonArray("agents").stream().map(a -> ((JsonObject) a).getString("agentId")).toList())
        .contains("auto", "burner", "calm", "spiky");
  }

  @Test
  @DisplayName("bad input: from after to, unknown agents and unknown recommendation ids fail with their codes")
  void badInput() {
    assertThat(failure(Addresses.ANALYTICS_REPORT, new JsonObject().put("from", 2000).put("to", 1000)))
        .isEqualTo(ErrorCode.INVALID_RANGE);
    assertThat(failure(Addresses.ANALYTICS_REPORT, new JsonObject().put("agentId", "nobody"))).isEqualTo(ErrorCode.NOT_FOUND);
    assertThat(failure(Addresses.ANALYTICS_PATTERNS, new JsonObject().put("agentId", "nobody"))).isEqualTo(ErrorCode.NOT_FOUND);
    assertThat(failure(Addresses.ANALYTICS_RECOMMENDATIONS, new JsonObject().put("agentId", "nobody")))
        .isEqualTo(ErrorCode.NOT_FOUND);
    assertThat(failure(Addresses.ANALYTICS_RUN, new JsonObject().put("agentId", "nobody"))).isEqualTo(ErrorCode.NOT_FOUND);
    assertThat(failure(Addresses.ANALYTICS_APPLY, new JsonObject().put("agentId", "nobody").put("recommendationId", "x")))
        .isEqualTo(ErrorCode.NOT_FOUND);
    await().atMost(PATIENCE).ignoreExceptions().until(() -> !recommendations("burner").isEmpty());
    assertThat(failure(Addresses.ANALYTICS_APPLY, new JsonObject().put("agentId", "burner").put("recommendationId", "no-such-id")))
        .isEqualTo(ErrorCode.NOT_FOUND);
    assertThat(failure(Addresses.ANALYTICS_APPLY, new JsonObject().put("agentId", "burner"))).isEqualTo(ErrorCode.INVALID_ID);
    assertThat(failure(Addresses.ANALYTICS_REPORT, new JsonObject().put("agentId", "bad id!"))).isEqualTo(ErrorCode.INVALID_ID);
  }
}
