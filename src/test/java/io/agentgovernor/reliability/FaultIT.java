package io.agentgovernor.reliability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.agentgovernor.testing.NodeHttp;
import io.agentgovernor.testing.NodeProcess;
import io.agentgovernor.testing.TestNodes;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Real faults on a real three-node cluster: three node JVMs started from the jar on loopback,
 * driven only through the HTTP API, faults injected with kill -9, SIGSTOP and SIGCONT.
 */
class FaultIT {

  private final List<NodeProcess> nodes = new ArrayList<>();
  private final List<NodeHttp> http = new ArrayList<>();

  @BeforeEach
  void startThreeNodes() throws Exception {
    Path config = Files.createTempFile("fault-", ".yaml");
    // the shipped failure detection (maxNoHeartbeatSeconds 5). Until 2026-12-07 this test needed
    // 15: a stopped member's port still accepts TCP connections, and each connection attempt to it
    // pinned a Hazelcast IO output thread in a busy loop (unified port, hazelcast/hazelcast#26473),
    // starving the healthy members' heartbeats on that thread, so the healthy pair split too (2 of
    // 7 runs under 15 s on 12-05; at 15 s 2 of 13 on 12-06, 1 of 5 on 12-07). ClusterSetup now
    // uses the member endpoint.
    Files.writeString(config, "failover:\n  snapshotIntervalMs: 500\n  sweepIntervalMs: 1000\n"
        + "capacity:\n  publishIntervalMs: 1000\n");
    String cluster = TestNodes.randomClusterName();
    int port = TestNodes.randomClusterPort();
    String members = "127.0.0.1:" + port + ",127.0.0.1:" + (port + 1) + ",127.0.0.1:" + (port + 2);
    for (int i = 0; i < 3; i++) {
      List<String> args = new ArrayList<>(List.of("--http-port", "0", "--node-id", "f" + (i + 1), "--cluster-name", cluster,
          "--cluster-port", String.valueOf(port + i), "--config", config.toString(), "--members", members));
      NodeProcess node = NodeProcess.start(args, Map.of("GOVERNOR_ADMIN_TOKEN", TestNodes.ADMIN_TOKEN));
      nodes.add(node);
      http.add(new NodeHttp(node.awaitReady(Duration.ofSeconds(60))));
    }
    await().atMost(Duration.ofSeconds(20)).until(() -> http.get(0).get("/nodes").getJsonArray("items").size() == 3);
    http.get(0).ok("PUT", "/groups/bulk", new JsonObject().put("description", "no totals: as many quotas as the test writes")
        .put("defaultLimits", new JsonObject().put("cpu", new JsonObject().put("soft", 10).put("hard", 20))));
  }

  @AfterEach
  void stopNodes(org.junit.jupiter.api.TestInfo test) throws Exception {
    for (int i = 0; i < nodes.size(); i++) {
      NodeProcess node = nodes.get(i);
      ProcessHandle.of(node.pid()).ifPresent(p -> signal(p.pid(), "CONT"));
      node.close();
      List<String> log = new ArrayList<>(node.stdout());
      log.addAll(node.stderr());
      Files.write(Path.of("target", "fault-" + test.getTestMethod().map(m -> m.getName()).orElse("") + "-f" + (i + 1) + ".log"), log);
    }
  }

  private static void signal(long pid, String signal) {
    try {
      new ProcessBuilder("kill", "-" + signal, String.valueOf(pid)).start().waitFor();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private JsonObject deployCounter(String id, int onNode) {
    return http.get(0).ok("POST", "/agents", new JsonObject().put("id", id).put("type", "stateful-counter")
        .put("group", "standard_agent").put("node", "f" + (onNode + 1)).put("restartPolicy", "on-node-loss"));
  }

  /** Where the registry places agents (a list, answered from the node's own copy of the registry). */
  private static List<String> registryNodes(NodeHttp via, String... ids) {
    JsonArray items = via.get("/agents?limit=1000").getJsonArray("items");
    List<String> out = new ArrayList<>();
    for (String id : ids) {
      items.stream().map(o -> (JsonObject) o).filter(a -> id.equals(a.getString("id")) && "running".equals(a.getString("state")))
          .forEach(a -> out.add(a.getString("node")));
    }
    return out.size() == ids.length ? out : List.of("none");
  }

  /** Waits until each agent's last snapshot was taken after {@code time} (it holds every message sent before). */
  private void awaitSnapshotAfter(long time, String... ids) {
    for (String id : ids) {
      await().atMost(Duration.ofSeconds(10)).ignoreExceptions().until(() ->
          http.get(0).get("/agents/" + id).getJsonObject("lastSnapshot").getLong("time") > time);
    }
  }

  private long count(NodeHttp via, String id) {
    return via.get("/agents/" + id).getJsonObject("status").getLong("count");
  }

  @Test
  @DisplayName("kill -9 of one of three nodes under quota writes through all three: every acknowledged write survives, and its on-node-loss agents run again on a survivor within 15 s, from their last snapshot, once")
  void killOneOfThree() throws Exception {
    deployCounter("ctr-a", 2);
    deployCounter("ctr-b", 2);
    for (int i = 0; i < 300; i++) {
      http.get(i % 2).ok("POST", "/agents/ctr-a/messages", new JsonObject().put("n", i));
    }
    await().atMost(Duration.ofSeconds(15)).until(() -> count(http.get(0), "ctr-a"), c -> c == 300);
    awaitSnapshotAfter(System.currentTimeMillis(), "ctr-a", "ctr-b");

    Set<String> acknowledged = ConcurrentHashMap.newKeySet();
    AtomicBoolean writing = new AtomicBoolean(true);
    List<Thread> writers = new ArrayList<>();
    for (int w = 0; w < 3; w++) {
      NodeHttp via = http.get(w);
      int writer = w;
      Thread t = new Thread(() -> {
        for (int i = 0; writing.get() && i < 5_000; i++) {
          String id = "q-" + writer + "-" + i;
          HttpResponse<String> r = via.call("PUT", "/quotas/" + id, new JsonObject().put("group", "bulk"));
          if (r != null && r.statusCode() == 200) {
            acknowledged.add(id);
          }
        }
      });
      t.start();
      writers.add(t);
    }
    await().atMost(Duration.ofSeconds(20)).until(() -> acknowledged.size() >= 150);
    long killedAt = System.currentTimeMillis();
    int beforeKill = acknowledged.size();
    nodes.get(2).kill();
    // writes go on through the survivors across the loss
    await().atMost(Duration.ofSeconds(30)).until(() -> acknowledged.size() >= beforeKill + 100);
    writing.set(false);
    for (Thread t : writers) {
      t.join(30_000);
    }

    // its agents run again on a survivor, from their snapshot, once
    await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(100)).ignoreExceptions().until(() ->
        List.of("f1", "f2").containsAll(registryNodes(http.get(0), "ctr-a", "ctr-b")));
    // when each was running again: its registry entry's "since", set by the node that restarted it
    double restartSeconds = http.get(0).get("/agents?limit=1000").getJsonArray("items").stream()
        .map(o -> (JsonObject) o).filter(a -> a.getString("id").startsWith("ctr-"))
        .mapToLong(a -> a.getLong("since")).max().orElseThrow() / 1000.0 - killedAt / 1000.0;
    assertThat(restartSeconds).isLessThanOrEqualTo(15.0);
    assertThat(count(http.get(1), "ctr-a")).isEqualTo(300);
    JsonArray listed = http.get(1).get("/agents?limit=1000").getJsonArray("items");
    assertThat(listed.stream().map(o -> ((JsonObject) o).getString("id")).filter(id -> id.startsWith("ctr-"))).hasSize(2);
    await().atMost(Duration.ofSeconds(10)).until(() -> http.get(0).get("/nodes").getJsonArray("items").stream()
        .mapToLong(n -> ((JsonObject) n).getLong("agents", 0L)).sum() == 2);
    long running = http.get(0).get("/nodes").getJsonArray("items").stream()
        .mapToLong(n -> ((JsonObject) n).getLong("agents", 0L)).sum();

    // every acknowledged write is on both survivors
    for (String id : acknowledged) {
      for (int n = 0; n < 2; n++) {
        HttpResponse<String> r = http.get(n).call("GET", "/quotas/" + id, null);
        assertThat(r.statusCode()).as("quota " + id + " on f" + (n + 1)).isEqualTo(200);
      }
    }
    System.out.printf("FAULT kill-9: %d acknowledged writes, all present on both survivors; agents restarted in %.1f s; %d agents running%n",
        acknowledged.size(), restartSeconds, running);
  }

  @Test
  @DisplayName("SIGSTOP a node longer than failure detection, then SIGCONT: its agent is restarted elsewhere, the messages its frozen copy had acknowledged but not handled reach the new copy once, and the cluster ends with every agent running once")
  void pauseThenResume() throws Exception {
    deployCounter("ctr-p", 2);
    for (int i = 0; i < 50; i++) {
      http.get(0).ok("POST", "/agents/ctr-p/messages", new JsonObject().put("n", i));
    }
    await().atMost(Duration.ofSeconds(10)).until(() -> count(http.get(0), "ctr-p"), c -> c == 50);
    // f3's copy takes and acknowledges 20 more but handles none (suspended): what a node frozen
    // right after acknowledging holds (JepsenIT seed 7: the freeze landed 100 ms after the ack)
    http.get(2).ok("POST", "/agents/ctr-p/actions/suspend", new JsonObject());
    for (int i = 50; i < 70; i++) {
      JsonObject ack = http.get(2).ok("POST", "/agents/ctr-p/messages", new JsonObject().put("n", i));
      assertThat(ack.getString("node")).isEqualTo("f3");
    }
    assertThat(http.get(2).get("/agents/ctr-p").getJsonObject("status").getLong("count")).isEqualTo(50);
    awaitSnapshotAfter(System.currentTimeMillis(), "ctr-p");
    long pid = nodes.get(2).pid();
    signal(pid, "STOP");
    // generous: detection takes 5 s (maxNoHeartbeatSeconds), the restart waits out the lease
    // (4 s), and a survivor's first deploy has been seen to time out (30 s) while its Hazelcast
    // threads stalled after the member's removal (the IO busy loop above); the agent is then
    // pending and the next sweep places it
    await().atMost(Duration.ofSeconds(120)).ignoreExceptions().until(() ->
        List.of("f1", "f2").contains(http.get(0).get("/agents/ctr-p").getString("node")));
    // restarted from the snapshot, which holds the 50 it handled, not the 20 waiting on f3
    assertThat(count(http.get(0), "ctr-p")).isEqualTo(50);
    signal(pid, "CONT");
    // the paused node comes back (or stays apart); either way no copy of ctr-p runs on it any more
    await().atMost(Duration.ofSeconds(40)).ignoreExceptions().until(() -> {
      JsonArray seen = new NodeHttp(portOf(2)).get("/nodes").getJsonArray("items");
      return seen.stream().map(o -> (JsonObject) o).filter(n -> "f3".equals(n.getString("nodeId")))
          .allMatch(n -> n.getLong("agents", 0L) == 0L);
    });
    await().atMost(Duration.ofSeconds(20)).until(() -> http.get(0).get("/nodes").getJsonArray("items").stream()
        .mapToLong(n -> ((JsonObject) n).getLong("agents", 0L)).sum() == 1);
    // f3 fenced its copy and handed the 20 it held to the live copy: each counted once
    await().atMost(Duration.ofSeconds(40)).until(() -> count(http.get(0), "ctr-p"), c -> c >= 70);
    assertThat(count(http.get(1), "ctr-p")).isEqualTo(70);
  }

  private int portOf(int i) {
    String line = nodes.get(i).stdout().stream().filter(l -> l.contains(" ready http=")).findFirst().orElseThrow();
    return Integer.parseInt(line.substring(line.lastIndexOf('=') + 1));
  }
}
