package io.agentgovernor.admin;

import static io.agentgovernor.testing.TestNodes.ADMIN_TOKEN;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.agentgovernor.node.GovernorNode;
import io.agentgovernor.testing.TestNodes;
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
 * Debian's chromium; the build installs both): a node started with {@code --demo} runs its demo
 * agents for real; the browser signs in with a token, lists the demo agents, sees a live event
 * of the governor at work on one of them, loads nothing from outside the node, and leaves a
 * screenshot at {@code target/dashboard.png}.
 */
class DashboardBrowserIT {

  private static final Path SCRIPT_DIR = Path.of("src/test/browser");
  private static final List<String> AGENTS = List.of("demo-burner", "demo-hog", "demo-chatty", "demo-counter");
  /** 60 % of a core against a hard limit of 30: its violation events come every 10 s. */
  private static final String MARKER = "demo-burner";
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

  @Test
  @DisplayName("headless Chromium signs in, sees the agents and a live event arrive, and saves a screenshot")
  void dashboardShowsAgentsAndLiveEvents() throws Exception {
    assumeTrue(Files.isExecutable(Path.of("/usr/bin/chromium")), "chromium missing: run .ci/install-browser.sh");
    assumeTrue(Files.isDirectory(SCRIPT_DIR.resolve("node_modules/playwright-core")), "playwright-core missing: run .ci/install-browser.sh");
    Path screenshot = Path.of("target/dashboard.png").toAbsolutePath();
    Files.deleteIfExists(screenshot);
    Process browser = new ProcessBuilder("node", "dashboard.mjs", "http://127.0.0.1:" + node.httpPort(), ADMIN_TOKEN,
        screenshot.toString(), MARKER, String.join(",", AGENTS))
        .directory(SCRIPT_DIR.toFile()).redirectErrorStream(true).start();
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
    assertThat(screenshot).exists();
    assertThat(Files.size(screenshot)).isGreaterThan(10_000);
  }
}
