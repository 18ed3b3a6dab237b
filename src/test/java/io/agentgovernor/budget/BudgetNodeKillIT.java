package io.agentgovernor.budget;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.agentgovernor.testing.NodeHttp;
import io.agentgovernor.testing.NodeProcess;
import io.agentgovernor.testing.SampledReports;
import io.agentgovernor.testing.TestNodes;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;

/**
 * The budget checker on three node JVMs started from the jar, driven only over HTTP: 150 reservers
 * (HTTP clients of {@code /api/v1/reservations}, 50 per node) reserve random amounts against one
 * group budget of 1,000,000 tokens while one node is killed with kill -9; a sampler reads the
 * owner's figures through a survivor all along.
 *
 * <p>What is asserted, with A = the actuals of every commit a node acknowledged, split by the node
 * that granted the reservation (its id names it) into A_live (survivors) and A_dead (the killed
 * node), F = the amounts the killed node may still have held reserved when it died (its grants
 * whose settle was never acknowledged, and the reservations sent to it that reached it and got no
 * answer: with 50 reservers on it, several are granted and unanswered at the kill), U = the amounts
 * of survivors' grants or settles whose answer never came (0 in a clean run), C = the owner's
 * committed at the end and X = its chargedInFull (the dead node's slice):
 * <ul>
 *   <li>never above: committed + outstanding at the owner ≤ 1,000,000 at every sample; and on the
 *       reservers' side, Σ over every acknowledged grant of (its full amount until its settle is
 *       sent, the actual it settles with from then on) ≤ 1,000,000 at every moment: a lower bound
 *       of what the owner counts for those grants, so it must hold too;</li>
 *   <li>no acknowledged commit lost: C ≥ A_live + A_dead (the dead node's were reported before it
 *       died or lie inside the slice charged in full);</li>
 *   <li>none counted twice: C − X, what nodes reported, lies in [A_live, A_live + A_dead + F + U]
 *       (survivors' reports are exact; of the dead node's only what it flushed before dying), and no
 *       reservation id was granted twice;</li>
 *   <li>usable: C ≥ 99 % of the amount once the dead slice is charged and every survivor gave its
 *       slice back, and what the death stranded, C − A − F − U, is at most what the design allows:
 *       one slice (1 %), plus the unspent rest of the dead node's settles answered after the
 *       figures of its last surely surviving report were read (the owner's {@code reportedAtByNode},
 *       sampled, the one before the last seen: see {@link SampledReports}; a missed later report
 *       only loosens the bound). On a loaded host
 *       reports run late and that rest grows (measured with two CPU burners: up to 12,860 tokens).
 *       F counts every reservation sent to the killed node and never answered, granted or not (which
 *       were granted died with it), so this check is looser by the amounts of those not granted;
 *       counting none of them (as this test once did) under-counts: several are granted and
 *       unanswered at the kill, and the check then failed on a correct run.</li>
 * </ul>
 */
class BudgetNodeKillIT {

  private static final long AMOUNT = 1_000_000;
  private static final long SLICE = AMOUNT / 100;
  private static final int RESERVERS = 150;
  private static final int MAX_REQUEST = 2_000;
  private static final int DENIALS_TO_STOP = 10;
  private static final String BUDGET = "kill-tokens";
  private static final int KILLED = 2;

  /**
   * The reservers' own client: HTTP/1.1, a connection per concurrent request. Over the shared
   * HTTP/2 client 150 concurrent requests exceed the server's 100 streams a connection and the
   * client refuses the rest ("too many concurrent streams") before they leave.
   */
  private static final HttpClient CLIENT = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(Duration.ofSeconds(3)).build();

  private final List<NodeProcess> nodes = new ArrayList<>();
  private final List<NodeHttp> http = new ArrayList<>();
  private final List<Integer> ports = new ArrayList<>();
  private final Map<String, Long> failures = new ConcurrentHashMap<>();

  @BeforeEach
  void startThreeNodes() throws Exception {
    Path config = Files.createTempFile("budget-kill-", ".yaml");
    // heartbeat timeout 8 s: the budget clients keep both cores busy; kill -9 is seen from the closed connection
    // a grant whose answer was lost (a timeout) is charged in full after 10 s instead of the default 60 s
    Files.writeString(config, "cluster:\n  maxNoHeartbeatSeconds: 8\nbudgets:\n  reservationLeaseMs: 10000\n");
    String cluster = TestNodes.randomClusterName();
    int port = TestNodes.randomClusterPort();
    String members = "127.0.0.1:" + port + ",127.0.0.1:" + (port + 1) + ",127.0.0.1:" + (port + 2);
    for (int i = 0; i < 3; i++) {
      nodes.add(NodeProcess.start(List.of("--http-port", "0", "--node-id", "b" + (i + 1), "--cluster-name", cluster,
          "--cluster-port", String.valueOf(port + i), "--config", config.toString(), "--members", members),
          Map.of("GOVERNOR_ADMIN_TOKEN", TestNodes.ADMIN_TOKEN)));
    }
    for (NodeProcess node : nodes) {
      ports.add(node.awaitReady(Duration.ofSeconds(60)));
      http.add(new NodeHttp(ports.get(ports.size() - 1)));
    }
    await().atMost(Duration.ofSeconds(20)).until(() -> http.get(0).get("/nodes").getJsonArray("items").size() == 3);
  }

  @AfterEach
  void stopNodes(TestInfo test) throws Exception {
    for (int i = 0; i < nodes.size(); i++) {
      NodeProcess node = nodes.get(i);
      node.close();
      List<String> log = new ArrayList<>(node.stdout());
      log.addAll(node.stderr());
      Files.write(Path.of("target", "budget-kill-b" + (i + 1) + ".log"), log);
    }
  }

  /** What the reservers saw, acknowledged answers only. */
  private static final class Seen {
    final Map<String, Long> grants = new ConcurrentHashMap<>();
    final AtomicLong duplicates = new AtomicLong();
    final AtomicLong[] committedBy = {new AtomicLong(), new AtomicLong(), new AtomicLong()};
    /** Per grant: its full amount until its settle is sent, then the actual it settles with (a lower bound of the truth). */
    final AtomicLong inUse = new AtomicLong();
    final AtomicLong maxInUse = new AtomicLong();
    final AtomicLong inFlightOnDead = new AtomicLong();
    /** Of {@code inFlightOnDead}: reservations sent to the killed node that got no answer (granted or not: unknowable). */
    final AtomicLong unansweredOnDead = new AtomicLong();
    final AtomicLong unknownOnLive = new AtomicLong();
    final AtomicLong unknownCalls = new AtomicLong();
    final AtomicLong denials = new AtomicLong();
    final Map<String, Long> answers = new ConcurrentHashMap<>();
    /** The dead node's acknowledged settles: when the answer came (epoch ms) and the unspent rest. */
    final Queue<long[]> deadRests = new ConcurrentLinkedQueue<>();
    /** When the killed node read the figures of its reports the owner counted, as sampled. */
    final SampledReports deadReports = new SampledReports();
    /** What the owner last showed the killed node holding, before its slice was charged (diagnostics). */
    final AtomicLong deadHeld = new AtomicLong();

    void granted(String id, long amount) {
      if (grants.putIfAbsent(id, amount) != null) {
        duplicates.incrementAndGet();
      }
      maxInUse.accumulateAndGet(inUse.addAndGet(amount), Math::max);
    }

    long acknowledged() {
      return committedBy[0].get() + committedBy[1].get() + committedBy[2].get();
    }
  }

  /**
   * A reserver's call: the answer, or none ({@code response} null, the reason counted in
   * {@link #failures}); {@code reached} is false only when the connection was refused, so the
   * request never reached the node and cannot have changed anything there.
   */
  private record Call(HttpResponse<String> response, boolean reached) {
  }

  private Call call(int node, String path, JsonObject body) {
    return call(node, "POST", path, body);
  }

  private Call call(int node, String method, String path, JsonObject body) {
    HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + ports.get(node) + "/api/v1" + path))
        .timeout(Duration.ofSeconds(10)).header("Authorization", "Bearer " + TestNodes.ADMIN_TOKEN)
        .header("Content-Type", "application/json")
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body.encode()))
        .build();
    try {
      return new Call(CLIENT.send(request, HttpResponse.BodyHandlers.ofString()), true);
    } catch (IOException e) {
      failures.merge("b" + (node + 1) + " " + e, 1L, Long::sum);
      return new Call(null, !(e instanceof ConnectException));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return new Call(null, true);
    }
  }

  private static int nodeIndexOf(String reservationId) {
    String node = reservationId.substring(0, reservationId.lastIndexOf('.'));
    return Integer.parseInt(node.substring(1)) - 1;
  }

  @Test
  @DisplayName("3 node JVMs, 150 HTTP reservers, one group budget of 1,000,000, kill -9 of a node mid-run: never above, no acknowledged commit lost or counted twice, >= 99 % usable")
  void killOneNodeMidRun() throws Exception {
    http.get(0).ok("POST", "/budgets", new JsonObject().put("id", BUDGET).put("resource", "llm_tokens")
        .put("amount", AMOUNT).put("window", "lifetime").put("scope", "group").put("target", "standard_agent"));
    Seen seen = new Seen();
    AtomicBoolean sampling = new AtomicBoolean(true);
    AtomicLong samples = new AtomicLong();
    AtomicLong maxOwner = new AtomicLong();
    AtomicLong sampleNanos = new AtomicLong();
    Thread sampler = new Thread(() -> {
      for (int i = 0; sampling.get() && i < 1_000_000; i++) {
        long t0 = System.nanoTime();
        HttpResponse<String> r = call(i % 2, "GET", "/budgets/" + BUDGET, null).response();
        sampleNanos.accumulateAndGet(System.nanoTime() - t0, Math::max);
        if (r != null && r.statusCode() == 200) {
          JsonObject s = new JsonObject(r.body());
          maxOwner.accumulateAndGet(s.getLong("committed") + s.getLong("outstanding"), Math::max);
          seen.deadReports.seen(s.getJsonObject("reportedAtByNode").getLong("b" + (KILLED + 1), 0L));
          Long held = s.getJsonObject("heldByNode").getLong("b" + (KILLED + 1));
          if (held != null) {
            seen.deadHeld.set(held);
          }
          samples.incrementAndGet();
        }
      }
    }, "owner-sampler");
    sampler.start();
    AtomicLong killedAt = new AtomicLong();
    Thread killer = new Thread(() -> {
      await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(20))
          .until(() -> seen.acknowledged() > AMOUNT / 4);
      try {
        nodes.get(KILLED).kill();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      killedAt.set(seen.acknowledged());
    }, "killer");
    killer.start();
    long started = System.nanoTime();
    try {
      runReservers(seen);
      killer.join(60_000);
      assertThat(killedAt.get()).as("the node was killed mid-run").isPositive();
      // the dead node's slice charged, every survivor's slice given back (idle return)
      await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200)).untilAsserted(() -> {
        JsonObject s = http.get(0).get("/budgets/" + BUDGET);
        assertThat(s.getLong("outstanding")).isZero();
        assertThat(s.getJsonObject("heldByNode").fieldNames()).doesNotContain("b" + (KILLED + 1));
      });
    } finally {
      sampling.set(false);
      sampler.join(10_000);
    }
    double seconds = (System.nanoTime() - started) / 1e9;
    JsonObject end = http.get(1).get("/budgets/" + BUDGET);
    long c = end.getLong("committed");
    long x = end.getLong("chargedInFull");
    long aLive = seen.committedBy[0].get() + seen.committedBy[1].get();
    long aDead = seen.committedBy[KILLED].get();
    long f = seen.inFlightOnDead.get();
    long u = seen.unknownOnLive.get();
    long stranded = c - aLive - aDead - f - u;
    long reportedAt = seen.deadReports.lastDurable();
    long restsSince = seen.deadRests.stream().filter(r -> r[0] >= reportedAt).mapToLong(r -> r[1]).sum();
    long bound = SLICE + restsSince;
    System.out.printf("budget kill-9 (3 JVMs): %d grants, %d denials in %.1f s, killed after %d acknowledged; owner samples %d, "
            + "slowest sample %.0f ms, max committed+outstanding %d; reservers' max in use %d%n", seen.grants.size(),
        seen.denials.get(), seconds, killedAt.get(), samples.get(), sampleNanos.get() / 1e6, maxOwner.get(), seen.maxInUse.get());
    System.out.printf("budget kill-9 (3 JVMs): committed %d of %d (%.3f %%); acknowledged commits: survivors %d, dead node %d; "
            + "dead node's grants in flight %d (of which reservations unanswered %d); unknown answers on survivors %d (%d calls); charged in full %d; stranded %d (%.3f %%), "
            + "bound %d = slice + unspent rest settled since its last surely surviving report %d (%d reports seen, "
            + "the last %d ms later); it last held %d%n",
        c, AMOUNT, 100.0 * c / AMOUNT, aLive, aDead, f, seen.unansweredOnDead.get(), u, seen.unknownCalls.get(), x, stranded, 100.0 * stranded / AMOUNT,
        bound, restsSince, seen.deadReports.count(), seen.deadReports.last() - reportedAt, seen.deadHeld.get());

    System.out.println("budget kill-9 (3 JVMs): unexpected answers " + seen.answers + "; no answer " + failures);
    assertThat(samples.get()).isGreaterThanOrEqualTo(20); // each a view at the owner, on two busy cores: ~10 a second
    assertThat(maxOwner.get()).isLessThanOrEqualTo(AMOUNT);
    assertThat(seen.maxInUse.get()).isLessThanOrEqualTo(AMOUNT);
    assertThat(seen.inUse.get()).isLessThanOrEqualTo(AMOUNT);
    assertThat(seen.duplicates.get()).isZero();
    assertThat(c).as("no acknowledged commit lost").isGreaterThanOrEqualTo(aLive + aDead);
    assertThat(c - x).as("reported by nodes: survivors exactly, the dead node at most what it acknowledged or had in flight")
        .isBetween(aLive, aLive + aDead + f + u);
    assertThat(c).as("usable").isGreaterThanOrEqualTo(AMOUNT * 99 / 100);
    // (a lower bound would need every unknown answer to have been a grant)
    // (with fewer than two seen, reportedAt is 0 and every rest counts: the bound only loosens)
    assertThat(seen.deadReports.count()).as("the dead node's reports were seen at the owner").isPositive();
    assertThat(stranded).as("stranded by the death").isLessThanOrEqualTo(bound);
    assertThat(end.getLong("overrun")).isZero();
  }

  /** 150 threads, 50 per node; one whose node stops answering moves to the next node. */
  private void runReservers(Seen seen) throws Exception {
    CountDownLatch done = new CountDownLatch(RESERVERS);
    List<Throwable> failures = new CopyOnWriteArrayList<>();
    for (int i = 0; i < RESERVERS; i++) {
      int first = i % 3;
      String agent = "agent-" + i;
      Thread t = new Thread(() -> {
        try {
          int via = first;
          int inARow = 0;
          for (int round = 0; round < 10_000 && inARow < DENIALS_TO_STOP; round++) {
            long amount = 1 + ThreadLocalRandom.current().nextLong(MAX_REQUEST);
            Call reserve = call(via, "/reservations", new JsonObject().put("agentId", agent)
                .put("group", "standard_agent").put("resource", "llm_tokens").put("amount", amount));
            HttpResponse<String> r = reserve.response();
            if (r == null && via == KILLED && !nodes.get(KILLED).isAlive()) {
              if (reserve.reached()) {
                unknown(seen, via, amount); // sent before the kill: it may have been granted, then lost with the node
                seen.unansweredOnDead.addAndGet(amount);
              }
              via = (via + 1) % 3; // the node is gone: go on through a survivor
              continue;
            }
            if (r != null && r.statusCode() == 409) {
              inARow++;
              seen.denials.incrementAndGet();
              continue;
            }
            if (r == null || r.statusCode() != 201) {
              seen.answers.merge(r == null ? "none" : r.statusCode() + " " + r.body(), 1L, Long::sum);
              unknown(seen, via, amount);
              continue;
            }
            inARow = 0;
            settle(seen, via, new JsonObject(r.body()).getString("id"), amount);
          }
        } catch (Throwable e) {
          failures.add(e);
        } finally {
          done.countDown();
        }
      }, "reserver-" + i);
      t.start();
    }
    assertThat(done.await(120, TimeUnit.SECONDS)).isTrue();
    assertThat(failures).isEmpty();
  }

  /** Commits ½–1× of the reservation (1 in 10 released), recorded only once acknowledged. */
  private void settle(Seen seen, int via, String id, long amount) {
    seen.granted(id, amount);
    int granter = nodeIndexOf(id);
    long actual = ThreadLocalRandom.current().nextInt(10) == 0 ? 0
        : amount / 2 + ThreadLocalRandom.current().nextLong(amount / 2 + 1);
    // counted as settled before it is sent: this side may lag the owner, never run ahead of it (if
    // the answer is lost, the owner charges either the actual or, charged in full, the whole amount)
    seen.inUse.addAndGet(actual - amount);
    HttpResponse<String> r = (actual == 0
        ? call(via, "/reservations/" + id + "/release", null)
        : call(via, "/reservations/" + id + "/commit", new JsonObject().put("actual", actual))).response();
    if (r != null && r.statusCode() == 200) {
      seen.committedBy[granter].addAndGet(actual);
      if (granter == KILLED) {
        // stamped at the answer, after the node took the rest back: never earlier than that
        seen.deadRests.add(new long[] {System.currentTimeMillis(), amount - actual});
      }
    } else if (granter == KILLED) {
      seen.inFlightOnDead.addAndGet(amount); // granted, then its node died: charged in full with its slice
    } else {
      unknown(seen, granter, amount);
    }
  }

  /**
   * An answer that never came (a survivor's timeout, or the killed node's death): the grant may
   * exist, so its amount bounds the figures (U on a survivor, F on the killed node).
   */
  private static void unknown(Seen seen, int node, long amount) {
    seen.unknownCalls.incrementAndGet();
    (node == KILLED ? seen.inFlightOnDead : seen.unknownOnLive).addAndGet(amount);
  }
}
