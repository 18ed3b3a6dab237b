package io.agentgovernor.reliability.jepsen;

import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;

/**
 * The clients, each a thread through random nodes: quota writers, each the only writer of its
 * own keys, so a key's values rise in the order they were written ({@code limits.cpu.soft =
 * limits.cpu.hard = value}); and one sender of messages with unique ids to the ledger agents.
 * Paced, so the two shared cores keep room for the nodes.
 */
final class Workload {

  static final String GROUP = "jepsen";

  private final JepsenCluster cluster;
  private final History history;
  private final long seed;
  private final List<String> ledgers;
  private final int writers;
  private final int keysPerWriter;
  private final AtomicBoolean running = new AtomicBoolean();
  private final List<Thread> threads = new ArrayList<>();

  Workload(JepsenCluster cluster, History history, long seed, List<String> ledgers, int writers, int keysPerWriter) {
    this.cluster = cluster;
    this.history = history;
    this.seed = seed;
    this.ledgers = ledgers;
    this.writers = writers;
    this.keysPerWriter = keysPerWriter;
  }

  void start() {
    running.set(true);
    for (int w = 0; w < writers; w++) {
      int writer = w;
      threads.add(started(new Thread(() -> writeQuotas(writer), "jepsen-writer-" + w)));
    }
    threads.add(started(new Thread(this::sendMessages, "jepsen-sender")));
  }

  private static Thread started(Thread t) {
    t.setDaemon(true);
    t.start();
    return t;
  }

  /** Stops the clients and waits for their last requests (each ends within the client timeout). */
  void stop() throws InterruptedException {
    running.set(false);
    for (Thread t : threads) {
      t.join(TimeUnit.SECONDS.toMillis(15));
    }
  }

  private void writeQuotas(int writer) {
    Random random = new Random(seed * 31 + writer);
    long[] next = new long[keysPerWriter];
    for (int op = 0; running.get() && op < 1_000_000; op++) {
      int k = random.nextInt(keysPerWriter);
      String key = "q-" + writer + "-" + k;
      long value = ++next[k];
      int node = random.nextInt(cluster.size());
      JsonObject limit = new JsonObject().put("soft", value).put("hard", value);
      long sent = System.currentTimeMillis();
      Api.Reply r = cluster.api(node).call("PUT", "/quotas/" + key,
          new JsonObject().put("group", GROUP).put("limits", new JsonObject().put("cpu", limit)));
      history.write(new History.Write(key, value, node, sent, System.currentTimeMillis(), outcome(r), r.status(),
          r.ok() ? null : errorCode(r)));
      pace(25);
    }
  }

  private void sendMessages() {
    Random random = new Random(seed * 31 + 1000);
    for (int n = 0; running.get() && n < 1_000_000; n++) {
      String agent = ledgers.get(n % ledgers.size());
      String id = "m" + n;
      int node = random.nextInt(cluster.size());
      long sent = System.currentTimeMillis();
      Api.Reply r = cluster.api(node).call("POST", "/agents/" + agent + "/messages", new JsonObject().put("id", id));
      String takenBy = null;
      if (r.ok()) {
        try {
          takenBy = r.json().getString("node");
        } catch (RuntimeException e) {
          takenBy = null;
        }
      }
      history.send(new History.Send(id, agent, node, sent, System.currentTimeMillis(), outcome(r), takenBy));
      pace(30);
    }
  }

  /**
   * A 4xx other than a timeout is a refusal that wrote nothing; a 5xx may come from a node whose
   * own request inside the cluster timed out after the write was made, so it counts as unknown.
   */
  static History.Outcome outcome(Api.Reply r) {
    if (r.ok()) {
      return History.Outcome.ACK;
    }
    return r.status() >= 400 && r.status() < 500 && r.status() != 408 ? History.Outcome.FAIL : History.Outcome.UNKNOWN;
  }

  /** The error code of an error answer (its {@code "error"}), or the start of what came instead. */
  private static String errorCode(Api.Reply r) {
    try {
      return r.json().getString("error") + " " + r.json().getString("message", "").replaceAll("\\d+", "N");
    } catch (RuntimeException e) {
      String body = String.valueOf(r.body());
      return body.substring(0, Math.min(60, body.length()));
    }
  }

  private static void pace(long millis) {
    LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(millis));
  }
}
