package io.agentgovernor.load;

import static io.agentgovernor.load.LoadReport.f;

import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Breach storm: N memory-hog agents (64 KB held each) on one node; their quotas' memory limits are
 * lowered below what they hold in one burst of quota PUTs over HTTP (32 in flight), with a ladder
 * that suspends at once. Counted: enforcement events on a WebSocket subscriber of
 * {@code /api/v1/feed?types=enforcement} (one per agent expected), each agent's enforcement history
 * over HTTP (the record, independent of the feed), breach-to-action from each event's
 * {@code durationMs} (the engine's measure: from the sample that saw the breach to the action
 * applied, the same nanos its LatencyRecorder keeps), and from the PUT's acknowledgement to the
 * event's arrival at the subscriber (includes the wait for the next sample). Baseline in the same
 * run: the same breach on {@code solo} agents one at a time, each in its own sampling interval.
 *
 * <p>Usage: StormLoad [agents=1000] [solo=10] [intervalMs=1000]
 */
public final class StormLoad {

  private static final String TOKEN = "load-token";
  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  record Got(JsonObject event, long receivedNanos) {
  }

  public static void main(String[] a) throws Exception {
    int n = a.length > 0 ? Integer.parseInt(a[0]) : 1000;
    int solo = a.length > 1 ? Integer.parseInt(a[1]) : 10;
    long interval = a.length > 2 ? Long.parseLong(a[2]) : 1000;
    Path conf = Files.createTempFile("storm-", ".yaml");
    // node pressure off: other users' load on this shared machine would otherwise have the node shed
    // (throttle) agents, and those hand-overs are enforcement events of their own
    Files.writeString(conf, "monitor:\n  intervalMs: " + interval + "\ndegradation:\n  node:\n    enabled: false\n");
    int port = 21_000 + ThreadLocalRandom.current().nextInt(800) * 10;
    Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1));
    try (LoadProcess node = LoadProcess.start("storm", "1g", List.of("--http-port", "0", "--bridge-port", "0",
        "--cluster-name", "storm-" + System.nanoTime(), "--cluster-port", String.valueOf(port), "--node-id", "storm",
        "--config", conf.toString()), Map.of("GOVERNOR_ADMIN_TOKEN", TOKEN, "GOVERNOR_STORE_KIND", "none"))) {
      int http = node.awaitReady(Duration.ofSeconds(90));
      node.command("group {\"name\":\"storm\",\"priority\":5,\"defaultLimits\":{\"memory\":{\"soft\":100000000,"
          + "\"hard\":200000000},\"cpu\":{\"soft\":400,\"hard\":400}}}", Duration.ofSeconds(30));
      String[] d = node.command("deploy " + (n + solo) + " memory-hog storm s never {\"holdBytes\":65536}", Duration.ofMinutes(5));
      if (!d[2].equals("0")) {
        throw new IllegalStateException("deploy failures: " + String.join(" ", d));
      }
      Thread.sleep(3 * interval + 1000); // every agent sampled a few times, compliant

      Map<String, List<Got>> events = new ConcurrentHashMap<>();
      AtomicInteger frames = new AtomicInteger();
      // held until the end: a Vert.x 5 client that becomes unreachable is closed by a Cleaner, with its connections
      io.vertx.core.http.WebSocketClient wsClient = vertx.createWebSocketClient();
      WebSocket ws;
      try {
        ws = wsClient.connect(new WebSocketConnectOptions().setHost("127.0.0.1").setPort(http)
            .setURI("/api/v1/feed?types=enforcement").addHeader("Authorization", "Bearer " + TOKEN)).await(10, TimeUnit.SECONDS);
      } catch (Exception e) {
        throw new IllegalStateException("feed connection failed; node log:\n" + node.tail(), e);
      }
      ws.textMessageHandler(text -> {
        long t = System.nanoTime();
        frames.incrementAndGet();
        JsonObject m = new JsonObject(text);
        if ("enforcement".equals(m.getString("type"))) {
          events.computeIfAbsent(m.getString("agentId"), k -> new java.util.concurrent.CopyOnWriteArrayList<>()).add(new Got(m, t));
        }
      });
      Thread.sleep(500);
      int before = events.size();

      // baseline: one agent at a time, each given two intervals to itself
      List<String> soloIds = new ArrayList<>();
      Map<String, Long> acked = new ConcurrentHashMap<>();
      for (int i = n; i < n + solo; i++) {
        String id = "s" + i;
        soloIds.add(id);
        put(http, id, acked).join();
        Thread.sleep(2 * interval);
      }
      // the storm: every other agent at once
      List<String> stormIds = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        stormIds.add("s" + i);
      }
      Semaphore inFlight = new Semaphore(32);
      long burstStart = System.nanoTime();
      List<CompletableFuture<Void>> puts = new ArrayList<>();
      for (String id : stormIds) {
        inFlight.acquire();
        puts.add(put(http, id, acked).whenComplete((v, e) -> inFlight.release()));
      }
      CompletableFuture.allOf(puts.toArray(CompletableFuture[]::new)).get(120, TimeUnit.SECONDS);
      long burstNanos = System.nanoTime() - burstStart;
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      while (System.nanoTime() < deadline && !stormIds.stream().allMatch(events::containsKey)) {
        Thread.sleep(100);
      }
      Thread.sleep(2 * interval); // late or duplicate events
      ws.close();
      wsClient.close();

      // the record: each agent's enforcement history, from the node
      int recorded = 0;
      for (String id : stormIds) {
        HttpResponse<String> r = HTTP.send(req(http, "/agents/" + id + "/enforcement", "GET", null), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() == 200 && !new JsonObject(r.body()).getJsonArray("items").isEmpty()) {
          recorded++;
        }
      }
      report(n, solo, interval, before, soloIds, stormIds, events, acked, burstNanos, recorded, frames.get());
    } finally {
      vertx.close().await(10, TimeUnit.SECONDS);
    }
  }

  private static HttpRequest req(int port, String path, String method, String body) {
    return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/v1" + path)).timeout(Duration.ofSeconds(30))
        .header("Authorization", "Bearer " + TOKEN).header("Content-Type", "application/json")
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body)).build();
  }

  /** Lowers the agent's memory limit below the 64 KB it holds, with a ladder that suspends at once. */
  private static CompletableFuture<Void> put(int port, String id, Map<String, Long> acked) {
    String body = "{\"group\":\"storm\",\"limits\":{\"memory\":{\"soft\":16000,\"hard\":32000,"
        + "\"ladder\":[{\"action\":\"suspend\",\"afterMs\":0}]}}}";
    return HTTP.sendAsync(req(port, "/quotas/" + id, "PUT", body), HttpResponse.BodyHandlers.ofString()).thenAccept(r -> {
      if (r.statusCode() != 200) {
        throw new IllegalStateException("PUT " + id + " -> " + r.statusCode() + " " + r.body());
      }
      acked.put(id, System.nanoTime());
    });
  }

  static double pct(double[] sorted, double p) {
    if (sorted.length == 0) {
      return Double.NaN;
    }
    int rank = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
    return sorted[Math.max(0, Math.min(sorted.length - 1, rank))];
  }

  private static void report(int n, int solo, long interval, int before, List<String> soloIds, List<String> stormIds,
                             Map<String, List<Got>> events, Map<String, Long> acked, long burstNanos, int recorded,
                             int frames) throws Exception {
    double[][] soloLat = latencies(soloIds, events, acked);
    double[][] stormLat = latencies(stormIds, events, acked);
    long stormGot = stormIds.stream().filter(events::containsKey).count();
    long dup = stormIds.stream().filter(id -> events.getOrDefault(id, List.of()).size() > 1).count();
    long suspended = stormIds.stream().filter(id -> events.getOrDefault(id, List.of()).stream()
        .anyMatch(g -> "suspend".equals(g.event().getString("action")) && "success".equals(g.event().getString("outcome")))).count();
    LoadReport rep = new LoadReport("breach-storm", "Breach storm: " + n + " agents over their hard limits at once");
    rep.text(n + " + " + solo + " `memory-hog` agents (64 KB held each) on one node JVM (-Xmx1g, store none, "
        + "monitor.intervalMs " + interval + ", `degradation.node.enabled: false` so that other users' load on the shared machine "
        + "does not make the node shed agents with enforcement events of its own). Each quota PUT lowers memory to soft 16,000 / hard 32,000 bytes with the ladder "
        + "`[{suspend, afterMs 0}]`. Baseline: " + solo + " agents breached one at a time, two intervals apart; storm: "
        + n + " PUTs over HTTP, 32 in flight (" + f(burstNanos / 1e6, 0) + " ms for the whole burst). "
        + "**breach→action** = the event's `durationMs` (from the sample that saw the breach to the action applied; "
        + "what the engine's LatencyRecorder records). **PUT→feed** = from the PUT's 200 to the event's arrival at the "
        + "WebSocket subscriber (includes the wait for the next sample, up to one interval).\n");
    rep.text("| run | agents | enforcement events on the feed (agents) | suspended | breach→action p50 | p99 | max | PUT→feed p50 | p99 | max |");
    rep.text("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
    long soloGot = soloIds.stream().filter(events::containsKey).count();
    rep.text(row("solo (baseline)", solo, soloGot, soloIds.stream().filter(events::containsKey).count(), soloLat));
    rep.text(row("storm", n, stormGot, suspended, stormLat));
    rep.csv("run,agents,events_agents,p50_ms,p99_ms,max_ms,feed_p50_ms,feed_p99_ms,feed_max_ms");
    rep.csv(csvRow("solo", solo, soloGot, soloLat));
    rep.csv(csvRow("storm", n, stormGot, stormLat));
    rep.text("");
    rep.text("Storm p99 breach→action " + f(pct(stormLat[0], 99), 1) + " ms = " + f(pct(stormLat[0], 99) / pct(soloLat[0], 50), 1)
        + "× the solo p50 (" + f(pct(soloLat[0], 50), 1) + " ms). Agents with an enforcement event on the feed: "
        + stormGot + " of " + n + " (lost: " + (n - stormGot) + "; agents with more than one: " + dup + "); with an "
        + "enforcement record in their history (GET /agents/{id}/enforcement): " + recorded + " of " + n
        + ". Events before the storm (should be 0): " + before + ". Feed frames received in all: " + frames + ".");
    boolean met = stormGot == n && recorded == n && pct(stormLat[0], 99) <= 100;
    rep.text("");
    rep.text("Target (every breach acted on, p99 breach→action ≤ 100 ms, nothing lost on the feed): **" + (met ? "met" : "not met") + "**.");
    rep.write();
  }

  private static String row(String name, int agents, long got, long suspended, double[][] lat) {
    return "| " + name + " | " + agents + " | " + got + " | " + suspended + " | " + f(pct(lat[0], 50), 1) + " ms | "
        + f(pct(lat[0], 99), 1) + " ms | " + f(pct(lat[0], 100), 1) + " ms | " + f(pct(lat[1], 50), 0) + " ms | "
        + f(pct(lat[1], 99), 0) + " ms | " + f(pct(lat[1], 100), 0) + " ms |";
  }

  private static String csvRow(String name, int agents, long got, double[][] lat) {
    return String.join(",", name, "" + agents, "" + got, f(pct(lat[0], 50), 2), f(pct(lat[0], 99), 2), f(pct(lat[0], 100), 2),
        f(pct(lat[1], 50), 1), f(pct(lat[1], 99), 1), f(pct(lat[1], 100), 1));
  }

  /** {durationMs of the agent's suspend event, PUT ack to its receipt in ms}, each sorted. */
  private static double[][] latencies(List<String> ids, Map<String, List<Got>> events, Map<String, Long> acked) {
    List<Double> dur = new ArrayList<>();
    List<Double> e2e = new ArrayList<>();
    for (String id : ids) {
      Got g = events.getOrDefault(id, List.of()).stream()
          .filter(x -> "suspend".equals(x.event().getString("action"))).findFirst().orElse(null);
      if (g != null) {
        dur.add(g.event().getDouble("durationMs"));
        Long ack = acked.get(id);
        if (ack != null) {
          e2e.add((g.receivedNanos() - ack) / 1e6);
        }
      }
    }
    double[] a = dur.stream().mapToDouble(Double::doubleValue).sorted().toArray();
    double[] b = e2e.stream().mapToDouble(Double::doubleValue).sorted().toArray();
    return new double[][] {a, b};
  }
}
