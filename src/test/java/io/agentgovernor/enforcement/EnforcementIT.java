package io.agentgovernor.enforcement;

import static io.agentgovernor.testing.TestNodes.request;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.agentgovernor.bus.Addresses;
import io.agentgovernor.bus.ErrorCode;
import io.agentgovernor.node.GovernorNode;
import io.agentgovernor.testing.RecorderAgent;
import io.agentgovernor.testing.TestNodes;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** Enforcement with real agents on a real node: each action has its real, recorded effect. */
class EnforcementIT {

  private static GovernorNode node;

  @BeforeAll
  static void startNode() {
    node = TestNodes.start(TestNodes.config(TestNodes.randomClusterName(), TestNodes.randomClusterPort(), "enf", List.of())
        // Enforcement on its own: degradation would otherwise act on these agents first.
        .with("degradation.enabled", false)
        .with("monitor.intervalMs", 1000).with("enforcement.hysteresis", new JsonObject().put("fraction", 0.9).put("holdMs", 2000)));
    node.context().agentTypes().register(RecorderAgent.FACTORY);
  }

  @AfterAll
  static void stopNode() {
    TestNodes.closeAll(node);
  }

  private static JsonObject limit(double soft, double hard, JsonArray ladder) {
    return new JsonObject().put("soft", soft).put("hard", hard).put("ladder", ladder);
  }

  private static JsonObject step(String action, long afterMs, JsonObject params) {
    JsonObject s = new JsonObject().put("action", action).put("afterMs", afterMs);
    return params == null ? s : s.put("params", params);
  }

  private static void deploy(String id, String type, JsonObject config, String resource, JsonObject limit) {
    request(node, Addresses.AGENT_DEPLOY, new JsonObject().put("id", id).put("type", type)
        .put("group", "heavy_computation_agent").put("config", config)
        .put("quota", new JsonObject().put("limits", new JsonObject().put(resource, limit))));
  }

  private static JsonArray history(String id) {
    return request(node, Addresses.ENFORCEMENT_HISTORY, new JsonObject().put("agentId", id).put("limit", 200))
        .getJsonArray("items");
  }

  private static boolean hasEvent(String id, String action, String outcome) {
    return history(id).stream().map(o -> (JsonObject) o)
        .anyMatch(e -> action.equals(e.getString("action")) && outcome.equals(e.getString("outcome")));
  }

  private static double recentCpu(String id, int samples) {
    double[][] raw = new double[0][];
    JsonArray points = request(node, Addresses.MONITOR_MEASUREMENTS, new JsonObject().put("agentId", id)
        .put("resource", "cpu")).getJsonObject("series").getJsonArray("cpu");
    double max = 0;
    for (int i = Math.max(0, points.size() - samples); i < points.size(); i++) {
      max = Math.max(max, points.getJsonObject(i).getDouble("value"));
    }
    return max;
  }

  @Test
  @DisplayName("a cpu-burner at 40 % under a hard limit of 20 with a throttle step settles at ≤ 22 % within 10 s, stays there on average (no sample above 26), and recovers when the limit is raised")
  void throttleClosedLoop() {
    deploy("thr", "cpu-burner", new JsonObject().put("cpuPercent", 40), "cpu",
        limit(15, 20, new JsonArray().add(step("throttle", 0, null))));
    await().atMost(Duration.ofSeconds(20)).until(() -> hasEvent("thr", "throttle", "success"));
    long throttledAt = System.currentTimeMillis();
    await().atMost(Duration.ofSeconds(12)).pollInterval(Duration.ofMillis(500)).until(() -> recentCpu("thr", 4) <= 22);
    assertThat(System.currentTimeMillis() - throttledAt).isLessThanOrEqualTo(12_000);
    assertThat(request(node, Addresses.AGENT_GET, new JsonObject().put("id", "thr")).getString("state")).isEqualTo("throttled");
    // and it stays there: every sample of the next 4 s
    long settledAt = System.currentTimeMillis();
    java.util.function.Supplier<JsonArray> since = () -> request(node, Addresses.MONITOR_MEASUREMENTS,
        new JsonObject().put("agentId", "thr").put("resource", "cpu").put("from", settledAt))
        .getJsonObject("series").getJsonArray("cpu");
    await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(500)).until(() -> since.get().size() >= 5);
    JsonArray points = since.get();
    // the loop holds the limit on average; one 1 s sample can catch a burst the next one pays back
    // (a loaded 2-core machine has shown 22.5 once), so a single sample gets 30 % over the limit
    double mean = points.stream().mapToDouble(p -> ((JsonObject) p).getDouble("value")).average().orElseThrow();
    assertThat(mean).as("mean of " + points).isLessThanOrEqualTo(22.0);
    points.forEach(p -> assertThat(((JsonObject) p).getDouble("value")).isLessThanOrEqualTo(26.0));

    request(node, Addresses.QUOTA_UPDATE, new JsonObject().put("agentId", "thr").put("group", "heavy_computation_agent")
        .put("limits", new JsonObject().put("cpu", limit(80, 100, new JsonArray().add(step("throttle", 0, null))))));
    await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(500))
        .until(() -> request(node, Addresses.AGENT_GET, new JsonObject().put("id", "thr")).getDouble("throttleFactor") == 1.0);
    await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(500)).until(() -> recentCpu("thr", 3) >= 32);
    assertThat(hasEvent("thr", "throttle", "success")).isTrue();
    request(node, Addresses.AGENT_UNDEPLOY, new JsonObject().put("id", "thr"));
  }

  @Test
  @DisplayName("1,000 messages sent to a suspended agent are all handled after resume, in order")
  void suspendKeepsMessages() {
    request(node, Addresses.AGENT_DEPLOY, new JsonObject().put("id", "rec").put("type", "recorder").put("group", "standard_agent"));
    JsonObject suspended = request(node, Addresses.ENFORCEMENT_ACTION,
        new JsonObject().put("agentId", "rec").put("action", "suspend").put("reason", "test"));
    assertThat(suspended.getString("outcome")).isEqualTo("success");
    for (int i = 0; i < 1000; i++) {
      node.vertx().eventBus().send(Addresses.agentInbox("rec"), new JsonObject().put("seq", i));
    }
    await().atMost(Duration.ofSeconds(10)).until(() ->
        node.context().localAgents().get("rec").queuedMessages() == 1000);
    assertThat(request(node, Addresses.AGENT_GET, new JsonObject().put("id", "rec")).getJsonObject("status")
        .getLong("received")).isZero();
    await().atMost(Duration.ofSeconds(5)).ignoreExceptions().until(() -> request(node, Addresses.MONITOR_USAGE,
        new JsonObject().put("agentId", "rec")).getJsonObject("usage").getLong("message_queue") == 1000L);
    request(node, Addresses.ENFORCEMENT_ACTION, new JsonObject().put("agentId", "rec").put("action", "resume"));
    await().atMost(Duration.ofSeconds(10)).until(() -> request(node, Addresses.AGENT_GET, new JsonObject().put("id", "rec"))
        .getJsonObject("status").getLong("received") == 1000);
    JsonObject status = request(node, Addresses.AGENT_GET, new JsonObject().put("id", "rec")).getJsonObject("status");
    assertThat(status.getBoolean("inOrder")).isTrue();
    assertThat(status.getLong("last")).isEqualTo(999);
    request(node, Addresses.AGENT_UNDEPLOY, new JsonObject().put("id", "rec"));
  }

  @Test
  @DisplayName("terminate sends the notice, honours the grace period, then undeploys and cleans the registry")
  void terminateHonoursGrace() {
    deploy("term", "cpu-burner", new JsonObject().put("cpuPercent", 30), "cpu",
        limit(5, 10, new JsonArray().add(step("terminate", 0, new JsonObject().put("graceMs", 1500)))));
    // (between the undeploy and the history write the agent is briefly unknown: ignore that answer)
    await().atMost(Duration.ofSeconds(15)).ignoreExceptions().until(() -> hasEvent("term", "terminate", "success"));
    JsonObject event = history("term").stream().map(o -> (JsonObject) o)
        .filter(e -> "terminate".equals(e.getString("action"))).findFirst().orElseThrow();
    assertThat(event.getJsonObject("detail").getLong("undeployedAfterMs")).isGreaterThanOrEqualTo(1500);
    assertThatThrownBy(() -> request(node, Addresses.AGENT_GET, new JsonObject().put("id", "term")))
        .isInstanceOfSatisfying(ReplyException.class,
            e -> assertThat(ErrorCode.ofFailureCode(e.failureCode())).isEqualTo(ErrorCode.NOT_FOUND));
    assertThat(node.context().localAgents().get("term")).isNull();
    await().atMost(Duration.ofSeconds(2)).until(() -> node.context().quotaIndex().get("term") == null);
  }

  @Test
  @DisplayName("an unmet scale-down request escalates to the next step at its deadline")
  void unmetScaleDownEscalates() {
    deploy("sd", "cpu-burner", new JsonObject().put("cpuPercent", 30), "cpu", limit(5, 10, new JsonArray()
        .add(step("scale_down", 0, new JsonObject().put("withinMs", 1000)))
        .add(step("suspend", 600_000, null))));
    await().atMost(Duration.ofSeconds(15)).until(() -> hasEvent("sd", "suspend", "success"));
    List<String> order = new ArrayList<>();
    JsonArray h = history("sd");
    for (int i = h.size() - 1; i >= 0; i--) {
      order.add(h.getJsonObject(i).getString("action"));
    }
    assertThat(order).containsSubsequence("scale_down", "suspend");
    // the suspension really happened (the runtime's reply says so); it may be lifted already, as
    // usage falls under the limit while suspended and this test's hysteresis hold is 2 s
    assertThat(history("sd").stream().map(o -> (JsonObject) o)
        .filter(e -> "suspend".equals(e.getString("action")) && "success".equals(e.getString("outcome")))
        .map(e -> e.getJsonObject("detail").getString("state"))).contains("suspended");
    request(node, Addresses.AGENT_UNDEPLOY, new JsonObject().put("id", "sd"));
  }

  @Test
  @DisplayName("a failing custom handler is recorded as a failure, a missing one too")
  void failingCustomHandler() {
    node.vertx().eventBus().<JsonObject>consumer(EnforcementHandler.address("always-fails"),
        m -> m.fail(500, "pager is down"));
    deploy("cust", "cpu-burner", new JsonObject().put("cpuPercent", 30), "cpu", limit(5, 10, new JsonArray()
        .add(step("custom", 0, new JsonObject().put("handler", "always-fails")))
        .add(step("custom", 0, new JsonObject().put("handler", "not-registered").put("timeoutMs", 500)))));
    await().atMost(Duration.ofSeconds(15)).until(() -> history("cust").stream().map(o -> (JsonObject) o)
        .filter(e -> "custom".equals(e.getString("action")) && "failure".equals(e.getString("outcome"))).count() == 2);
    assertThat(history("cust").stream().map(o -> ((JsonObject) o).getString("error")).toList())
        .anyMatch(e -> e != null && e.contains("pager is down"));
    request(node, Addresses.AGENT_UNDEPLOY, new JsonObject().put("id", "cust"));
  }

  @Test
  @DisplayName("dry-run records the decisions with outcome dry-run and applies nothing")
  void dryRun() {
    request(node, Addresses.AGENT_DEPLOY, new JsonObject().put("id", "dry").put("type", "cpu-burner")
        .put("group", "heavy_computation_agent").put("config", new JsonObject().put("cpuPercent", 30))
        .put("quota", new JsonObject().put("dryRun", true).put("limits", new JsonObject()
            .put("cpu", limit(5, 10, new JsonArray().add(step("suspend", 0, null)))))));
    await().atMost(Duration.ofSeconds(10)).until(() -> hasEvent("dry", "suspend", "dry-run"));
    assertThat(request(node, Addresses.AGENT_GET, new JsonObject().put("id", "dry")).getString("state")).isEqualTo("running");
    assertThat(hasEvent("dry", "suspend", "success")).isFalse();
    request(node, Addresses.AGENT_UNDEPLOY, new JsonObject().put("id", "dry"));
  }

  @Test
  @DisplayName("migration with no peer to take the agent falls back to suspending it")
  void migrateWithoutPeerSuspends() {
    request(node, Addresses.AGENT_DEPLOY, new JsonObject().put("id", "lonely").put("type", "stateful-counter")
        .put("group", "standard_agent"));
    JsonObject result = request(node, Addresses.ENFORCEMENT_ACTION,
        new JsonObject().put("agentId", "lonely").put("action", "migrate").put("params", new JsonObject().put("resource", "memory")));
    assertThat(result.getString("outcome")).isEqualTo("failure");
    await().atMost(Duration.ofSeconds(5)).until(() -> hasEvent("lonely", "suspend", "success"));
    assertThat(request(node, Addresses.AGENT_GET, new JsonObject().put("id", "lonely")).getString("state")).isEqualTo("suspended");
    request(node, Addresses.AGENT_UNDEPLOY, new JsonObject().put("id", "lonely"));
  }

  @Test
  @DisplayName("over a group's cluster-wide total, the group ladder acts on its lowest-priority consumer first")
  void groupTotal() {
    String group = """
        {"name": "tight", "overcommit": 10, "priority": 5,
         "defaultLimits": {"cpu": {"soft": 80, "hard": 90}},
         "totalLimits": {"cpu": %d},
         "ladder": [{"action": "throttle", "afterMs": 0}]}""";
    request(node, Addresses.GROUP_PUT, new JsonObject(group.formatted(500)));
    await().atMost(Duration.ofSeconds(2)).until(() -> node.context().quotaIndex().group("tight") != null);
    for (String[] a : new String[][] {{"grp-low", "1"}, {"grp-high", "9"}}) {
      request(node, Addresses.AGENT_DEPLOY, new JsonObject().put("id", a[0]).put("type", "cpu-burner").put("group", "tight")
          .put("config", new JsonObject().put("cpuPercent", 40))
          .put("quota", new JsonObject().put("priority", Integer.parseInt(a[1]))));
    }
    // both burning at full rate, then the group's total drops below their sum (80 against 60): the
    // excess (~20) is half of what the low-priority agent alone burns, so covering it never needs
    // the high-priority one, even when a loaded machine makes one sample read low
    await().atMost(Duration.ofSeconds(15)).until(() -> recentCpu("grp-low", 1) >= 30 && recentCpu("grp-high", 1) >= 30);
    request(node, Addresses.GROUP_PUT, new JsonObject(group.formatted(60)));
    await().atMost(Duration.ofSeconds(20)).until(() -> history("grp-low").stream().map(o -> (JsonObject) o)
        .anyMatch(e -> "throttle".equals(e.getString("action")) && "group".equals(e.getString("violation"))
            && "success".equals(e.getString("outcome"))));
    assertThat(history("grp-high").stream().map(o -> (JsonObject) o)
        .noneMatch(e -> "throttle".equals(e.getString("action")) && "apply".equals(e.getString("kind")))).isTrue();
    assertThat(request(node, Addresses.AGENT_GET, new JsonObject().put("id", "grp-low")).getString("state")).isEqualTo("throttled");
    request(node, Addresses.AGENT_UNDEPLOY, new JsonObject().put("id", "grp-low"));
    request(node, Addresses.AGENT_UNDEPLOY, new JsonObject().put("id", "grp-high"));
  }

  @Test
  @DisplayName("bad operator actions are refused with codes: unknown action, unknown agent, bad params")
  void badActions() {
    request(node, Addresses.AGENT_DEPLOY, new JsonObject().put("id", "target").put("type", "idle").put("group", "standard_agent"));
    assertThat(failure(new JsonObject().put("agentId", "target").put("action", "explode"))).isEqualTo(ErrorCode.UNKNOWN_ACTION);
    assertThat(failure(new JsonObject().put("agentId", "nobody").put("action", "suspend"))).isEqualTo(ErrorCode.NOT_FOUND);
    assertThat(failure(new JsonObject().put("agentId", "target").put("action", "throttle")
        .put("params", new JsonObject().put("factor", 3)))).isEqualTo(ErrorCode.INVALID_REQUEST);
    assertThat(failure(new JsonObject().put("agentId", "target").put("action", "custom"))).isEqualTo(ErrorCode.INVALID_REQUEST);
    request(node, Addresses.AGENT_UNDEPLOY, new JsonObject().put("id", "target"));
    assertThat(failure(new JsonObject().put("agentId", "target").put("action", "suspend"))).isEqualTo(ErrorCode.NOT_FOUND);
  }

  private static ErrorCode failure(JsonObject action) {
    try {
      request(node, Addresses.ENFORCEMENT_ACTION, action);
    } catch (ReplyException e) {
      return ErrorCode.ofFailureCode(e.failureCode());
    }
    throw new AssertionError("expected a failure for " + action);
  }

}
