package io.agentgovernor.reliability.jepsen;

import io.agentgovernor.testing.NetnsCluster;
import io.agentgovernor.testing.NodeProcess;
import io.agentgovernor.testing.TestNodes;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.IntStream;

/**
 * Three governor node JVMs, each in its own namespace of a {@link NetnsCluster}: Hazelcast and the
 * event bus on the node's cluster address (the links partitions cut), HTTP on its client address.
 * Failure detection as configured for production (heartbeat 1 s, dead after 5 s); snapshots every
 * 500 ms, failover sweep every second.
 */
final class JepsenCluster implements AutoCloseable {

  static final int HTTP_PORT = 8080;
  private static final int CLUSTER_PORT = 5701;
  private static final Duration START_TIMEOUT = Duration.ofSeconds(90);

  private final NetnsCluster net;
  private final Path dir;
  private final Path config;
  private final String clusterName = "jepsen-" + UUID.randomUUID();
  private final List<NodeProcess> nodes = new ArrayList<>();
  private final List<Api> apis = new ArrayList<>();
  private final List<List<String>> logs = new ArrayList<>();

  JepsenCluster(NetnsCluster net, Path dir) throws IOException {
    this.net = net;
    this.dir = dir;
    this.config = dir.resolve("governor.yaml");
    Files.writeString(config, """
        cluster:
          heartbeatIntervalSeconds: 1
          maxNoHeartbeatSeconds: 5
        failover:
          snapshotIntervalMs: 500
          sweepIntervalMs: 1000
        capacity:
          publishIntervalMs: 1000
        """);
    for (int i = 0; i < net.size(); i++) {
      nodes.add(null);
      apis.add(new Api(net.clientAddress(i), HTTP_PORT));
      logs.add(new ArrayList<>());
    }
  }

  int size() {
    return net.size();
  }

  static String nodeId(int i) {
    return "j" + (i + 1);
  }

  Api api(int i) {
    return apis.get(i);
  }

  NetnsCluster net() {
    return net;
  }

  /** Starts every node (all at once; they find each other) and waits for each ready line. */
  void startAll() throws Exception {
    for (int i = 0; i < size(); i++) {
      launch(i);
    }
    for (int i = 0; i < size(); i++) {
      nodes.get(i).awaitReady(START_TIMEOUT);
    }
  }

  private void launch(int i) throws IOException, InterruptedException {
    String members = String.join(",", IntStream.range(0, size()).mapToObj(n -> net.clusterAddress(n) + ":" + CLUSTER_PORT).toList());
    Path data = Files.createDirectories(dir.resolve("data-" + nodeId(i)));
    List<String> args = List.of("--node-id", nodeId(i), "--cluster-name", clusterName,
        "--http-host", net.clientAddress(i), "--http-port", String.valueOf(HTTP_PORT),
        "--cluster-host", net.clusterAddress(i), "--cluster-port", String.valueOf(CLUSTER_PORT),
        "--members", members, "--config", config.toString(), "--data-dir", data.toString(), "--bridge-port", "0");
    NodeProcess node = NodeProcess.start(net.inNamespace(i, List.of()), args,
        Map.of("GOVERNOR_ADMIN_TOKEN", TestNodes.ADMIN_TOKEN), "-Xmx384m");
    // ip and setsid exec in turn: the pid becomes the JVM's a moment after the start
    long execMs = Round.waitMs(() -> ProcessHandle.of(node.pid()).flatMap(p -> p.info().command()).orElse("").endsWith("java"), 5_000);
    if (execMs < 0) {
      String comm = ProcessHandle.of(node.pid()).flatMap(p -> p.info().command()).orElse("(gone)");
      node.kill();
      throw new IllegalStateException("the launcher did not exec the JVM in place (pid " + node.pid() + " is " + comm + ")");
    }
    nodes.set(i, node);
  }

  /** kill -9. */
  void kill(int i) throws InterruptedException {
    NodeProcess node = nodes.get(i);
    node.kill();
    keepLog(i, node);
  }

  /** Starts a killed node again with the same node id and data directory. */
  void restart(int i) throws Exception {
    launch(i);
    nodes.get(i).awaitReady(START_TIMEOUT);
  }

  void pause(int i) {
    signal(nodes.get(i).pid(), "STOP");
  }

  void resume(int i) {
    signal(nodes.get(i).pid(), "CONT");
  }

  /**
   * Whether the cluster is whole again: every node answers, sees all members and is ready (holds
   * its lease, the cluster safe: merged and its backups re-created). "Healed" in the checks means this.
   */
  boolean formed() {
    for (Api api : apis) {
      if (api.members() != size() || !api.ready()) {
        return false;
      }
    }
    return true;
  }

  /** What each node sees, e.g. {@code j1=3 j2=3 j3=-1}. */
  String membership() {
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < size(); i++) {
      out.append(nodeId(i)).append('=').append(apis.get(i).members()).append(' ');
    }
    return out.toString().trim();
  }

  private static void signal(long pid, String signal) {
    try {
      Process p = new ProcessBuilder("kill", "-" + signal, String.valueOf(pid)).start();
      if (p.waitFor() != 0) {
        throw new IllegalStateException("kill -" + signal + " " + pid + " failed");
      }
    } catch (IOException e) {
      throw new IllegalStateException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void keepLog(int i, NodeProcess node) {
    logs.get(i).add("==== process " + node.pid() + " ====");
    logs.get(i).addAll(node.stdout());
    logs.get(i).addAll(node.stderr());
  }

  /** Continues and kills every node, and writes each node's output to {@code node-jN.log}. */
  @Override
  public void close() {
    for (int i = 0; i < size(); i++) {
      NodeProcess node = nodes.get(i);
      if (node == null) {
        continue;
      }
      if (node.isAlive()) {
        signal(node.pid(), "CONT");
        try {
          node.kill();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
        keepLog(i, node);
      }
      try {
        Files.write(dir.resolve("node-" + nodeId(i) + ".log"), logs.get(i));
      } catch (IOException e) {
        // the log is for humans; the verdict does not depend on it
      }
    }
  }
}
