package io.agentgovernor.admin.load;

import io.agentgovernor.bus.Addresses;
import io.agentgovernor.node.GovernorNode;
import io.agentgovernor.testing.TestNodes;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Live-feed load driver (load-tests/feed.sh): one node in this JVM, N WebSocket subscribers on a
 * separate Vert.x, and R events a second published on the node's event bus for D seconds. Each
 * event carries its send time (System.nanoTime, same JVM); every subscriber measures delivery
 * latency. Mode {@code all}: every subscriber gets every event (R x N deliveries a second); mode
 * {@code per-agent}: subscriber i filters on agent i, events spread over the N agents.
 * Prints one Markdown line of results.
 */
public final class FeedLoad {

  private static final int MAX_LATENCY_MS = 10_000;

  public static void main(String[] args) throws Exception {
    int subscribers = Integer.parseInt(args[0]);
    int rate = Integer.parseInt(args[1]);
    int seconds = Integer.parseInt(args[2]);
    boolean all = args.length < 4 || args[3].equals("all");
    GovernorNode node = TestNodes.start(TestNodes.config(TestNodes.randomClusterName(), TestNodes.randomClusterPort(), "feed-load", List.of()));
    Vertx clients = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1));
    AtomicLongArray histogram = new AtomicLongArray(MAX_LATENCY_MS + 1);
    AtomicLong delivered = new AtomicLong();
    WebSocketClient client = clients.createWebSocketClient(new WebSocketClientOptions().setMaxConnections(subscribers + 10));
    List<Future<?>> connected = new ArrayList<>();
    for (int i = 0; i < subscribers; i++) {
      String query = all ? "types=alert" : "agents=agent-" + i;
      connected.add(client.connect(new WebSocketConnectOptions().setHost("127.0.0.1").setPort(node.httpPort())
          .setURI("/api/v1/feed?" + query).addHeader("Authorization", "Bearer " + TestNodes.VIEWER_TOKEN))
          .onSuccess(ws -> ws.textMessageHandler(text -> {
            int at = text.indexOf("\"sent\":");
            if (at >= 0) {
              long sent = Long.parseLong(text.substring(at + 7, text.indexOf(',', at)));
              int ms = (int) Math.min(MAX_LATENCY_MS, (System.nanoTime() - sent) / 1_000_000);
              histogram.incrementAndGet(ms);
              delivered.incrementAndGet();
            }
          })));
    }
    Future.all(connected).await(60, TimeUnit.SECONDS);
    Thread.sleep(1000);

    // Publish in 10 ms ticks on the node's own event loop, as a part of the node would.
    int perTick = Math.max(1, rate / 100);
    AtomicLong published = new AtomicLong();
    long[] seq = {0};
    long timer = node.vertx().setPeriodic(10, id -> {
      for (int k = 0; k < perTick; k++) {
        long n = seq[0]++;
        node.vertx().eventBus().publish(Addresses.EVENTS, new JsonObject().put("type", "alert")
            .put("sent", System.nanoTime()).put("agentId", "agent-" + (n % subscribers)).put("node", "feed-load")
            .put("time", System.currentTimeMillis()).put("message", "load"));
        published.incrementAndGet();
      }
    });
    Thread.sleep(seconds * 1000L);
    node.vertx().cancelTimer(timer);
    Thread.sleep(2000); // let deliveries in flight land

    long expected = all ? published.get() * subscribers : published.get();
    long[] counts = new long[MAX_LATENCY_MS + 1];
    for (int i = 0; i <= MAX_LATENCY_MS; i++) {
      counts[i] = histogram.get(i);
    }
    long total = Arrays.stream(counts).sum();
    System.out.printf("| %s | %d | %d/s | %d s | %d | %d (%.1f %%) | %.0f/s | %s | %s | %s | %s |%n",
        all ? "all" : "per-agent", subscribers, rate, seconds, expected, delivered.get(), 100.0 * delivered.get() / expected,
        delivered.get() / (double) seconds, pct(counts, total, 0.50), pct(counts, total, 0.99), pct(counts, total, 0.999),
        pct(counts, total, 1.0));
    clients.close().await(10, TimeUnit.SECONDS);
    TestNodes.closeAll(node);
    System.exit(0);
  }

  private static String pct(long[] counts, long total, double q) {
    long target = (long) Math.ceil(q * total);
    long seen = 0;
    for (int i = 0; i < counts.length; i++) {
      seen += counts[i];
      if (seen >= target && seen > 0) {
        return (i == MAX_LATENCY_MS ? ">=" : "") + i + " ms";
      }
    }
    return "–";
  }
}
