package io.agentgovernor.budget.impl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.agentgovernor.budget.Budget;
import io.agentgovernor.bus.GovernorException;
import io.vertx.core.json.JsonObject;
import java.util.Set;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The owner's state on its own: time passed in as numbers. */
class BudgetStateTest {

  private static final long T0 = 1_700_000_080_000L; // 40 s into a minute

  private static Budget budget(long amount, String window) {
    return Budget.fromJson(new JsonObject().put("id", "b").put("resource", "llm_tokens").put("amount", amount)
        .put("window", window).put("scope", "group").put("target", "g"));
  }

  @Test
  @DisplayName("slices never lease more than is free: committed + held stays within the amount")
  void leasesStayWithinAmount() {
    BudgetState s = new BudgetState(budget(100, "lifetime"), T0);
    assertThat(s.lease("a", 10, 60, 30_000, -1, T0).getLong("granted")).isEqualTo(60);
    assertThat(s.lease("b", 10, 60, 30_000, -1, T0).getLong("granted")).isEqualTo(40);
    JsonObject refused = s.lease("c", 1, 10, 30_000, -1, T0);
    assertThat(refused.getLong("granted")).isZero();
    assertThat(refused.getString("crossed")).isEqualTo("exhausted");
    assertThat(refused.getBoolean("othersHold")).isTrue();
    assertThat(s.committed + s.held()).isEqualTo(100);
  }

  @Test
  @DisplayName("a window reset zeroes committed inside the same change, but held slices stay counted: no double spend")
  void windowResetDoesNotDoubleSpend() {
    BudgetState s = new BudgetState(budget(100, "minute"), T0);
    long slice = s.lease("a", 50, 50, 60_000, -1, T0).getLong("sliceId");
    s.settle("a", slice, 1, 30, 0, 0, 60_000, T0 + 1_000); // 30 spent, 20 still held (a live reservation)
    assertThat(s.committed).isEqualTo(30);
    // the next minute: committed resets, the 20 held still backs the live reservation
    JsonObject next = s.lease("b", 1, 200, 60_000, -1, T0 + 21_000);
    assertThat(s.committed).isZero();
    assertThat(next.getLong("granted")).isEqualTo(80);
    // the old reservation settles in the new window: charged there, still within the amount
    s.settle("a", slice, 2, 20, 0, 0, 60_000, T0 + 22_000);
    assertThat(s.committed + s.held()).isLessThanOrEqualTo(100);
    assertThat(s.lease("c", 1, 1, 60_000, -1, T0 + 22_000).getLong("granted")).isZero();
  }

  @Test
  @DisplayName("reportedAtByNode says when the node read its report's figures, also for a report retried later")
  void reportedAtIsWhenTheFiguresWereRead() {
    BudgetState s = new BudgetState(budget(100, "lifetime"), T0);
    long slice = s.lease("a", 40, 40, 30_000, -1, T0).getLong("sliceId");
    s.settle("a", slice, 1, 10, 0, 0, 30_000, T0 + 100);
    assertThat(s.view(T0 + 100).getJsonObject("reportedAtByNode").getLong("a")).isEqualTo(T0 + 100);
    // report 2 read at +200, its first try lost, retried at the tick of +300 with the same figures
    s.settle("a", slice, 2, 5, 0, 0, 30_000, T0 + 200, T0 + 300);
    assertThat(s.view(T0 + 300).getJsonObject("reportedAtByNode").getLong("a")).isEqualTo(T0 + 200);
    assertThat(s.committed).isEqualTo(15);
  }

  @Test
  @DisplayName("a report is applied once per sequence number, and not at all on a slice already charged in full")
  void reportsAreIdempotent() {
    BudgetState s = new BudgetState(budget(100, "lifetime"), T0);
    long slice = s.lease("a", 40, 40, 1_000, -1, T0).getLong("sliceId");
    s.settle("a", slice, 1, 10, 0, 0, 1_000, T0 + 100);
    s.settle("a", slice, 1, 10, 0, 0, 1_000, T0 + 200); // a retry of the same report
    assertThat(s.committed).isEqualTo(10);
    // the lease runs out unrenewed: the whole slice (30) is charged
    s.roll(T0 + 5_000, -1);
    assertThat(s.committed).isEqualTo(40);
    assertThat(s.chargedInFull).isEqualTo(30);
    JsonObject late = s.settle("a", slice, 2, 30, 0, 0, 1_000, T0 + 5_100);
    assertThat(late.getBoolean("gone")).isTrue();
    assertThat(s.committed).isEqualTo(40);
  }

  @Test
  @DisplayName("spending above the reservation is charged and recorded as overrun")
  void overrunIsCharged() {
    BudgetState s = new BudgetState(budget(100, "lifetime"), T0);
    long slice = s.lease("a", 10, 10, 1_000, -1, T0).getLong("sliceId");
    s.settle("a", slice, 1, 10, 0, 25, 1_000, T0 + 1);
    assertThat(s.committed).isEqualTo(35);
    assertThat(s.overrun).isEqualTo(25);
  }

  @Test
  @DisplayName("a report that emptied its slice, run again (Hazelcast's retry at a new owner), does not charge its overrun twice")
  void retriedReportOnAnEmptiedSliceChargesOnce() {
    BudgetState s = new BudgetState(budget(100, "lifetime"), T0);
    long slice = s.lease("a", 10, 10, 1_000, -1, T0).getLong("sliceId");
    s.settle("a", slice, 1, 10, 0, 25, 1_000, T0 + 1); // spends the whole slice: it is gone
    assertThat(s.slices).doesNotContainKey("a");
    s = BudgetState.decode(s.encode()); // the retry runs on the stored form, at the new owner
    assertThat(s.settle("a", slice, 1, 10, 0, 25, 1_000, T0 + 2).getBoolean("gone")).isTrue();
    assertThat(s.committed).isEqualTo(35);
    assertThat(s.overrun).isEqualTo(25);
    s.settle("a", slice, 2, 0, 0, 5, 1_000, T0 + 3); // a later report on the gone slice: its overrun counts
    s.settle("a", slice, 2, 0, 0, 5, 1_000, T0 + 4); // and its retry does not
    assertThat(s.committed).isEqualTo(40);
    s.dropNode("a", T0 + 5);
    assertThat(s.settledGone).as("forgotten with the node").isEmpty();
  }

  @Test
  @DisplayName("a dead node's slice is charged in full; the warning fires once at 80 %")
  void deadNodeChargedAndWarning() {
    BudgetState s = new BudgetState(budget(100, "day"), T0);
    s.lease("a", 85, 85, 60_000, -1, T0);
    JsonObject dropped = s.dropNode("a", T0 + 1);
    assertThat(dropped.getLong("charged")).isEqualTo(85);
    assertThat(dropped.getString("crossed")).isEqualTo("warning");
    assertThat(s.dropNode("a", T0 + 2).containsKey("crossed")).isFalse();
    assertThat(s.remaining()).isEqualTo(15);
  }

  @Test
  @DisplayName("a lease that lands after its node's departure was handled is charged by the sweep of absent nodes")
  void lateLeaseOfADepartedNode() {
    BudgetState s = new BudgetState(budget(100, "day"), T0);
    s.lease("a", 10, 10, 60_000, -1, T0);
    s.lease("b", 10, 10, 60_000, -1, T0);
    s.dropNode("b", T0 + 1);
    s.lease("b", 20, 20, 60_000, -1, T0 + 2); // sent by b before it died, run at the owner after the drop
    assertThat(s.held()).isEqualTo(30);
    assertThat(s.dropAbsent(Set.of("a", "b"), T0 + 3)).as("every holder live: nothing changes").isNull();
    JsonObject reply = s.dropAbsent(Set.of("a"), T0 + 3);
    assertThat(reply.getLong("charged")).isEqualTo(20);
    assertThat(s.slices).containsOnlyKeys("a");
    assertThat(s.held()).isEqualTo(10);
    assertThat(s.committed).isEqualTo(30);
    assertThat(s.chargedInFull).isEqualTo(30);
    assertThat(s.dropAbsent(Set.of("a"), T0 + 4)).as("idempotent").isNull();
  }

  @Test
  @DisplayName("a run window refills when the agent runs again (a higher epoch)")
  void runWindow() {
    Budget b = Budget.fromJson(new JsonObject().put("id", "r").put("resource", "llm_tokens").put("amount", 10)
        .put("window", "run").put("scope", "agent").put("target", "x"));
    BudgetState s = new BudgetState(b, T0);
    s.dropNode("n", T0);
    long slice = s.lease("n", 10, 10, 1_000, 1, T0).getLong("sliceId");
    s.settle("n", slice, 1, 10, 0, 0, 1_000, T0);
    assertThat(s.lease("n", 1, 1, 1_000, 1, T0).getLong("granted")).isZero();
    assertThat(s.lease("n", 1, 1, 1_000, 2, T0).getLong("granted")).isEqualTo(1);
  }

  @Test
  @DisplayName("the stored form round-trips")
  void encodeDecode() {
    BudgetState s = new BudgetState(budget(100, "month"), T0);
    s.lease("a", 5, 5, 1_000, -1, T0);
    assertThat(BudgetState.decode(s.encode()).encode()).isEqualTo(s.encode());
  }

  @Test
  @DisplayName("bad budgets are refused with a code")
  void badBudgets() {
    assertThatThrownBy(() -> Budget.fromJson(new JsonObject("{\"id\":\"b\",\"resource\":\"cpu\",\"amount\":1,\"window\":\"day\",\"scope\":\"cluster\"}")))
        .isInstanceOf(GovernorException.class).hasMessageContaining("not something spent");
    assertThatThrownBy(() -> Budget.fromJson(new JsonObject("{\"id\":\"b\",\"resource\":\"t\",\"amount\":0,\"window\":\"day\",\"scope\":\"cluster\"}")))
        .isInstanceOf(GovernorException.class);
    assertThatThrownBy(() -> Budget.fromJson(new JsonObject("{\"id\":\"b\",\"resource\":\"t\",\"amount\":1,\"window\":\"week\",\"scope\":\"cluster\"}")))
        .isInstanceOf(GovernorException.class).hasMessageContaining("window");
    assertThatThrownBy(() -> Budget.fromJson(new JsonObject("{\"id\":\"b\",\"resource\":\"t\",\"amount\":1,\"window\":\"run\",\"scope\":\"group\",\"target\":\"g\"}")))
        .isInstanceOf(GovernorException.class).hasMessageContaining("run window");
    assertThatThrownBy(() -> Budget.fromJson(new JsonObject("{\"id\":\"b\",\"resource\":\"t\",\"amount\":1,\"window\":\"day\",\"scope\":\"group\"}")))
        .isInstanceOf(GovernorException.class);
    assertThatThrownBy(() -> Budget.fromJson(new JsonObject("{\"id\":\"b\",\"resource\":\"t\",\"amount\":1,\"window\":\"day\",\"scope\":\"cluster\",\"action\":\"explode\"}")))
        .isInstanceOf(GovernorException.class);
  }

  @Test
  @DisplayName("the budgets configuration section is validated: bad values are refused, tenants and seeded budgets parse")
  void configSection() {
    io.agentgovernor.budget.BudgetConfig c = io.agentgovernor.budget.BudgetConfig.fromJson(new JsonObject("""
        {"tenants": {"acme": ["g1", "g2"]}, "budgets": [{"id": "b", "resource": "usd_micros", "amount": 5000000,
         "window": "month", "scope": "tenant", "target": "acme", "action": "use_fallback_algorithm"}]}"""));
    assertThat(c.tenants().get("acme")).containsExactlyInAnyOrder("g1", "g2");
    assertThat(c.budgets().get(0).degrades()).isTrue();
    assertThatThrownBy(() -> io.agentgovernor.budget.BudgetConfig.fromJson(new JsonObject("{\"sliceFraction\": 0.9}")))
        .isInstanceOf(GovernorException.class).hasMessageContaining("sliceFraction");
    assertThat(c.prefetchAt()).isEqualTo(0.5);
    for (String bad : new String[] {"1", "-0.1", "\"half\""}) {
      assertThatThrownBy(() -> io.agentgovernor.budget.BudgetConfig.fromJson(new JsonObject("{\"prefetchAt\": " + bad + "}")))
          .isInstanceOf(GovernorException.class).hasMessageContaining("prefetchAt");
    }
    assertThatThrownBy(() -> io.agentgovernor.budget.BudgetConfig.fromJson(new JsonObject("{\"tenants\": {\"t\": \"g\"}}")))
        .isInstanceOf(GovernorException.class);
    assertThatThrownBy(() -> io.agentgovernor.budget.BudgetConfig.fromJson(new JsonObject("{\"budgets\": [{\"id\": \"x\"}]}")))
        .isInstanceOf(GovernorException.class).hasMessageContaining("budgets.budgets[0]");
  }

  @Test
  @DisplayName("the month window is the calendar month in UTC")
  void monthWindow() {
    long mar15 = java.time.Instant.parse("2026-03-15T10:00:00Z").toEpochMilli();
    assertThat(io.agentgovernor.budget.BudgetWindow.MONTH.start(mar15)).isEqualTo(java.time.Instant.parse("2026-03-01T00:00:00Z").toEpochMilli());
    assertThat(io.agentgovernor.budget.BudgetWindow.MONTH.end(mar15)).isEqualTo(java.time.Instant.parse("2026-04-01T00:00:00Z").toEpochMilli());
  }

  @Test
  @DisplayName("a lease run again with its token (Hazelcast retries it at a new owner) grants once and answers as the first time")
  void retriedLeaseGrantsOnce() {
    BudgetState s = new BudgetState(budget(1_000, "lifetime"), T0);
    JsonObject first = s.lease("a", 10, 100, 30_000, -1, 42, T0);
    // the new owner holds the backup: the stored form, replayed
    BudgetState promoted = BudgetState.decode(s.encode());
    JsonObject retried = promoted.lease("a", 10, 100, 30_000, -1, 42, T0 + 5);
    assertThat(retried.getLong("granted")).isEqualTo(first.getLong("granted")).isEqualTo(100);
    assertThat(retried.getLong("sliceId")).isEqualTo(first.getLong("sliceId"));
    assertThat(retried.getBoolean("retried")).isTrue();
    assertThat(promoted.held()).isEqualTo(100);
    // a new lease (a new token) grants again, and a retry of it once more grants nothing more
    assertThat(promoted.lease("a", 10, 100, 30_000, -1, 43, T0 + 10).getLong("granted")).isEqualTo(100);
    assertThat(promoted.lease("a", 10, 100, 30_000, -1, 43, T0 + 11).getLong("granted")).isEqualTo(100);
    assertThat(promoted.held()).isEqualTo(200);
    // a retry that finds the room gone since still gets its grant back, not a refusal
    assertThat(promoted.lease("b", 800, 800, 30_000, -1, 7, T0 + 12).getLong("granted")).isEqualTo(800);
    assertThat(promoted.lease("b", 800, 800, 30_000, -1, 7, T0 + 13).getLong("granted")).isEqualTo(800);
    assertThat(promoted.held() + promoted.committed).isEqualTo(1_000);
  }

  @Test
  @DisplayName("a create run again (Hazelcast's retry at a new owner) answers as the first run; another create of the id is refused")
  void retriedCreateAnswersAsTheFirst() {
    java.util.Map.Entry<String, String> entry = new java.util.AbstractMap.SimpleEntry<>("b", null);
    BudgetOp create = BudgetOp.create(budget(100, "lifetime"), T0);
    String first = create.process(entry);
    assertThat(first).isNotNull();
    String stored = entry.getValue();
    assertThat(create.process(entry)).as("the retry").isEqualTo(first);
    assertThat(entry.getValue()).as("written once").isEqualTo(stored);
    assertThat(BudgetOp.create(budget(100, "lifetime"), T0).process(entry)).as("another create, same definition").isNull();
    assertThat(BudgetState.decode(stored).createdBy).isNotZero();
    // a budget stored before creates carried a token decodes as made by none
    JsonObject old = new JsonObject(stored);
    old.remove("createdBy");
    entry.setValue(old.encode());
    assertThat(create.process(entry)).isNull();
  }
}
