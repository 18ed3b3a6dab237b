package io.agentgovernor.admin;

import static io.agentgovernor.testing.TestNodes.ADMIN_TOKEN;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.agentgovernor.node.GovernorNode;
import io.agentgovernor.testing.TestNodes;
import io.vertx.core.json.JsonObject;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The dashboard in headless Chromium (src/test/browser/dashboard.mjs, playwright-core driving
 * Debian's chromium; the build installs both): a node started with {@code --demo} runs its demo
 * agents for real; the browser signs in with a token, lists the demo agents, sees a live event
 * of the governor at work on one of them, loads nothing from outside the node, and leaves a
 * screenshot at {@code target/dashboard.png}. While it opens, a budget is created and spent over
 * HTTP ({@code POST /api/v1/reservations}, then commit or release); the budgets panel must show
 * the committed and remaining figures the API reports and a burn-down of at least two polls.
 */
class DashboardBrowserIT {

  private static final Path SCRIPT_DIR = Path.of("src/test/browser");
  private static final List<String> AGENTS = List.of("demo-burner", "demo-hog", "demo-chatty", "demo-counter");
  /** 60 % of a core against a hard limit of 30: its violation events come every 10 s. */
  private static final String MARKER = "demo-burner";
  private static final String BUDGET = "dash-tokens";
  private static final long AMOUNT = 100_000;
  /** Reserved, then settled with: 4,000 + 3,000 + 0 (released) + 1,500. */
  private static final long[][] SPEND = {{5_000, 4_000}, {3_000, 3_000}, {1_000, 0}, {2_000, 1_500}};
  private static final long COMMITTED = 8_500;
  private static GovernorNode node;

  @BeforeAll
  static void start() {
    node = TestNodes.start(TestNodes.config(TestNodes.randomClusterName(), TestNodes.randomClusterPort(), "dash-1", List.of())
        .with("node.demo", true));
  }

  @AfterAll
  static void stop() {
    TestNodes.closeAll(node);
  }

  /**
   * Creates the budget and spends it over HTTP, then waits until the owner has the node's reports
   * and the node has given back its idle slice (outstanding 0), so remaining = amount - committed.
   */
  private static void spendBudget() {
    Http http = new Http(node.httpPort());
    assertThat(http.call("POST", "/api/v1/budgets", ADMIN_TOKEN, new JsonObject().put("id", BUDGET)
        .put("resource", "llm_tokens").put("amount", AMOUNT).put("window", "day").put("scope", "cluster").encode())
        .statusCode()).isEqualTo(201);
    for (long[] s : SPEND) {
      HttpResponse<String> r = http.call("POST", "/api/v1/reservations", ADMIN_TOKEN, new JsonObject()
          .put("agentId", "dash-agent").put("resource", "llm_tokens").put("amount", s[0]).encode());
      assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
      String id = new JsonObject(r.body()).getString("id");
      HttpResponse<String> settled = s[1] == 0
          ? http.call("POST", "/api/v1/reservations/" + id + "/release", ADMIN_TOKEN, null)
          : http.call("POST", "/api/v1/reservations/" + id + "/commit", ADMIN_TOKEN,
              new JsonObject().put("actual", s[1]).encode());
      assertThat(settled.statusCode()).as(settled.body()).isEqualTo(200);
    }
    Awaitility.await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
      JsonObject status = new JsonObject(http.get("/api/v1/budgets/" + BUDGET, ADMIN_TOKEN).body());
      assertThat(status.getLong("committed")).isEqualTo(COMMITTED);
      assertThat(status.getLong("outstanding")).isZero();
      assertThat(status.getLong("remaining")).isEqualTo(AMOUNT - COMMITTED);
    });
  }

  @Test
  @DisplayName("headless Chromium signs in, sees the agents and a live event arrive, and saves a screenshot")
  void dashboardShowsAgentsAndLiveEvents() throws Exception {
    assumeTrue(Files.isExecutable(Path.of("/usr/bin/chromium")), "chromium missing: run .ci/install-browser.sh");
    assumeTrue(Files.isDirectory(SCRIPT_DIR.resolve("node_modules/playwright-core")), "playwright-core missing: run .ci/install-browser.sh");
    Path screenshot = Path.of("target/dashboard.png").toAbsolutePath();
    Files.deleteIfExists(screenshot);
    Process browser = new ProcessBuilder("node", "dashboard.mjs", "http://127.0.0.1:" + node.httpPort(), ADMIN_TOKEN,
        screenshot.toString(), MARKER, String.join(",", AGENTS), BUDGET, String.valueOf(COMMITTED),
        String.valueOf(AMOUNT - COMMITTED))
        .directory(SCRIPT_DIR.toFile()).redirectErrorStream(true).start();
    spendBudget(); // while the browser signs in and waits for the demo's events: the panel sees it spent
    List<String> output = new CopyOnWriteArrayList<>();
    try (BufferedReader out = new BufferedReader(new InputStreamReader(browser.getInputStream(), StandardCharsets.UTF_8))) {
      String line;
      while ((line = out.readLine()) != null) {
        output.add(line);
      }
    }
    assertThat(browser.waitFor(120, TimeUnit.SECONDS)).isTrue();
    assertThat(browser.exitValue()).as(String.join("\n", output)).isZero();
    assertThat(output).contains("AGENTS-SEEN " + String.join(",", AGENTS), "EVENT-SEEN " + MARKER);
    assertThat(output).anyMatch(l -> l.startsWith("BUDGET-SEEN " + BUDGET + " committed=" + COMMITTED
        + " remaining=" + (AMOUNT - COMMITTED) + " points>=2"));
    // reloaded, the first render draws the node's history before its own first poll (alone, 1 point)
    String reloaded = output.stream().filter(l -> l.startsWith("BUDGET-RELOADED " + BUDGET + " points=")).findFirst()
        .orElseThrow(() -> new AssertionError("no reload: " + output));
    assertThat(Integer.parseInt(reloaded.substring(reloaded.indexOf("points=") + 7))).isGreaterThanOrEqualTo(3);
    assertThat(screenshot).exists();
    assertThat(Files.size(screenshot)).isGreaterThan(10_000);
  }
}
