package io.agentgovernor.load;

import io.agentgovernor.config.ConfigLoader;
import io.agentgovernor.config.NodeConfig;
import io.agentgovernor.node.GovernorNode;
import io.vertx.core.Future;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.json.JsonObject;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.IntFunction;

/**
 * Governor nodes for load drivers: in this JVM, on loopback, a random cluster name, HTTP on a free
 * port, and extra YAML configuration (the monitor interval, a benchmark quota group, ...).
 */
public final class LoadNodes {

  public static final String TOKEN = "load-test-operator-token";

  /** A quota group without group totals, so admission never refuses 100,000 agents. */
  public static final String GROUP_YAML = """
      quota:
        groups:
          bench:
            description: load tests; no group totals
            priority: 5
            defaultLimits:
              memory:        { soft: 200000000, hard: 256000000 }
              cpu:           { soft: 40,        hard: 50 }
              processes:     { soft: 8,         hard: 10 }
              message_queue: { soft: 2000,      hard: 5000 }
      """;

  private LoadNodes() {
  }

  public static String randomClusterName() {
    return "load-" + UUID.randomUUID();
  }

  public static int randomClusterPort() {
    return 20_000 + ThreadLocalRandom.current().nextInt(1200) * 10;
  }

  /**
   * A data directory of its own for every node a load test starts (a cluster of one keeps its state
   * in H2 there): with the default {@code ./data}, a run's agents and budgets came back in the next
   * (seen: an earlier run's budget on the same resource doubled every lease of `LeaseAheadBench`).
   */
  private static String freshDataDir(String nodeId) throws IOException {
    return Files.createTempDirectory("load-" + nodeId + "-").toString();
  }

  /** Starts a node in this JVM; {@code yaml} is merged over the built-in configuration. */
  public static GovernorNode start(String nodeId, String cluster, int port, List<String> members, String yaml)
      throws IOException {
    List<String> args = new ArrayList<>(List.of("--http-port", "0", "--cluster-name", cluster, "--cluster-port",
        String.valueOf(port), "--node-id", nodeId, "--data-dir", freshDataDir(nodeId)));
    if (!yaml.isBlank()) {
      Path conf = Files.createTempFile("governor-load-", ".yaml");
      Files.writeString(conf, yaml);
      conf.toFile().deleteOnExit();
      args.add("--config");
      args.add(conf.toString());
    }
    if (!members.isEmpty()) {
      args.add("--members");
      args.add(String.join(",", members));
    }
    NodeConfig config = ConfigLoader.load(args, Map.of("GOVERNOR_ADMIN_TOKEN", TOKEN));
    try {
      return GovernorNode.start(config).await(120, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException("node " + nodeId + " did not start", e);
    }
  }

  /**
   * Starts a {@link LoadNodeMain} node in its own JVM (this JVM's classpath) and waits for its
   * ready line; {@code members} null for the first.
   */
  public static Process startProcess(String id, String cluster, int port, String members) throws Exception {
    List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xmx1g", "-Djava.util.concurrent.ForkJoinPool.common.parallelism=4",
        "--add-exports", "java.base/jdk.internal.ref=ALL-UNNAMED", "--add-opens", "java.base/java.lang=ALL-UNNAMED",
        "--add-opens", "java.base/sun.nio.ch=ALL-UNNAMED", "--add-opens", "java.management/sun.management=ALL-UNNAMED",
        "--add-opens", "jdk.management/com.sun.management.internal=ALL-UNNAMED",
        "-cp", System.getProperty("java.class.path"), LoadNodeMain.class.getName(),
        "--http-port", "0", "--node-id", id, "--cluster-name", cluster, "--cluster-port", String.valueOf(port),
        "--data-dir", freshDataDir(id)));
    if (members != null) {
      cmd.add("--members");
      cmd.add(members);
    }
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
    pb.environment().keySet().removeIf(k -> k.startsWith("GOVERNOR_"));
    pb.environment().put("GOVERNOR_ADMIN_TOKEN", LoadNodes.TOKEN);
    Process p = pb.start();
    List<String> lines = new CopyOnWriteArrayList<>();
    Thread pump = new Thread(() -> {
      try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
        String line;
        while ((line = r.readLine()) != null) {
          lines.add(line);
        }
      } catch (Exception e) {
        // the process ended
      }
    }, id + "-output");
    pump.setDaemon(true);
    pump.start();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
    while (System.nanoTime() < deadline) {
      if (lines.stream().anyMatch(l -> l.contains("governor node " + id + " ready"))) {
        return p;
      }
      if (!p.isAlive()) {
        throw new IllegalStateException(id + " exited: " + lines);
      }
      Thread.sleep(100);
    }
    p.destroyForcibly();
    throw new IllegalStateException(id + " not ready in 90 s: " + lines);
  }

  /** Stops a node JVM started by {@link #startProcess}: SIGTERM, then SIGKILL after 30 s; null is ignored. */
  public static void stop(Process p) throws InterruptedException {
    if (p == null) {
      return;
    }
    p.destroy();
    if (!p.waitFor(30, TimeUnit.SECONDS)) {
      p.destroyForcibly();
    }
  }

  public static void close(GovernorNode node) {
    try {
      node.close().await(60, TimeUnit.SECONDS);
    } catch (Exception e) {
      System.err.println("node " + node.nodeId() + " did not close cleanly: " + e);
    }
  }

  public static JsonObject request(GovernorNode node, String address, JsonObject body) {
    try {
      return node.vertx().eventBus().<JsonObject>request(address, body, new DeliveryOptions().setSendTimeout(60_000))
          .await(70, TimeUnit.SECONDS).body();
    } catch (Exception e) {
      throw new IllegalStateException(address + " " + body.encode() + ": " + e, e);
    }
  }

  /**
   * Sends {@code count} requests, at most {@code window} outstanding; fails on the first failure.
   * Returns the elapsed nanoseconds.
   */
  public static long pipelined(GovernorNode node, String address, int count, int window, IntFunction<JsonObject> body)
      throws InterruptedException {
    Semaphore permits = new Semaphore(window);
    AtomicReference<Throwable> failure = new AtomicReference<>();
    AtomicLong done = new AtomicLong();
    long start = System.nanoTime();
    for (int i = 0; i < count && failure.get() == null; i++) {
      permits.acquire();
      Future<?> f = node.vertx().eventBus().request(address, body.apply(i), new DeliveryOptions().setSendTimeout(120_000));
      f.onComplete(ar -> {
        if (ar.failed()) {
          failure.compareAndSet(null, ar.cause());
        }
        done.incrementAndGet();
        permits.release();
      });
    }
    permits.acquire(window);
    permits.release(window);
    if (failure.get() != null) {
      throw new IllegalStateException(address + " failed after " + done.get() + " requests", failure.get());
    }
    return System.nanoTime() - start;
  }
}
