package io.agentgovernor.admin;

import static io.agentgovernor.testing.TestNodes.ADMIN_TOKEN;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.agentgovernor.bus.Addresses;
import io.agentgovernor.node.GovernorNode;
import io.agentgovernor.testing.TestNodes;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The dashboard in headless Chromium (src/test/browser/dashboard.mjs, playwright-core driving
 * Debian's chromium; {@code .ci/install-browser.sh} installs both): it signs in with a token, lists
 * the agents, receives a live event published on the node's event bus, loads nothing from outside
 * the node, and leaves a screenshot at {@code target/dashboard.png}.
 */
class DashboardBrowserIT {

  private static final Path SCRIPT_DIR = Path.of("src/test/browser");
  private static final List<String> AGENTS = List.of("planner", "web-crawler", "summariser");
  private static GovernorNode node;
  private static long measurementTimer;

  @BeforeAll
  static void start() {
    node = TestNodes.start(TestNodes.config(TestNodes.randomClusterName(), TestNodes.randomClusterPort(), "dash-1", List.of()));
    Http http = new Http(node.httpPort());
    http.call("PUT", "/api/v1/quotas/planner", ADMIN_TOKEN, "{\"group\": \"standard_agent\"}");
    http.call("PUT", "/api/v1/quotas/web-crawler", ADMIN_TOKEN, "{\"group\": \"heavy_computation_agent\"}");
    http.call("PUT", "/api/v1/quotas/summariser", ADMIN_TOKEN,
        "{\"group\": \"lightweight_agent\", \"limits\": {\"cpu\": {\"soft\": 20, \"hard\": 30}}}");
    long[] tick = {0};
    // Measurement batches as the monitor publishes them, so bars and charts have live data.
    measurementTimer = node.vertx().setPeriodic(300, id -> {
      double t = tick[0]++ / 5.0;
      JsonArray samples = new JsonArray()
          .add(sample("planner", 35 + 20 * Math.sin(t), 180e6 + 30e6 * Math.cos(t / 2)))
          .add(sample("web-crawler", 160 + 60 * Math.sin(t / 3), 1.1e9))
          .add(sample("summariser", 24 + 8 * Math.sin(t * 1.5), 52e6));
      node.vertx().eventBus().publish(Addresses.EVENTS_MEASUREMENTS, new JsonObject().put("node", node.nodeId())
          .put("time", System.currentTimeMillis()).put("samples", samples));
    });
  }

  private static JsonObject sample(String agent, double cpu, double memory) {
    return new JsonObject().put("agentId", agent).put("usage", new JsonObject().put("cpu", Math.round(cpu * 10) / 10.0)
        .put("memory", (long) memory));
  }

  @AfterAll
  static void stop() {
    if (node != null) {
      node.vertx().cancelTimer(measurementTimer);
    }
    TestNodes.closeAll(node);
  }

  @Test
  @DisplayName("headless Chromium signs in, sees the agents and a live event arrive, and saves a screenshot")
  void dashboardShowsAgentsAndLiveEvents() throws Exception {
    assumeTrue(Files.isExecutable(Path.of("/usr/bin/chromium")), "chromium missing: run .ci/install-browser.sh");
    assumeTrue(Files.isDirectory(SCRIPT_DIR.resolve("node_modules/playwright-core")), "playwright-core missing: run .ci/install-browser.sh");
    Path screenshot = Path.of("target/dashboard.png").toAbsolutePath();
    Files.deleteIfExists(screenshot);
    Process browser = new ProcessBuilder("node", "dashboard.mjs", "http://127.0.0.1:" + node.httpPort(), ADMIN_TOKEN,
        screenshot.toString(), "summariser", String.join(",", AGENTS))
        .directory(SCRIPT_DIR.toFile()).redirectErrorStream(true).start();
    List<String> output = new CopyOnWriteArrayList<>();
    try (BufferedReader out = new BufferedReader(new InputStreamReader(browser.getInputStream(), StandardCharsets.UTF_8))) {
      String line;
      while ((line = out.readLine()) != null) {
        output.add(line);
        if (line.equals("READY")) {
          publishEvents();
        }
      }
    }
    assertThat(browser.waitFor(120, TimeUnit.SECONDS)).isTrue();
    assertThat(browser.exitValue()).as(String.join("\n", output)).isZero();
    assertThat(output).contains("AGENTS-SEEN " + String.join(",", AGENTS), "EVENT-SEEN summariser");
    assertThat(screenshot).exists();
    assertThat(Files.size(screenshot)).isGreaterThan(10_000);
  }

  /** Real governor events, published on the node's bus as the enforcement part would. */
  private static void publishEvents() {
    long now = System.currentTimeMillis();
    var bus = node.vertx().eventBus();
    bus.publish(Addresses.EVENTS, new JsonObject().put("type", "alert").put("agentId", "planner").put("node", node.nodeId())
        .put("time", now - 4000).put("resource", "cpu").put("message", "cpu 52 % above soft limit 50 %"));
    bus.publish(Addresses.EVENTS, new JsonObject().put("type", "violation").put("agentId", "summariser").put("node", node.nodeId())
        .put("time", now - 2000).put("resource", "cpu").put("violation", "hard").put("current", 31.5).put("limit", 30));
    bus.publish(Addresses.EVENTS, new JsonObject().put("type", "enforcement").put("agentId", "summariser").put("node", node.nodeId())
        .put("time", now).put("resource", "cpu").put("violation", "hard").put("action", "throttle").put("step", 1)
        .put("outcome", "success").put("reason", "cpu above hard limit for 30 s"));
  }
}
