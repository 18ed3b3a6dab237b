package io.agentgovernor.budget.impl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;
import io.agentgovernor.budget.Budget;
import io.agentgovernor.budget.BudgetConfig;
import io.agentgovernor.bus.GovernorException;
import io.agentgovernor.cluster.ClusterSetup;
import io.agentgovernor.testing.TestNodes;
import io.vertx.core.json.JsonObject;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Node ledgers against a real Hazelcast member on loopback, with an injected clock: two ledgers
 * with their own node ids stand for two nodes (the owner tells them apart by id, as in a cluster).
 */
class BudgetLedgerIT {

  private static HazelcastInstance hz;
  private static ExecutorService pool;
  private final ManualClock clock = new ManualClock(1_700_000_080_000L); // 40 s into a minute
  private final List<String> events = new CopyOnWriteArrayList<>();
  private IMap<String, String> map;
  private BudgetIndex index;
  private BudgetStore store;

  static final class ManualClock extends Clock {
    final AtomicLong now;

    ManualClock(long start) {
      now = new AtomicLong(start);
    }

    void advance(long ms) {
      now.addAndGet(ms);
    }

    @Override
    public long millis() {
      return now.get();
    }

    @Override
    public Instant instant() {
      return Instant.ofEpochMilli(millis());
    }

    @Override
    public java.time.ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(java.time.ZoneId zone) {
      return this;
    }
  }

  @BeforeAll
  static void startMember() {
    hz = Hazelcast.newHazelcastInstance(ClusterSetup.hazelcastConfig(
        TestNodes.config(TestNodes.randomClusterName(), TestNodes.randomClusterPort(), "h1", List.of())));
    pool = Executors.newFixedThreadPool(4);
  }

  @AfterAll
  static void stopMember() {
    pool.shutdownNow();
    hz.getLifecycleService().terminate();
  }

  /** One refill thread: a task queued behind a reservation runs after any lease ahead it started. */
  private ExecutorService refills;

  @AfterEach
  void stopRefills() {
    refills.shutdownNow();
  }

  @BeforeEach
  void freshMap() {
    refills = Executors.newSingleThreadExecutor();
    map = hz.getMap(BudgetStore.MAP + "-" + java.util.UUID.randomUUID());
    index = new BudgetIndex(Map.of("t", Set.of("g", "g2")));
    store = new BudgetStore(map, index, clock);
  }

  /** Without leasing ahead: these tests count exactly what each slice holds. */
  private BudgetLedger ledger(String node) {
    return ledger(node, BudgetConfig.fromJson(new JsonObject().put("prefetchAt", 0)), pool);
  }

  private BudgetLedger ledger(String node, BudgetConfig config, ExecutorService refills) {
    return new BudgetLedger(node, map, index, clock, refills, config, new BudgetLedger.Listener() {
      @Override
      public void crossed(String budgetId, String level, JsonObject figures) {
        events.add(budgetId + ":" + level);
      }

      @Override
      public void wanted(String budgetId) {
      }
    });
  }

  private void create(String json) {
    store.create(Budget.fromJson(new JsonObject(json)));
  }

  private static JsonObject get(CompletableFuture<JsonObject> f) throws Exception {
    return f.get(10, TimeUnit.SECONDS);
  }

  @Test
  @DisplayName("agent ⊂ group ⊂ tenant: every enclosing budget applies, and the denial names the one that refused")
  void hierarchy() throws Exception {
    create("{\"id\":\"tenant-t\",\"resource\":\"llm_tokens\",\"amount\":1000,\"window\":\"lifetime\",\"scope\":\"tenant\",\"target\":\"t\"}");
    create("{\"id\":\"group-g\",\"resource\":\"llm_tokens\",\"amount\":500,\"window\":\"lifetime\",\"scope\":\"group\",\"target\":\"g\"}");
    create("{\"id\":\"agent-a\",\"resource\":\"llm_tokens\",\"amount\":100,\"window\":\"lifetime\",\"scope\":\"agent\",\"target\":\"a\"}");
    BudgetLedger n1 = ledger("n1");

    assertThat(get(n1.reserve("a", "g", 1, "llm_tokens", 80, 60_000)).getString("status")).isEqualTo("granted");
    JsonObject agentRefuses = get(n1.reserve("a", "g", 1, "llm_tokens", 30, 60_000));
    assertThat(agentRefuses.getString("status")).isEqualTo("denied");
    assertThat(agentRefuses.getJsonObject("denial").getString("budgetId")).isEqualTo("agent-a");
    assertThat(agentRefuses.getJsonObject("denial").getLong("remaining")).isEqualTo(20);
    assertThat(agentRefuses.getJsonObject("denial").getLong("outstanding")).isEqualTo(80);
    assertThat(agentRefuses.getJsonObject("denial").getLong("refillsAt")).isEqualTo(-1);

    JsonObject groupRefuses = get(n1.reserve("b", "g", 1, "llm_tokens", 430, 60_000));
    assertThat(groupRefuses.getJsonObject("denial").getString("budgetId")).isEqualTo("group-g");
    assertThat(groupRefuses.getJsonObject("denial").getLong("remaining")).isEqualTo(420);

    assertThat(get(n1.reserve("c", "g2", 1, "llm_tokens", 600, 60_000)).getString("status")).isEqualTo("granted");
    JsonObject tenantRefuses = get(n1.reserve("c", "g2", 1, "llm_tokens", 400, 60_000));
    assertThat(tenantRefuses.getJsonObject("denial").getString("budgetId")).isEqualTo("tenant-t");
    assertThat(tenantRefuses.getJsonObject("denial").getLong("remaining")).isEqualTo(320);
    // other resources and groups outside the tenant are not bounded by these budgets
    assertThat(get(n1.reserve("z", "other", 1, "llm_tokens", 5_000, 60_000)).getString("status")).isEqualTo("granted");
    assertThat(events).contains("tenant-t:exhausted");
  }

  @Test
  @DisplayName("a window reset (injected clock) refills once: two nodes racing at the reset cannot both spend the amount")
  void windowResetWithoutDoubleSpend() throws Exception {
    create("{\"id\":\"per-minute\",\"resource\":\"llm_tokens\",\"amount\":100,\"window\":\"minute\",\"scope\":\"cluster\"}");
    BudgetLedger n1 = ledger("n1");
    BudgetLedger n2 = ledger("n2");
    JsonObject r = get(n1.reserve("a", "g", 1, "llm_tokens", 60, 600_000));
    n1.settle(r.getString("id"), 60);
    assertThat(get(n2.reserve("b", "g", 1, "llm_tokens", 50, 600_000)).getString("status")).isEqualTo("denied");
    n1.tick();
    assertThat(store.view("per-minute").getLong("committed")).isEqualTo(60);

    clock.advance(20_000); // the next minute
    var first = n1.reserve("a", "g", 1, "llm_tokens", 100, 600_000);
    var second = n2.reserve("b", "g", 1, "llm_tokens", 100, 600_000);
    List<String> outcomes = List.of(get(first).getString("status"), get(second).getString("status"));
    assertThat(outcomes).containsExactlyInAnyOrder("granted", "denied");
    JsonObject view = store.view("per-minute");
    assertThat(view.getLong("committed") + view.getLong("outstanding")).isEqualTo(100);
    assertThat(view.getLong("windowStart")).isEqualTo(1_700_000_100_000L);
  }

  @Test
  @DisplayName("a reservation not settled within its lease is charged in full; settling it later is refused")
  void leaseExpiryChargesInFull() throws Exception {
    create("{\"id\":\"life\",\"resource\":\"llm_tokens\",\"amount\":1000,\"window\":\"lifetime\",\"scope\":\"cluster\"}");
    BudgetLedger n1 = ledger("n1");
    String id = get(n1.reserve("a", "g", 1, "llm_tokens", 30, 1_000)).getString("id");
    clock.advance(999);
    assertThat(n1.sweep()).isZero();
    clock.advance(1);
    assertThat(n1.sweep()).isEqualTo(1);
    assertThatThrownBy(() -> n1.settle(id, 0)).isInstanceOf(GovernorException.class).hasMessageContaining("does not exist");
    n1.tick();
    assertThat(store.view("life").getLong("committed")).isEqualTo(30);
  }

  @Test
  @DisplayName("committing above the reservation charges the excess (overrun recorded when no room covers it)")
  void commitAboveReservation() throws Exception {
    create("{\"id\":\"small\",\"resource\":\"llm_tokens\",\"amount\":100,\"window\":\"lifetime\",\"scope\":\"cluster\"}");
    BudgetLedger n1 = ledger("n1");
    String id = get(n1.reserve("a", "g", 1, "llm_tokens", 10, 60_000)).getString("id");
    JsonObject settled = n1.settle(id, 25);
    assertThat(settled.getLong("excess")).isEqualTo(15);
    n1.tick();
    assertThat(store.view("small").getLong("committed")).isEqualTo(25);

    String all = get(n1.reserve("a", "g", 1, "llm_tokens", 75, 60_000)).getString("id");
    assertThat(n1.settle(all, 90).getLong("overrun")).isEqualTo(15);
    n1.tick();
    JsonObject view = store.view("small");
    assertThat(view.getLong("committed")).isEqualTo(115);
    assertThat(view.getLong("overrun")).isEqualTo(30); // 15 from each commit
  }

  @Test
  @DisplayName("a node that stops reporting: its slice is charged in full when its lease runs out, or at once when it leaves")
  void silentNodeChargedInFull() throws Exception {
    create("{\"id\":\"big\",\"resource\":\"llm_tokens\",\"amount\":10000,\"window\":\"lifetime\",\"scope\":\"cluster\"}");
    BudgetLedger n1 = ledger("n1");
    BudgetLedger n2 = ledger("n2");
    get(n1.reserve("a", "g", 1, "llm_tokens", 10, 600_000));
    get(n2.reserve("b", "g", 1, "llm_tokens", 10, 600_000));
    JsonObject before = store.view("big");
    assertThat(before.getLong("outstanding")).isEqualTo(200); // two slices of 1 %
    n2.dropNode("n1");
    assertThat(store.view("big").getLong("chargedInFull")).isEqualTo(100);
    clock.advance(BudgetConfig.ofDefaults().sliceLeaseMs());
    JsonObject after = store.view("big");
    assertThat(after.getLong("chargedInFull")).isEqualTo(200);
    assertThat(after.getLong("outstanding")).isZero();
    assertThat(after.getLong("remaining")).isEqualTo(9_800);
  }

  @Test
  @DisplayName("a lease that fails (the owner's change throws) keeps the node's room: what it took out of its slices goes back")
  void failedLeaseKeepsRoom() throws Exception {
    create("{\"id\":\"agent-a\",\"resource\":\"llm_tokens\",\"amount\":10000,\"window\":\"lifetime\",\"scope\":\"agent\",\"target\":\"a\"}");
    create("{\"id\":\"group-g\",\"resource\":\"llm_tokens\",\"amount\":10000,\"window\":\"lifetime\",\"scope\":\"group\",\"target\":\"g\"}");
    BudgetLedger n1 = ledger("n1");
    List<Budget> order = index.applicable("llm_tokens", "a", "g");
    String first = order.get(0).id();
    String last = order.get(1).id();
    // a request only the last budget encloses: agent a outside group g, or another agent in g
    String[] onlyLast = last.equals("agent-a") ? new String[] {"a", "other"} : new String[] {"z", "g"};
    assertThat(get(n1.reserve("a", "g", 1, "llm_tokens", 60, 60_000)).getString("status")).isEqualTo("granted");
    assertThat(get(n1.reserve(onlyLast[0], onlyLast[1], 1, "llm_tokens", 30, 60_000)).getString("status"))
        .isEqualTo("granted");
    // the node now holds 40 of the first budget's slice of 100 and 10 of the last's; the last's owner fails
    String stored = map.get(last);
    map.put(last, "not a budget");
    CompletableFuture<JsonObject> failing = n1.reserve("a", "g", 1, "llm_tokens", 20, 60_000);
    assertThatThrownBy(() -> get(failing)).isInstanceOf(ExecutionException.class);
    map.put(last, stored);

    // both slices hold what they held: 10 of the last, 40 of the first, granted without leasing more
    assertThat(get(n1.reserve(onlyLast[0], onlyLast[1], 1, "llm_tokens", 10, 60_000)).getString("status"))
        .isEqualTo("granted");
    assertThat(store.view(last).getLong("outstanding")).isEqualTo(100);
    String onlyFirst = first.equals("agent-a") ? "other" : "g";
    String firstAgent = first.equals("agent-a") ? "a" : "z";
    assertThat(get(n1.reserve(firstAgent, onlyFirst, 1, "llm_tokens", 40, 60_000)).getString("status"))
        .isEqualTo("granted");
    assertThat(store.view(first).getLong("outstanding")).isEqualTo(100);
  }

  @Test
  @DisplayName("leasing ahead: a grant that leaves less than half a slice tops it up to one slice in the background, so the next reservations need no owner round trip; never beyond one slice unreserved, never near exhaustion")
  void leasesAhead() throws Exception {
    create("{\"id\":\"ahead\",\"resource\":\"llm_tokens\",\"amount\":100000,\"window\":\"lifetime\",\"scope\":\"cluster\"}");
    BudgetLedger n1 = ledger("n1", BudgetConfig.ofDefaults(), refills); // prefetchAt 0.5, slices of 1,000
    assertThat(reserve(n1, 600)).isEqualTo("granted");
    assertThat(n1.waitedForLease.get()).isEqualTo(1); // the first one leases: nothing held yet
    assertThat(n1.available("ahead")).isEqualTo(400);
    assertThat(n1.leasedAhead.get()).isZero(); // a lease for a reservation is no grant from a held slice

    assertThat(reserve(n1, 100)).isEqualTo("granted");
    // 300 left, under half a slice: topped up to one slice, off the reservation's path
    assertThat(n1.leasedAhead.get()).isEqualTo(1);
    assertThat(n1.available("ahead")).isEqualTo(1_000);
    assertThat(store.view("ahead").getLong("outstanding")).isEqualTo(600 + 100 + 1_000);
    for (int i = 0; i < 3; i++) {
      assertThat(reserve(n1, 200)).isEqualTo("granted");
    }
    assertThat(n1.leasedAhead.get()).isEqualTo(2); // at 400 left
    assertThat(n1.available("ahead")).isEqualTo(1_000);
    assertThat(n1.waitedForLease.get()).as("no reservation after the first waited for the owner").isEqualTo(1);
    assertThat(store.view("ahead").getLong("outstanding")).isEqualTo(600 + 100 + 3 * 200 + 1_000);
  }

  @Test
  @DisplayName("near exhaustion (the owner has under 4 slices left) a node does not lease ahead: that room stays for the others")
  void noLeaseAheadNearExhaustion() throws Exception {
    create("{\"id\":\"scarce\",\"resource\":\"llm_tokens\",\"amount\":100000,\"window\":\"lifetime\",\"scope\":\"cluster\"}");
    assertThat(get(ledger("n2").reserve("b", "g", 1, "llm_tokens", 97_000, 600_000)).getString("status")).isEqualTo("granted");
    BudgetLedger n1 = ledger("n1", BudgetConfig.ofDefaults(), refills);
    assertThat(reserve(n1, 600)).isEqualTo("granted"); // leases 1,000: 2,000 left at the owner
    assertThat(reserve(n1, 100)).isEqualTo("granted");
    assertThat(n1.leasedAhead.get()).isZero();
    assertThat(n1.available("scarce")).isEqualTo(300);
    assertThat(store.view("scarce").getLong("remaining")).isEqualTo(2_000);
  }

  /** Reserves {@code amount} for agent a and waits until the refill thread has run what the grant queued. */
  private String reserve(BudgetLedger ledger, long amount) throws Exception {
    String status = get(ledger.reserve("a", "g", 1, "llm_tokens", amount, 600_000)).getString("status");
    refills.submit(() -> { }).get(10, TimeUnit.SECONDS);
    return status;
  }

  @Test
  @DisplayName("with prefetchAt 0 a node never leases ahead: each reservation that finds too little waits for the owner")
  void noLeaseAheadWhenOff() throws Exception {
    create("{\"id\":\"plain\",\"resource\":\"llm_tokens\",\"amount\":100000,\"window\":\"lifetime\",\"scope\":\"cluster\"}");
    BudgetLedger n1 = ledger("n1");
    for (int i = 0; i < 10; i++) {
      assertThat(get(n1.reserve("a", "g", 1, "llm_tokens", 300, 600_000)).getString("status")).isEqualTo("granted");
    }
    assertThat(n1.leasedAhead.get()).isZero();
    // slices of 1,000, 300 at a time: the 1st, 4th and 7th find too little (0, 100, 200 left)
    assertThat(n1.waitedForLease.get()).isEqualTo(3);
    assertThat(n1.available("plain")).isZero();
    assertThat(store.view("plain").getLong("outstanding")).isEqualTo(3_000);
  }
}
