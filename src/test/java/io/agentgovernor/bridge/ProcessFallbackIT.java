package io.agentgovernor.bridge;

import static io.agentgovernor.testing.TestNodes.request;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.agentgovernor.bridge.cgroup.Cgroups;
import io.agentgovernor.bus.Addresses;
import io.agentgovernor.node.GovernorNode;
import io.agentgovernor.testing.TestNodes;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * Without cgroup permission (here: a cgroup root that is a plain file, so every mkdir under it
 * fails) a process agent still runs and is measured, from /proc over its process tree, suspended
 * and resumed by SIGSTOP / SIGCONT and killed by signals; the node says so once, and the agent's
 * status names the mode and the reason.
 */
class ProcessFallbackIT {

  @Test
  @DisplayName("no cgroup permission: process agents measured from /proc and signalled, the node says so once")
  void fallsBackToProc() throws IOException {
    Path root = Files.createDirectories(ProcessAgentIT.WORK).resolve("not-a-cgroup-root");
    Files.writeString(root, "a file, so no directory can be made under it\n");
    ListAppender<ILoggingEvent> log = new ListAppender<>();
    log.start();
    Logger logger = (Logger) LoggerFactory.getLogger(Cgroups.class);
    logger.addAppender(log);
    GovernorNode node = null;
    try {
      node = TestNodes.start(TestNodes.config(TestNodes.randomClusterName(), TestNodes.randomClusterPort(),
              "pf-" + ProcessHandle.current().pid(), List.of())
          .with("monitor.intervalMs", 500).with("process.enabled", true).with("process.measureIntervalMs", 500).with("process.stopGraceMs", 1000)
          .with("process.cgroupRoot", root.toString()).with("process.outputDir", ProcessAgentIT.WORK.toString()));
      GovernorNode n = node;
      for (String id : List.of("fb-1", "fb-2")) {
        ProcessAgentIT.deploy(node, id, List.of("sh", "-c", "while :; do :; done & sleep 60"), new JsonObject());
      }
      JsonObject status = ProcessAgentIT.status(node, "fb-1");
      JsonObject process = status.getJsonObject("process");
      assertThat(process.getString("mode")).isEqualTo("proc");
      assertThat(process.getString("fallbackReason")).contains(root.toString());
      assertThat(process.getValue("cgroup")).isNull();

      // the busy loop is a child of the agent's process: only the tree's measurement sees it
      // (until its first sample the monitor answers "not sampled yet")
      await().atMost(Duration.ofSeconds(15)).ignoreException(io.vertx.core.eventbus.ReplyException.class)
          .until(() -> usage(n, "fb-1").getDouble("cpu") > 30
          && usage(n, "fb-1").getDouble("processes") >= 2);
      long warnings = log.list.stream().filter(e -> e.getFormattedMessage().contains("no cgroup")).count();
      assertThat(warnings).as("the fallback is logged once per node").isEqualTo(1);

      long pid = status.getLong("pid");
      List<ProcessHandle> tree = ProcessHandle.of(pid).orElseThrow().descendants().toList();
      request(node, Addresses.ENFORCEMENT_ACTION, new JsonObject().put("agentId", "fb-1").put("action", "suspend"));
      await().atMost(Duration.ofSeconds(5)).until(() -> state(pid) == 'T' && tree.stream().allMatch(p -> state(p.pid()) == 'T'));
      request(node, Addresses.ENFORCEMENT_ACTION, new JsonObject().put("agentId", "fb-1").put("action", "resume"));
      await().atMost(Duration.ofSeconds(5)).until(() -> state(pid) != 'T');

      for (String id : List.of("fb-1", "fb-2")) {
        request(node, Addresses.AGENT_UNDEPLOY, new JsonObject().put("id", id));
      }
      assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)).isFalse();
      // the children were signalled too; init reaps them a moment after their parent is gone
      await().atMost(Duration.ofSeconds(5)).until(() -> tree.stream().noneMatch(ProcessHandle::isAlive));
    } finally {
      logger.detachAppender(log);
      TestNodes.closeAll(node);
    }
  }

  private static JsonObject usage(GovernorNode node, String id) {
    return request(node, Addresses.MONITOR_USAGE, new JsonObject().put("agentId", id)).getJsonObject("usage");
  }

  /** The state letter of /proc/<pid>/stat (T: stopped), or '?' once the process is gone. */
  private static char state(long pid) {
    String stat = ProcessAgentIT.read(Path.of("/proc", String.valueOf(pid), "stat"));
    int close = stat.lastIndexOf(')');
    return close < 0 ? '?' : stat.charAt(close + 2);
  }
}
