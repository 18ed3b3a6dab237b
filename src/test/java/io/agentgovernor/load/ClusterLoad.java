package io.agentgovernor.load;

import static io.agentgovernor.load.LoadReport.f;

import io.vertx.core.json.JsonArray;
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
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Three node JVMs on loopback, {@code perNode} idle agents deployed on each through its own event
 * bus ({@code restart} of them per node with restartPolicy on-node-loss, in group {@code failover},
 * the rest in group {@code bulk}). Then, with every agent sampled each second:
 * <ol>
 *   <li>quota propagation: {@code updates} quota PUTs, through each node in turn; after each, the
 *       two other nodes' {@code GET /api/v1/quotas/{id}} are polled until the version changes.
 *       Baseline in the same run: the round trip of that GET on a node that already has the version.
 *   <li>failover: quota writes through nodes 1 and 2 (4 writers), kill -9 of node 3; the time from
 *       the kill until every one of its on-node-loss agents runs on a survivor (max of the registry's
 *       {@code since}), and every acknowledged write present on both survivors.
 * </ol>
 * Usage: ClusterLoad [perNode=10000] [restart=1000] [updates=200]
 */
public final class ClusterLoad {

  private static final String TOKEN = "load-token";
  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build();

  public static void main(String[] a) throws Exception {
    int perNode = a.length > 0 ? Integer.parseInt(a[0]) : 10_000;
    int restart = a.length > 1 ? Integer.parseInt(a[1]) : 1000;
    int updates = a.length > 2 ? Integer.parseInt(a[2]) : 200;
    long runStart = System.nanoTime();
    Path conf = Files.createTempFile("cluster-", ".yaml");
    // node pressure off: with the machine's other users the nodes' CPU pressure starts node shedding, whose
    // status publication (one synchronous IMap.set per shed agent per interval) then fills the worker pool
    Files.writeString(conf, "capacity:\n  publishIntervalMs: 1000\ndegradation:\n  node:\n    enabled: false\n");
    String cluster = "cluster-load-" + System.nanoTime();
    int base = 21_000 + ThreadLocalRandom.current().nextInt(800) * 10;
    String members = "127.0.0.1:" + base + ",127.0.0.1:" + (base + 1) + ",127.0.0.1:" + (base + 2);
    List<LoadProcess> nodes = new ArrayList<>();
    int[] ports = new int[3];
    LoadReport rep = new LoadReport("cluster", "Cluster: 3 nodes, " + (3 * perNode) + " agents");
    try {
      for (int i = 0; i < 3; i++) {
        nodes.add(LoadProcess.start("c" + (i + 1), System.getProperty("load.heap", "3g"), List.of("--http-port", "0", "--bridge-port", "0",
            "--cluster-name", cluster, "--cluster-port", String.valueOf(base + i), "--node-id", "c" + (i + 1),
            "--members", members, "--config", conf.toString()), Map.of("GOVERNOR_ADMIN_TOKEN", TOKEN)));
      }
      for (int i = 0; i < 3; i++) {
        ports[i] = nodes.get(i).awaitReady(Duration.ofSeconds(120));
      }
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      while (get(ports[0], "/nodes").getJsonArray("items").size() < 3) {
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException("3 nodes did not form a cluster");
        }
        Thread.sleep(200);
      }
      String limits = "\"defaultLimits\":{\"cpu\":{\"soft\":40,\"hard\":50},\"memory\":{\"soft\":200000000,\"hard\":256000000}}";
      nodes.get(0).command("group {\"name\":\"bulk\"," + limits + "}", Duration.ofSeconds(30));
      nodes.get(0).command("group {\"name\":\"failover\"," + limits + "}", Duration.ofSeconds(30));
      long d0 = System.nanoTime();
      List<Thread> deployers = new ArrayList<>();
      // ~100 deploys a second per node on this machine: 20 minutes, or 20 ms an agent if more
      Duration deployBound = Duration.ofMillis(Math.max(TimeUnit.MINUTES.toMillis(20), 20L * perNode));
      String[][] deployed = new String[6][];
      for (int i = 0; i < 3; i++) {
        int k = i;
        Thread t = new Thread(() -> {
          try {
            deployed[2 * k] = nodes.get(k).command("deploy " + restart + " idle failover r" + (k + 1) + "- on-node-loss {}",
                Duration.ofMinutes(10));
            deployed[2 * k + 1] = nodes.get(k).command("deploy " + (perNode - restart) + " idle bulk b" + (k + 1) + "- never {}",
                deployBound);
          } catch (Exception e) {
            throw new IllegalStateException(e);
          }
        });
        t.start();
        deployers.add(t);
      }
      for (Thread t : deployers) {
        t.join(deployBound.toMillis() + TimeUnit.MINUTES.toMillis(5));
      }
      double deploySeconds = (System.nanoTime() - d0) / 1e9;
      int ok = 0;
      int failed = 0;
      for (String[] d : deployed) {
        ok += Integer.parseInt(d[1]);
        failed += Integer.parseInt(d[2]);
      }
      System.out.printf("CLUSTER deployed %d (failed %d) in %.1f s%n", ok, failed, deploySeconds);
      Thread.sleep(5_000); // sampling and snapshots running on all of them

      // ---- quota propagation ----
      List<Double> visible = new ArrayList<>();
      List<Double> baseline = new ArrayList<>();
      int timeouts = 0;
      for (int u = 0; u < updates; u++) {
        int writer = u % 3;
        String id = "b" + (writer + 1) + "-" + (u * 37 % Math.max(1, perNode - restart));
        int cpu = 41 + u % 9;
        long t0 = System.nanoTime();
        JsonObject written = call(ports[writer], "PUT", "/quotas/" + id,
            "{\"group\":\"bulk\",\"limits\":{\"cpu\":{\"soft\":" + cpu + ",\"hard\":60}}}");
        long version = written.getLong("version");
        long acked = System.nanoTime();
        for (int other = 0; other < 3; other++) {
          if (other == writer) {
            continue;
          }
          long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
          boolean seen = false;
          while (System.nanoTime() < until) {
            JsonObject q = get(ports[other], "/quotas/" + id);
            if (q.getLong("version") >= version) {
              seen = true;
              break;
            }
          }
          if (seen) {
            visible.add((System.nanoTime() - acked) / 1e6);
          } else {
            timeouts++;
          }
        }
        long b0 = System.nanoTime();
        get(ports[(writer + 1) % 3], "/quotas/" + id);
        baseline.add((System.nanoTime() - b0) / 1e6);
        Thread.sleep(20);
      }
      double[] vis = visible.stream().mapToDouble(Double::doubleValue).sorted().toArray();
      double[] bas = baseline.stream().mapToDouble(Double::doubleValue).sorted().toArray();
      System.out.printf("CLUSTER quota visible p50 %.2f p99 %.2f max %.2f ms (timeouts %d); GET p50 %.2f ms%n",
          StormLoad.pct(vis, 50), StormLoad.pct(vis, 99), StormLoad.pct(vis, 100), timeouts, StormLoad.pct(bas, 50));

      // ---- heap per node: after the visibility phase (the full GCs it forces would pause it) ----
      long[] heapAfterGc = new long[3];
      long[] agentsOn = new long[3];
      for (int i = 0; i < 3; i++) {
        String[] heap = nodes.get(i).command("heap", Duration.ofSeconds(120));
        heapAfterGc[i] = Long.parseLong(heap[1]);
        agentsOn[i] = Long.parseLong(heap[2]);
      }
      long heapMax = Arrays.stream(heapAfterGc).max().orElse(0);
      System.out.printf("CLUSTER heap after GC %s bytes for %s agents%n", Arrays.toString(heapAfterGc), Arrays.toString(agentsOn));

      // ---- failover under load ----
      Set<String> acknowledged = ConcurrentHashMap.newKeySet();
      AtomicBoolean writing = new AtomicBoolean(true);
      List<Thread> writers = new ArrayList<>();
      for (int w = 0; w < 4; w++) {
        int port = ports[w % 2];
        int writer = w;
        Thread t = new Thread(() -> {
          for (int i = 0; writing.get() && i < 20_000; i++) {
            String id = "q-" + writer + "-" + i;
            HttpResponse<String> r = send(port, "PUT", "/quotas/" + id, "{\"group\":\"bulk\"}");
            if (r != null && r.statusCode() == 200) {
              acknowledged.add(id);
            }
          }
        });
        t.start();
        writers.add(t);
      }
      Thread.sleep(3_000);
      long killedAtMs = System.currentTimeMillis();
      long killedAt = System.nanoTime();
      nodes.get(2).kill9();
      System.out.println("load: kill -9 of c3 at " + java.time.Instant.ofEpochMilli(killedAtMs));
      int expected = restart;
      double observed = -1;
      int slowPolls = 0;
      JsonArray items = new JsonArray();
      long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
      while (System.nanoTime() < until) {
        long pollStart = System.nanoTime();
        try {
          items = listAll(ports[0], "r3-");
        } catch (IllegalStateException e) {
          slowPolls++; // the survivor busy restarting agents did not answer within 10 s: poll again
          continue;
        }
        long back = items.stream().map(o -> (JsonObject) o)
            .filter(x -> "running".equals(x.getString("state")) && !"c3".equals(x.getString("node"))).count();
        System.out.printf("load: %.2f s after the kill: %d of %d back (poll took %d ms)%n",
            (System.nanoTime() - killedAt) / 1e9, back, expected, (System.nanoTime() - pollStart) / 1_000_000);
        if (back == expected) {
          observed = (System.nanoTime() - killedAt) / 1e9;
          break;
        }
        Thread.sleep(200);
      }
      writing.set(false);
      for (Thread t : writers) {
        t.join(60_000);
      }
      long maxSince = items.stream().map(o -> (JsonObject) o).mapToLong(x -> x.getLong("since", 0L)).max().orElse(0);
      long minSince = items.stream().map(o -> (JsonObject) o).mapToLong(x -> x.getLong("since", 0L)).min().orElse(0);
      long running = items.stream().map(o -> (JsonObject) o)
          .filter(x -> "running".equals(x.getString("state")) && !"c3".equals(x.getString("node"))).count();
      int missing = 0;
      for (String id : acknowledged) {
        for (int n = 0; n < 2; n++) {
          HttpResponse<String> r = send(ports[n], "GET", "/quotas/" + id, null);
          if (r == null || r.statusCode() != 200) {
            missing++;
          }
        }
      }
      // the rest of the cluster: agents per surviving node; "once" = the survivors together run
      // exactly their own agents plus the restarted ones (a copy started twice would show here)
      JsonArray nodeList = get(ports[0], "/nodes").getJsonArray("items");
      long hosted = nodeList.stream().map(o -> (JsonObject) o).filter(n -> !"c3".equals(n.getString("nodeId")))
          .mapToLong(n -> n.getLong("agents", 0L)).sum();
      long hostedExpected = running;
      for (int k = 0; k < 2; k++) { // what c1 and c2 deployed themselves
        hostedExpected += Integer.parseInt(deployed[2 * k][1]) + Integer.parseInt(deployed[2 * k + 1][1]);
      }

      rep.text("Three node JVMs (LoadNode: the node plus a stdin command channel; -Xmx" + System.getProperty("load.heap", "3g") + " each, store memory, Hazelcast on "
          + "127.0.0.1, `capacity.publishIntervalMs: 1000`, `degradation.node.enabled: false`, everything else shipped defaults: sampling every 1 s) on one 2-core "
          + "machine; " + perNode + " `idle` agents per node deployed through each node's own event bus (" + restart
          + " per node with `restartPolicy: on-node-loss`, group `failover`; the rest group `bulk`). Deployed " + ok
          + " agents (" + failed + " failed) in " + f(deploySeconds, 1) + " s.\n");
      if (failed > 0) {
        rep.text("Why deploys failed (as the nodes logged it): " + nodes.stream().flatMap(n -> n.deployFailures().stream())
            .distinct().limit(5).toList() + "\n");
      }
      rep.text("## Quota updates visible on the other nodes");
      rep.text("");
      rep.text(updates + " quota PUTs, through each node in turn; after each 200, the other two nodes' "
          + "`GET /api/v1/quotas/{id}` polled back to back until the version is the new one; time from the 200. "
          + "Baseline: the same GET's round trip (a node that already holds the version).\n");
      rep.text("| measure | n | p50 | p99 | max |");
      rep.text("| --- | ---: | ---: | ---: | ---: |");
      rep.text("| visible on another node after the PUT's 200 | " + vis.length + " | " + f(StormLoad.pct(vis, 50), 2) + " ms | "
          + f(StormLoad.pct(vis, 99), 2) + " ms | " + f(StormLoad.pct(vis, 100), 2) + " ms |");
      rep.text("| baseline: GET round trip | " + bas.length + " | " + f(StormLoad.pct(bas, 50), 2) + " ms | "
          + f(StormLoad.pct(bas, 99), 2) + " ms | " + f(StormLoad.pct(bas, 100), 2) + " ms |");
      rep.text("");
      rep.text("Not visible within 5 s: " + timeouts + ". p99 " + f(StormLoad.pct(vis, 99), 1) + " ms = "
          + f(StormLoad.pct(vis, 99) / StormLoad.pct(bas, 50), 1) + "× the GET's p50. Target ≤ 1 s p99: **"
          + (timeouts == 0 && StormLoad.pct(vis, 99) <= 1000 ? "met" : "not met") + "**.\n");
      rep.text("## Heap per node");
      rep.text("");
      rep.text("Each node's used heap after two `System.gc()` (the LoadNode's `heap` command), once the agents were "
          + "deployed and sampled and the visibility phase ended; -Xmx" + System.getProperty("load.heap", "3g") + ".\n");
      rep.text("| node | agents hosted | heap after GC | per hosted agent |");
      rep.text("| --- | ---: | ---: | ---: |");
      for (int i = 0; i < 3; i++) {
        rep.text("| c" + (i + 1) + " | " + agentsOn[i] + " | " + f(heapAfterGc[i] / 1048576.0, 1) + " MiB | "
            + f(heapAfterGc[i] / 1024.0 / Math.max(1, agentsOn[i]), 1) + " KiB |");
      }
      rep.text("");
      rep.text("Largest: " + f(heapMax / 1048576.0, 1) + " MiB. Target (3 nodes × 100,000 agents): ≤ 2 GiB a node.\n");
      rep.text("## kill -9 of node c3 under quota writes");
      rep.text("");
      rep.text("4 writers PUT quotas through c1 and c2 from 3 s before the kill until all of c3's on-node-loss agents run "
          + "again. Restart time = max(`since`) of those agents in the registry − the kill (wall clock, same machine); "
          + "observed = when the driver's poll (every 200 ms, `GET /agents?group=failover`) first saw them all running on a survivor.\n");
      rep.text("| measure | value |");
      rep.text("| --- | ---: |");
      rep.text("| c3's on-node-loss agents running on c1/c2 | " + running + " of " + expected + " |");
      rep.text("| first restarted (min since − kill) | " + f((minSince - killedAtMs) / 1000.0, 2) + " s |");
      rep.text("| all restarted (max since − kill) | " + f((maxSince - killedAtMs) / 1000.0, 2) + " s |");
      rep.text("| observed by the driver | " + (observed < 0 ? "not within 120 s" : f(observed, 2) + " s") + " |");
      rep.text("| agents run by c1 + c2 (expected: those they deployed + the restarted) | " + hosted + " of " + hostedExpected
          + (hosted == hostedExpected ? " (each once)" : " (**mismatch**)") + " |");
      rep.text("| registry polls unanswered within 10 s during the failover | " + slowPolls + " |");
      rep.text("| acknowledged quota writes during the kill | " + acknowledged.size() + " |");
      rep.text("| of those missing on a survivor | " + missing + " |");
      rep.text("");
      rep.text("Nodes after: " + nodeList.encode());
      rep.text("");
      rep.text("Whole run " + f((System.nanoTime() - runStart) / 1e9, 0) + " s.");
      rep.csv("measure,n,p50_ms,p99_ms,max_ms");
      rep.csv("quota_visible," + vis.length + "," + f(StormLoad.pct(vis, 50), 3) + "," + f(StormLoad.pct(vis, 99), 3) + "," + f(StormLoad.pct(vis, 100), 3));
      rep.csv("get_baseline," + bas.length + "," + f(StormLoad.pct(bas, 50), 3) + "," + f(StormLoad.pct(bas, 99), 3) + "," + f(StormLoad.pct(bas, 100), 3));
      rep.csv("measure,value");
      rep.csv("agents_deployed," + ok);
      rep.csv("deploy_seconds," + f(deploySeconds, 1));
      for (int i = 0; i < 3; i++) {
        rep.csv("heap_after_gc_c" + (i + 1) + "," + heapAfterGc[i]);
      }
      rep.csv("failover_expected," + expected);
      rep.csv("failover_running," + running);
      rep.csv("failover_first_s," + f((minSince - killedAtMs) / 1000.0, 3));
      rep.csv("failover_all_s," + f((maxSince - killedAtMs) / 1000.0, 3));
      rep.csv("failover_observed_s," + f(observed, 3));
      rep.csv("survivors_hosted," + hosted);
      rep.csv("survivors_hosted_expected," + hostedExpected);
      rep.csv("writes_acknowledged," + acknowledged.size());
      rep.csv("writes_missing," + missing);
      rep.write();
    } finally {
      for (LoadProcess n : nodes) {
        n.close();
      }
    }
  }

  private static JsonArray listAll(int port, String prefix) {
    JsonArray all = new JsonArray();
    for (int offset = 0; offset < 100_000; offset += 1000) {
      JsonObject page = get(port, "/agents?group=failover&limit=1000&offset=" + offset);
      JsonArray items = page.getJsonArray("items");
      items.stream().map(o -> (JsonObject) o).filter(x -> x.getString("id").startsWith(prefix)).forEach(all::add);
      if (items.size() < 1000) {
        break;
      }
    }
    return all;
  }

  static HttpResponse<String> send(int port, String method, String path, String body) {
    HttpRequest r = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/v1" + path)).timeout(Duration.ofSeconds(10))
        .header("Authorization", "Bearer " + TOKEN).header("Content-Type", "application/json")
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body)).build();
    try {
      return HTTP.send(r, HttpResponse.BodyHandlers.ofString());
    } catch (Exception e) {
      return null;
    }
  }

  static JsonObject call(int port, String method, String path, String body) {
    HttpResponse<String> r = send(port, method, path, body);
    if (r == null || r.statusCode() / 100 != 2) {
      throw new IllegalStateException(method + " " + path + " -> " + (r == null ? "no answer" : r.statusCode() + " " + r.body()));
    }
    return new JsonObject(r.body());
  }

  static JsonObject get(int port, String path) {
    return call(port, "GET", path, null);
  }
}
