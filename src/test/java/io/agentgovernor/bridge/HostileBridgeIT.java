package io.agentgovernor.bridge;

import static io.agentgovernor.testing.TestNodes.request;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.agentgovernor.bus.Addresses;
import io.agentgovernor.bus.ErrorCode;
import io.agentgovernor.node.GovernorNode;
import io.agentgovernor.testing.TestNodes;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonObject;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The hostile bridge suite of issue #17: hijacking a live agent's id, oversized and malformed
 * frames, 10,000 idle connections, reconnecting without the secret, a pid that is not the
 * client's. Each attack is refused with a code, the node's memory stays bounded, and the victim —
 * a real Python agent in its own process — keeps every message, control command and report.
 */
class HostileBridgeIT {

  private static final String VICTIM = "victim-py";
  private static final Path VICTIM_LOG = Path.of("target/hostile-bridge-victim.log");
  private static final Path FIGURES = Path.of("target/hostile-bridge-figures.txt");
  private static final int IDLE_TIMEOUT_MS = 5000;
  private static final int LEASE_GRACE_MS = 3000;
  private static final int MAX_UNREGISTERED = 64;
  private static final int REGISTER_TIMEOUT_MS = 3000;

  private static GovernorNode node;
  private static int bridgePort;
  private static Process victim;

  @BeforeAll
  static void start() throws IOException {
    bridgePort = freePort();
    node = TestNodes.start(TestNodes.config(TestNodes.randomClusterName(), TestNodes.randomClusterPort(), "hb", List.of())
        .with("bridge.port", bridgePort).with("monitor.intervalMs", 500)
        .with("bridge.registerTimeoutMs", REGISTER_TIMEOUT_MS).with("bridge.idleTimeoutMs", IDLE_TIMEOUT_MS)
        .with("bridge.leaseGraceMs", LEASE_GRACE_MS).with("bridge.maxUnregistered", MAX_UNREGISTERED));
    Files.deleteIfExists(FIGURES);
    victim = python(VICTIM, VICTIM_LOG, bridgePort, "240");
    await().atMost(Duration.ofSeconds(20)).until(() -> log(VICTIM_LOG).contains("registered " + VICTIM));
  }

  @AfterAll
  static void stop() {
    if (victim != null) {
      victim.destroyForcibly();
    }
    TestNodes.closeAll(node);
  }

  @Test
  @DisplayName("hijack: claiming a live agent's id, then its inbox, control and reports, is refused; the agent keeps all its traffic")
  void hijack() {
    try (BridgeClient hostile = BridgeClient.connect(bridgePort)) {
      // pipelined, as the issue describes: the claim, and at once the victim's addresses and a report in its name
      hostile.send(new JsonObject().put("type", "send").put("address", BridgeVerticle.REGISTER).put("replyAddress", "claim")
          .put("body", new JsonObject().put("id", VICTIM).put("group", "standard_agent")));
      hostile.subscribe("register", ExternalAgent.out(VICTIM));
      hostile.subscribe("register", ExternalAgent.control(VICTIM));
      hostile.report(VICTIM, new JsonObject().put("llm_tokens", 1_000_000_000));
      await().atMost(Duration.ofSeconds(10)).until(() -> hostile.frameTo("claim") != null && hostile.errors().size() >= 4);
      assertThat(hostile.frameTo("claim").getInteger("failureCode")).isEqualTo(ErrorCode.FORBIDDEN.failureCode());
      assertThat(hostile.register(new JsonObject().put("id", VICTIM).put("secret", "guessed")).getInteger("failureCode"))
          .isEqualTo(ErrorCode.FORBIDDEN.failureCode());
      hostile.subscribe("register", ExternalAgent.out(VICTIM));

      for (int i = 0; i < 20; i++) {
        request(node, Addresses.AGENT_SEND, new JsonObject().put("id", VICTIM).put("body", new JsonObject().put("hijack", i)));
      }
      request(node, Addresses.ENFORCEMENT_ACTION, new JsonObject().put("agentId", VICTIM).put("action", "suspend"));
      request(node, Addresses.ENFORCEMENT_ACTION, new JsonObject().put("agentId", VICTIM).put("action", "resume"));
      await().atMost(Duration.ofSeconds(15)).until(() -> count(log(VICTIM_LOG), "\"hijack\"") == 20
          && log(VICTIM_LOG).contains("control: suspend") && log(VICTIM_LOG).contains("control: resume"));
      assertThat(hostile.frames()).noneMatch(f -> String.valueOf(f.getString("address")).startsWith("governor.agent." + VICTIM));
      JsonObject usage = request(node, Addresses.MONITOR_USAGE, new JsonObject().put("agentId", VICTIM)).getJsonObject("usage");
      assertThat(usage.getDouble("llm_tokens", 0.0)).isLessThan(1_000_000.0);
      JsonObject agent = request(node, Addresses.AGENT_GET, new JsonObject().put("id", VICTIM));
      assertThat(agent.getJsonObject("status").getBoolean("connected")).isTrue();
      assertThat(agent.getJsonObject("status").getLong("pid")).isEqualTo(victim.pid());
    }
  }

  @Test
  @DisplayName("oversized, negative and malformed frames: refused with codes, the connection closed where it cannot be read on")
  void oversizedFrames() {
    try (BridgeClient huge = BridgeClient.connect(bridgePort)) {
      huge.header(Integer.MAX_VALUE); // 2 GiB announced: the node must not wait for it, nor buffer it
      await().atMost(Duration.ofSeconds(5)).until(huge::closedByNode);
      assertThat(huge.errors()).anyMatch(f -> f.getInteger("failureCode") == ErrorCode.PAYLOAD_TOO_LARGE.failureCode());
    }
    try (BridgeClient big = BridgeClient.connect(bridgePort)) {
      big.send(new JsonObject().put("type", "ping").put("pad", "x".repeat(65_536)));
      await().atMost(Duration.ofSeconds(5)).until(big::closedByNode);
      assertThat(big.errors()).anyMatch(f -> f.getString("message").startsWith("frame_too_large"));
    }
    try (BridgeClient negative = BridgeClient.connect(bridgePort)) {
      negative.header(-1);
      await().atMost(Duration.ofSeconds(5)).until(negative::closedByNode);
    }
    try (BridgeClient garbage = BridgeClient.connect(bridgePort)) {
      garbage.raw("{not json".getBytes(StandardCharsets.UTF_8));
      garbage.raw("[1,2]".getBytes(StandardCharsets.UTF_8));
      garbage.send(new JsonObject().put("type", "ping"));
      await().atMost(Duration.ofSeconds(5)).until(() -> garbage.frames().stream().anyMatch(f -> "pong".equals(f.getString("type"))));
      assertThat(garbage.errors()).hasSize(2).allMatch(f -> f.getInteger("failureCode") == ErrorCode.INVALID_REQUEST.failureCode());
      assertThat(garbage.closedByNode()).isFalse();
    }
    try (BridgeClient noisy = BridgeClient.connect(bridgePort)) {
      // exactly one more than the allowance: nothing is written after the node closes it
      for (int i = 0; i <= 16; i++) {
        noisy.send(new JsonObject().put("type", "publish").put("address", Addresses.QUOTA_DELETE).put("body", new JsonObject()));
      }
      await().atMost(Duration.ofSeconds(5)).until(noisy::closedByNode);
      assertThat(noisy.errors()).hasSize(18).last().extracting(f -> f.getInteger("failureCode"))
          .isEqualTo(ErrorCode.RATE_LIMITED.failureCode());
    }
    assertVictimServed("after-frames");
  }

  @Test
  @DisplayName("reconnect: without the secret or with a wrong one refused; with it the agent is taken back, kept messages delivered, the older connection closed")
  void reconnectNeedsTheSecret() {
    String secret;
    try (BridgeClient first = BridgeClient.connect(bridgePort)) {
      JsonObject reply = first.register(new JsonObject().put("id", "roamer").put("group", "lightweight_agent"));
      secret = reply.getJsonObject("body").getString("secret");
      assertThat(secret).hasSize(43);
    }
    await().atMost(Duration.ofSeconds(5)).until(() -> !request(node, Addresses.AGENT_GET, new JsonObject().put("id", "roamer"))
        .getJsonObject("status").getBoolean("connected"));
    request(node, Addresses.AGENT_SEND, new JsonObject().put("id", "roamer").put("body", new JsonObject().put("n", 1)));

    try (BridgeClient second = BridgeClient.connect(bridgePort)) {
      assertThat(second.register(new JsonObject().put("id", "roamer")).getInteger("failureCode"))
          .isEqualTo(ErrorCode.FORBIDDEN.failureCode());
      assertThat(second.register(new JsonObject().put("id", "roamer").put("secret", secret + "x")).getInteger("failureCode"))
          .isEqualTo(ErrorCode.FORBIDDEN.failureCode());
      assertThat(second.frameTo(ExternalAgent.out("roamer"))).isNull(); // a refused client is sent nothing of it
      JsonObject back = second.register(new JsonObject().put("id", "roamer").put("secret", secret)).getJsonObject("body");
      assertThat(back.getBoolean("resumed")).isTrue();
      assertThat(back.containsKey("secret")).isFalse();
      await().atMost(Duration.ofSeconds(5)).until(() -> second.framesTo(ExternalAgent.out("roamer")).size() == 1);

      // one live connection per agent: a third with the secret takes it; the second is closed and gets nothing more
      try (BridgeClient third = BridgeClient.connect(bridgePort)) {
        third.register(new JsonObject().put("id", "roamer").put("secret", secret));
        await().atMost(Duration.ofSeconds(5)).until(second::closedByNode);
        assertThat(second.errors()).anyMatch(f -> f.getString("message").startsWith("replaced"));
        request(node, Addresses.AGENT_SEND, new JsonObject().put("id", "roamer").put("body", new JsonObject().put("n", 2)));
        await().atMost(Duration.ofSeconds(5)).until(() -> third.framesTo(ExternalAgent.out("roamer")).size() == 1);
        assertThat(second.framesTo(ExternalAgent.out("roamer"))).hasSize(1);
        assertThat(third.framesTo(ExternalAgent.out("roamer")).get(0).getJsonObject("body").getInteger("n")).isEqualTo(2);
      }
    }
    request(node, Addresses.AGENT_UNDEPLOY, new JsonObject().put("id", "roamer"));
  }

  @Test
  @DisplayName("idle and lease: a silent registered connection is closed after idleTimeoutMs, its agent undeployed leaseGraceMs later, the id free again")
  void idleConnectionAndLease() {
    try (BridgeClient silent = BridgeClient.connect(bridgePort)) {
      silent.register(new JsonObject().put("id", "leased").put("group", "lightweight_agent"));
      long start = System.nanoTime();
      await().atMost(Duration.ofMillis(IDLE_TIMEOUT_MS + 3000)).until(silent::closedByNode);
      assertThat(Duration.ofNanos(System.nanoTime() - start).toMillis()).isGreaterThanOrEqualTo(IDLE_TIMEOUT_MS - 100);
      assertThat(silent.errors()).anyMatch(f -> f.getString("message").startsWith("idle_timeout"));
    }
    await().atMost(Duration.ofMillis(LEASE_GRACE_MS + 5000)).until(() -> node.context().registry().nodeOf("leased") == null);
    assertThatThrownBy(() -> request(node, Addresses.AGENT_GET, new JsonObject().put("id", "leased")))
        .isInstanceOf(ReplyException.class);
    try (BridgeClient again = BridgeClient.connect(bridgePort)) {
      JsonObject reply = again.register(new JsonObject().put("id", "leased").put("group", "lightweight_agent"));
      assertThat(reply.getJsonObject("body").getString("secret")).hasSize(43);
    }
    request(node, Addresses.AGENT_UNDEPLOY, new JsonObject().put("id", "leased"));
  }

  @Test
  @DisplayName("pid: a process not started by the node is accepted for itself (it holds its connection) and refused to anyone else, as are pid 1 and the node's own")
  void pidMustBeTheClients() throws Exception {
    Path detachedLog = Path.of("target/hostile-bridge-detached.log");
    Files.deleteIfExists(detachedLog);
    // setsid + a backgrounded shell child: its parent exits, so it is no descendant of this JVM
    new ProcessBuilder("setsid", "sh", "-c", "exec python3 " + script() + " --port " + bridgePort
        + " --id detached-py --seconds 60 --cpu 0.05 > " + detachedLog + " 2>&1 &").start().waitFor(10, TimeUnit.SECONDS);
    await().atMost(Duration.ofSeconds(20)).until(() -> log(detachedLog).contains("registered detached-py"));
    long pid = request(node, Addresses.AGENT_GET, new JsonObject().put("id", "detached-py")).getJsonObject("status").getLong("pid");
    try {
      assertThat(ProcessHandle.current().descendants().noneMatch(p -> p.pid() == pid)).isTrue();
      // a connection each: an unregistered connection has registerTimeoutMs (3 s here) from its connect
      for (long named : new long[] {pid, 1, ProcessHandle.current().pid()}) {
        try (BridgeClient thief = BridgeClient.connect(bridgePort)) {
          JsonObject refused = thief.register(new JsonObject().put("id", "thief").put("group", "lightweight_agent").put("pid", named));
          assertThat(refused.getInteger("failureCode")).isEqualTo(ErrorCode.FORBIDDEN.failureCode());
          assertThat(refused.getString("message")).startsWith("pid refused");
        }
      }
      assertThat(node.context().registry().nodeOf("thief")).isNull();
    } finally {
      ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
    }
  }

  @Test
  @DisplayName("10,000 idle connections: at most maxUnregistered held at once, all closed by the node, heap back to its baseline, agents unaffected")
  void tenThousandIdleConnections() throws Exception {
    long before = heapAfterGc();
    Flood flood = Flood.start(bridgePort, 10_000, 60);
    AtomicInteger maxHeld = new AtomicInteger();
    Thread sampler = sampleConnections(maxHeld, flood.process);
    JsonObject connected = flood.awaitPhase("connected", Duration.ofSeconds(60));
    // during the flood's hold: a new agent still registers (a real client retries an eviction) and the victim is served
    assertThat(registerWithRetries("during-flood")).isTrue();
    assertVictimServed("during-flood");
    JsonObject done = flood.awaitPhase("done", Duration.ofSeconds(60));
    sampler.join(5000);
    long after = heapAfterGc();
    record(String.format("flood with defaults (maxUnregistered=%d, registerTimeoutMs=%d): %s; %s; max unregistered connections held by the node %d;"
        + " heap after GC before %.1f MB, after %.1f MB (delta %+.1f MB)", MAX_UNREGISTERED, REGISTER_TIMEOUT_MS, connected.encode(), done.encode(),
        maxHeld.get(), mb(before), mb(after), mb(after - before)));
    assertThat(connected.getInteger("connected")).isEqualTo(10_000);
    assertThat(done.getInteger("open")).isZero();
    assertThat(maxHeld.get()).isBetween(1, MAX_UNREGISTERED);
    assertThat(after - before).isLessThan(32L << 20);
    // its client is gone: the lease removes it
    await().atMost(Duration.ofMillis(LEASE_GRACE_MS + 5000)).until(() -> node.context().registry().nodeOf("during-flood") == null);
  }

  @Test
  @DisplayName("10,000 idle connections held at once (maxUnregistered 10,000, a second node): heap cost per connection measured, all closed at the register timeout, heap back")
  void tenThousandHeldConnectionsCost() throws Exception {
    int port = freePort();
    GovernorNode wide = TestNodes.start(TestNodes.config(TestNodes.randomClusterName(), TestNodes.randomClusterPort(), "hb-wide",
        List.of()).with("bridge.port", port).with("bridge.maxUnregistered", 10_000).with("bridge.registerTimeoutMs", 20_000));
    try {
      long before = heapAfterGc();
      Flood flood = Flood.start(port, 10_000, 90);
      JsonObject connected = flood.awaitPhase("connected", Duration.ofSeconds(60));
      await().atMost(Duration.ofSeconds(10)).until(() -> bridgeConnections(wide, "unregistered") >= connected.getInteger("connected"));
      long held = heapAfterGc();
      JsonObject done = flood.awaitPhase("done", Duration.ofSeconds(60));
      await().atMost(Duration.ofSeconds(10)).until(() -> bridgeConnections(wide, "unregistered") == 0);
      long after = heapAfterGc();
      int n = connected.getInteger("connected");
      record(String.format("%d idle connections held by one node (maxUnregistered=10000): %s; heap after GC before %.1f MB,"
          + " holding %.1f MB (%+.1f MB, %.1f KB per connection), after the register timeout closed them %.1f MB (%+.1f MB); %s",
          n, connected.encode(), mb(before), mb(held), mb(held - before), (held - before) / 1024.0 / n, mb(after),
          mb(after - before), done.encode()));
      assertThat(done.getInteger("open")).isZero();
      assertThat(after - before).isLessThan(32L << 20);
    } finally {
      TestNodes.closeAll(wide);
    }
  }

  // ---- helpers ----

  private static void assertVictimServed(String tag) {
    request(node, Addresses.AGENT_SEND, new JsonObject().put("id", VICTIM).put("body", new JsonObject().put("check", tag)));
    await().atMost(Duration.ofSeconds(10)).until(() -> log(VICTIM_LOG).contains("\"check\": \"" + tag + "\""));
  }

  private static boolean registerWithRetries(String id) {
    for (int attempt = 0; attempt < 10; attempt++) {
      try (BridgeClient client = BridgeClient.connect(bridgePort)) {
        JsonObject reply = client.register(new JsonObject().put("id", id).put("group", "lightweight_agent"));
        if (reply.getJsonObject("body") != null && reply.getJsonObject("body").getString("secret") != null) {
          return true;
        }
      } catch (RuntimeException evicted) {
        // displaced by the flood before its register was read: try again
      }
    }
    return false;
  }

  /** Samples the node's own count of bridge connections from /metrics while the flood runs. */
  private static Thread sampleConnections(AtomicInteger max, Process flood) {
    Thread sampler = new Thread(() -> {
      long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
      while (flood.isAlive() && System.nanoTime() < end) {
        int held = bridgeConnections(node, "unregistered");
        max.accumulateAndGet(held, Math::max);
        try {
          Thread.sleep(50); // a sampling period, not a wait for a condition
        } catch (InterruptedException e) {
          return;
        }
      }
    }, "bridge-connection-sampler");
    sampler.start();
    return sampler;
  }

  private static int bridgeConnections(GovernorNode of, String state) {
    try {
      String metrics = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
          URI.create("http://127.0.0.1:" + of.httpPort() + "/metrics")).build(), HttpResponse.BodyHandlers.ofString()).body();
      Matcher m = Pattern.compile("governor_bridge_connections\\{[^}]*state=\"" + state + "\"[^}]*\\} ([0-9.]+)").matcher(metrics);
      return m.find() ? (int) Double.parseDouble(m.group(1)) : -1;
    } catch (IOException | InterruptedException e) {
      return -1;
    }
  }

  private static long heapAfterGc() {
    for (int i = 0; i < 3; i++) {
      System.gc();
    }
    return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
  }

  private static double mb(long bytes) {
    return bytes / 1048576.0;
  }

  private static synchronized void record(String line) throws IOException {
    System.out.println("[HostileBridgeIT] " + line);
    Files.writeString(FIGURES, line + System.lineSeparator(), StandardCharsets.UTF_8,
        java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND);
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  private static Path script() {
    return Path.of("examples/python-agent/governed_agent.py").toAbsolutePath();
  }

  private static Process python(String id, Path log, int port, String seconds) throws IOException {
    return new ProcessBuilder("python3", script().toString(), "--port", String.valueOf(port), "--id", id,
        "--seconds", seconds, "--cpu", "0.05").redirectErrorStream(true).redirectOutput(log.toFile()).start();
  }

  private static String log(Path file) {
    try {
      return Files.exists(file) ? Files.readString(file) : "";
    } catch (IOException e) {
      return "";
    }
  }

  private static int count(String text, String what) {
    int n = 0;
    for (int at = text.indexOf(what); at >= 0; at = text.indexOf(what, at + 1)) {
      n++;
    }
    return n;
  }

  /** The idle-connection flood: src/test/python/idle_flood.py as its own process. */
  private record Flood(Process process, List<JsonObject> lines) {
    static Flood start(int port, int count, int seconds) throws IOException {
      Process p = new ProcessBuilder("python3", Path.of("src/test/python/idle_flood.py").toString(), "--port",
          String.valueOf(port), "--count", String.valueOf(count), "--seconds", String.valueOf(seconds))
          .redirectError(ProcessBuilder.Redirect.INHERIT).start();
      List<JsonObject> lines = new java.util.concurrent.CopyOnWriteArrayList<>();
      Thread reader = new Thread(() -> {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
          for (String line; (line = in.readLine()) != null; ) {
            lines.add(new JsonObject(line));
          }
        } catch (IOException | RuntimeException e) {
          // the flood ended
        }
      }, "flood-reader");
      reader.setDaemon(true);
      reader.start();
      return new Flood(p, lines);
    }

    JsonObject awaitPhase(String phase, Duration within) {
      await().atMost(within).until(() -> lines.stream().anyMatch(l -> phase.equals(l.getString("phase"))));
      return lines.stream().filter(l -> phase.equals(l.getString("phase"))).findFirst().orElseThrow();
    }
  }
}
