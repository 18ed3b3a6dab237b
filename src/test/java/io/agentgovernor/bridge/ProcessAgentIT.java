package io.agentgovernor.bridge;

import static io.agentgovernor.testing.TestNodes.request;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.agentgovernor.bus.Addresses;
import io.agentgovernor.node.GovernorNode;
import io.agentgovernor.testing.TestNodes;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Process agents under kernel-enforced limits (issue #17): real processes the node starts, each in
 * its own cgroup (v1 on these machines), their limits written to the kernel and their usage read
 * from its counters. Every cgroup a test makes is checked gone afterwards, and removed if not.
 */
class ProcessAgentIT {

  static final Path WORK = Path.of("target/process-agent-it").toAbsolutePath();
  private static final Path FIGURES = Path.of("target/process-agent-figures.txt");
  private static final long MB = 1 << 20;
  /** Tries 200 forks, each child sleeping; writes how many were made and refused, then waits. */
  private static final String FORK_BOMB = String.join("\n", "import os, sys, time", "made = refused = 0",
      "for i in range(200):", "  try:", "    pid = os.fork()", "  except OSError:", "    refused += 1", "    continue",
      "  if pid == 0:", "    time.sleep(60)", "    os._exit(0)", "  made += 1",
      "open(sys.argv[1], 'w').write('made %d refused %d' % (made, refused))", "time.sleep(60)");

  private static GovernorNode node;
  /** Every cgroup directory an agent of this class was given: all must be gone at the end. */
  static final Set<Path> CGROUPS = ConcurrentHashMap.newKeySet();

  @BeforeAll
  static void start() throws IOException {
    Files.createDirectories(WORK);
    Files.deleteIfExists(FIGURES);
    node = TestNodes.start(TestNodes.config(TestNodes.randomClusterName(), TestNodes.randomClusterPort(),
            "pa-" + ProcessHandle.current().pid(), List.of())
        .with("bridge.port", freePort()).with("monitor.intervalMs", 500).with("process.enabled", true).with("process.measureIntervalMs", 500).with("process.stopGraceMs", 2000)
        .with("process.outputDir", WORK.toString()));
  }

  @AfterAll
  static void stop() {
    TestNodes.closeAll(node);
    assertThat(sweep(CGROUPS)).as("cgroups left behind").isEmpty();
  }

  /**
   * Removes what is left of the given agent cgroups (killing any process still in one) and then
   * their node's directories; returns the agent groups that were still there.
   */
  static List<Path> sweep(Set<Path> groups) {
    List<Path> left = new ArrayList<>();
    for (Path group : groups) {
      if (!Files.isDirectory(group)) {
        continue;
      }
      left.add(group);
      for (String pid : read(group.resolve("cgroup.procs")).split("\n")) {
        if (!pid.isBlank()) {
          ProcessHandle.of(Long.parseLong(pid.trim())).ifPresent(ProcessHandle::destroyForcibly);
        }
      }
      await().atMost(Duration.ofSeconds(5)).ignoreExceptions().until(() -> {
        Files.deleteIfExists(group);
        return true;
      });
    }
    groups.stream().map(Path::getParent).distinct().forEach(nodeDir -> {
      try {
        Files.deleteIfExists(nodeDir); // this test node's agent-governor/<nodeId>, empty by now
      } catch (IOException e) {
        left.add(nodeDir);
      }
      try {
        Files.deleteIfExists(nodeDir.getParent()); // agent-governor itself, unless another node uses it
      } catch (IOException e) {
        // another node's groups are there
      }
    });
    return left;
  }

  @Test
  @DisplayName("a process burning 2 cores under a cpu hard limit of 50 settles at <= 55 % measured from its cgroup")
  void cpuHardLimit() throws IOException {
    String id = "cpu-hog";
    deploy(id, List.of("sh", "-c", "while :; do :; done & while :; do :; done"), new JsonObject()
        .put("cpu", limit(40, 50, "throttle")));
    JsonObject process = process(id);
    assertThat(process.getString("mode")).isEqualTo("cgroup-v1");
    Path cpu = cgroupOf(process, "/cpu/");
    assertThat(Long.parseLong(Files.readString(cpu.resolve("cpu.cfs_quota_us")).trim())).isBetween(1000L, 50_000L);

    ArrayDeque<Double> window = new ArrayDeque<>();
    long[] lastTime = {0};
    await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(250)).ignoreExceptions().until(() -> {
      JsonObject u = request(node, Addresses.MONITOR_USAGE, new JsonObject().put("agentId", id));
      if (u.getLong("time", 0L) == lastTime[0]) {
        return false;
      }
      lastTime[0] = u.getLong("time");
      window.addLast(u.getJsonObject("usage").getDouble("cpu"));
      while (window.size() > 6) {
        window.removeFirst();
      }
      double mean = window.stream().mapToDouble(Double::doubleValue).average().orElse(0);
      // settled: three seconds of samples, every one under 55 %, and really running (not starved to 0)
      return window.size() == 6 && window.stream().allMatch(v -> v <= 55) && mean >= 20;
    });
    JsonObject usage = request(node, Addresses.MONITOR_USAGE, new JsonObject().put("agentId", id)).getJsonObject("usage");
    assertThat(usage.getDouble("processes")).isGreaterThanOrEqualTo(2);
    figure("cpu: 2 busy processes under cpu hard 50: last 3 s of samples " + window + " %; kernel quota "
        + Files.readString(cpu.resolve("cpu.cfs_quota_us")).trim() + " us per " + Files.readString(cpu.resolve("cpu.cfs_period_us")).trim()
        + " us; throttle factor " + process(id).getDouble("throttleFactor"));
    undeployAndCheckGone(id);
  }

  @Test
  @DisplayName("a process growing past its memory hard limit is killed by the kernel, recorded as an enforcement event with its cause")
  void memoryHardLimit() throws IOException {
    String id = "mem-grower";
    deploy(id, List.of("python3", "-c", "import time\nb = []\nwhile True:\n  b.append(b'x' * (4 << 20))\n  time.sleep(0.02)"),
        new JsonObject().put("memory", limit(32 * MB, 64 * MB, "warn")));
    Path memory = cgroupOf(process(id), "/memory/");
    assertThat(Long.parseLong(Files.readString(memory.resolve("memory.limit_in_bytes")).trim())).isLessThanOrEqualTo(64 * MB);
    assertThat(Long.parseLong(Files.readString(memory.resolve("memory.soft_limit_in_bytes")).trim())).isLessThanOrEqualTo(32 * MB);

    JsonObject oom = await().atMost(Duration.ofSeconds(20)).until(() -> history(id).stream()
        .filter(e -> "oom_kill".equals(e.getString("cause"))).findFirst().orElse(null), e -> e != null);
    assertThat(oom.getString("enforcedBy")).isEqualTo("kernel");
    assertThat(oom.getString("resource")).isEqualTo("memory");
    assertThat(oom.getString("action")).isEqualTo("terminate");
    assertThat(oom.getString("outcome")).isEqualTo("success");
    assertThat(oom.getDouble("limit")).isEqualTo(64.0 * MB);
    await().atMost(Duration.ofSeconds(10)).until(() -> process(id).getInteger("exitCode") != null);
    assertThat(process(id).getInteger("signal")).isEqualTo(9);
    figure("memory: grower under hard 64 MiB killed by the kernel; event " + oom.encode());
    undeployAndCheckGone(id);
  }

  @Test
  @DisplayName("a fork bomb (200 sleeping children asked for) stops at the pids limit of 20")
  void forkBomb() throws IOException {
    String id = "fork-bomb";
    Path done = WORK.resolve("fork-bomb.done");
    Files.deleteIfExists(done);
    deploy(id, List.of("python3", "-c", FORK_BOMB, done.toString()), new JsonObject().put("processes", limit(10, 20, "warn")));
    Path pids = cgroupOf(process(id), "/pids/");
    await().atMost(Duration.ofSeconds(20)).until(() -> !read(done).isEmpty());
    // the parent and 19 children fill the limit of 20; every other fork of the 200 was refused
    assertThat(read(done)).isEqualTo("made 19 refused 181");
    assertThat(Files.readString(pids.resolve("pids.max")).trim()).isEqualTo("20");
    assertThat(Long.parseLong(Files.readString(pids.resolve("pids.current")).trim())).isEqualTo(20);
    await().atMost(Duration.ofSeconds(10)).until(() -> process(id).getLong("forksRefused", 0L) >= 181);
    await().atMost(Duration.ofSeconds(10)).ignoreExceptions().until(() -> request(node, Addresses.MONITOR_USAGE, new JsonObject()
        .put("agentId", id)).getJsonObject("usage").getDouble("processes") >= 20);
    figure("pids: fork bomb of 200 held at " + Files.readString(pids.resolve("pids.current")).trim()
        + " processes; forks refused " + process(id).getLong("forksRefused"));
    undeployAndCheckGone(id);
  }

  @Test
  @DisplayName("suspend freezes the whole process, resume thaws it: its progress stops and goes on")
  void freezeStopsProgress() throws IOException {
    String id = "counter";
    Path counter = WORK.resolve("counter.txt");
    Files.deleteIfExists(counter);
    deploy(id, List.of("sh", "-c", "i=0; while :; do i=$((i+1)); echo $i > " + counter + "; sleep 0.05; done"),
        new JsonObject());
    Path freezer = cgroupOf(process(id), "/freezer/");
    await().atMost(Duration.ofSeconds(10)).until(() -> count(counter) > 5);
    action(id, "suspend");
    await().atMost(Duration.ofSeconds(5)).until(() -> Files.readString(freezer.resolve("freezer.state")).trim().equals("FROZEN"));
    long frozenAt = count(counter);
    await().during(Duration.ofMillis(1500)).atMost(Duration.ofSeconds(3)).until(() -> count(counter) == frozenAt);
    action(id, "resume");
    await().atMost(Duration.ofSeconds(5)).until(() -> count(counter) > frozenAt + 5);
    assertThat(Files.readString(freezer.resolve("freezer.state")).trim()).isEqualTo("THAWED");
    undeployAndCheckGone(id);
  }

  @Test
  @DisplayName("freeze and thaw of a process agent that talks the bridge: every message arrives, in order")
  void freezeLosesNoMessage() throws IOException {
    String id = "py-bridge";
    Path log = WORK.resolve(id + ".log");
    Files.deleteIfExists(log);
    // the example reports llm_tokens: its quota must know them, or each report is refused
    deploy(id, List.of("python3", Path.of("examples/python-agent/governed_agent.py").toAbsolutePath().toString(),
        "--seconds", "60", "--cpu", "0.02"), new JsonObject().put("llm_tokens",
            new JsonObject().put("soft", 100_000).put("hard", 200_000).put("custom", true)));
    await().atMost(Duration.ofSeconds(20)).until(() -> read(log).contains("registered " + id));
    for (int i = 0; i < 10; i++) {
      send(id, i);
    }
    await().atMost(Duration.ofSeconds(10)).until(() -> messages(log).size() == 10);
    action(id, "suspend");
    Path freezer = cgroupOf(process(id), "/freezer/");
    await().atMost(Duration.ofSeconds(5)).until(() -> Files.readString(freezer.resolve("freezer.state")).trim().equals("FROZEN"));
    for (int i = 10; i < 20; i++) {
      send(id, i);
    }
    action(id, "resume");
    await().atMost(Duration.ofSeconds(15)).until(() -> messages(log).size() == 20);
    List<Integer> expected = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      expected.add(i);
    }
    assertThat(messages(log)).isEqualTo(expected);
    assertThat(read(log)).contains("control: suspend").contains("control: resume");
    undeployAndCheckGone(id);
  }

  @Test
  @DisplayName("terminate: SIGTERM, the grace, then SIGKILL — a child that traps TERM exits cleanly, one that ignores it is killed")
  void terminateGrace() throws IOException {
    Path marker = WORK.resolve("term-marker.txt");
    Files.deleteIfExists(marker);
    deploy("term-trap", List.of("sh", "-c", "trap 'echo bye > " + marker + "; exit 0' TERM; while :; do sleep 0.1; done"),
        new JsonObject());
    deploy("term-deaf", List.of("sh", "-c", "trap '' TERM; while :; do sleep 0.1; done"), new JsonObject());
    long trapPid = process("term-trap").getLong("pid");
    long deafPid = process("term-deaf").getLong("pid");
    List<Path> groups = new ArrayList<>();
    groups.addAll(paths(process("term-trap")));
    groups.addAll(paths(process("term-deaf")));

    JsonObject trapped = terminate("term-trap", 3000);
    assertThat(trapped.getString("outcome")).isEqualTo("success");
    assertThat(read(marker).trim()).isEqualTo("bye");
    long start = System.nanoTime();
    JsonObject deaf = terminate("term-deaf", 1500);
    long tookMs = (System.nanoTime() - start) / 1_000_000;
    assertThat(deaf.getString("outcome")).isEqualTo("success");
    assertThat(tookMs).isGreaterThanOrEqualTo(1500);
    await().atMost(Duration.ofSeconds(5)).until(() -> ProcessHandle.of(deafPid).map(p -> !p.isAlive()).orElse(true)
        && ProcessHandle.of(trapPid).map(p -> !p.isAlive()).orElse(true));
    await().atMost(Duration.ofSeconds(5)).until(() -> groups.stream().noneMatch(Files::exists));
    figure("terminate: trapping child wrote its marker; deaf child killed after its 1500 ms grace (action took " + tookMs + " ms)");
  }

  // ---- helpers ----

  private static int freePort() throws IOException {
    try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  static JsonObject limit(double soft, double hard, String action) {
    return new JsonObject().put("soft", soft).put("hard", hard)
        .put("ladder", new JsonArray().add(new JsonObject().put("action", action).put("afterMs", 0)));
  }

  private static void deploy(String id, List<String> command, JsonObject limits) {
    deploy(node, id, command, limits);
  }

  static void deploy(GovernorNode on, String id, List<String> command, JsonObject limits) {
    request(on, Addresses.AGENT_DEPLOY, new JsonObject().put("id", id).put("type", ProcessAgents.TYPE)
        .put("group", "standard_agent").put("config", new JsonObject().put("command", new JsonArray(command))
            .put("cwd", WORK.toString()))
        .put("quota", new JsonObject().put("limits", limits)));
    await().atMost(Duration.ofSeconds(10)).until(() -> status(on, id).getLong("pid", 0L) > 0);
    CGROUPS.addAll(paths(status(on, id).getJsonObject("process")));
  }

  static JsonObject status(GovernorNode on, String id) {
    return request(on, Addresses.AGENT_GET, new JsonObject().put("id", id)).getJsonObject("status");
  }

  private static JsonObject process(String id) {
    JsonObject status = status(node, id);
    return status.getJsonObject("process").put("pid", status.getLong("pid"));
  }

  private static List<Path> paths(JsonObject process) {
    JsonArray dirs = process.getJsonArray("cgroup", new JsonArray());
    return dirs.stream().map(d -> Path.of((String) d)).toList();
  }

  private static Path cgroupOf(JsonObject process, String hierarchy) {
    return paths(process).stream().filter(p -> p.toString().contains(hierarchy)).findFirst().orElseThrow();
  }

  private static void undeployAndCheckGone(String id) {
    List<Path> groups = paths(process(id));
    long pid = process(id).getLong("pid");
    request(node, Addresses.AGENT_UNDEPLOY, new JsonObject().put("id", id));
    assertThat(groups).noneMatch(Files::exists);
    assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)).isFalse();
  }

  private static void action(String id, String action) {
    request(node, Addresses.ENFORCEMENT_ACTION, new JsonObject().put("agentId", id).put("action", action));
  }

  private static JsonObject terminate(String id, long graceMs) {
    return request(node, Addresses.ENFORCEMENT_ACTION, new JsonObject().put("agentId", id).put("action", "terminate")
        .put("params", new JsonObject().put("graceMs", graceMs)));
  }

  private static void send(String id, int n) {
    request(node, Addresses.AGENT_SEND, new JsonObject().put("id", id).put("body", new JsonObject().put("n", n)));
  }

  private static List<JsonObject> history(String id) {
    JsonArray items = request(node, Addresses.ENFORCEMENT_HISTORY, new JsonObject().put("agentId", id)).getJsonArray("items");
    return items.stream().map(o -> (JsonObject) o).toList();
  }

  private static List<Integer> messages(Path log) {
    List<Integer> seen = new ArrayList<>();
    for (String line : read(log).split("\n")) {
      if (line.startsWith("message: ")) {
        seen.add(new JsonObject(line.substring("message: ".length())).getInteger("n"));
      }
    }
    return seen;
  }

  private static long count(Path file) {
    String text = read(file).trim();
    return text.isEmpty() ? -1 : Long.parseLong(text);
  }

  static String read(Path file) {
    try {
      return Files.exists(file) ? Files.readString(file) : "";
    } catch (IOException e) {
      return "";
    }
  }

  static void figure(String line) throws IOException {
    System.out.println("[figure] " + line);
    Files.writeString(FIGURES, line + "\n", java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND);
  }
}
