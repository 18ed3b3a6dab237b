package io.agentgovernor.bridge;

import static io.agentgovernor.testing.TestNodes.request;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.agentgovernor.budget.BudgetWindow;
import io.agentgovernor.bus.Addresses;
import io.agentgovernor.bus.ErrorCode;
import io.agentgovernor.node.GovernorNode;
import io.agentgovernor.testing.TestNodes;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Budgets over the bridge: outside agents, each on its own TCP connection (what any process would
 * write), reserve against their budgets, commit, release, and never touch another agent's
 * reservation. One real node; the budget's figures are read at its owner.
 */
class BridgeBudgetIT {

  private static final int MAX_HELD = 20;
  private static GovernorNode node;
  private static int bridgePort;

  @BeforeAll
  static void startNode() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      bridgePort = s.getLocalPort();
    }
    node = TestNodes.start(TestNodes.config(TestNodes.randomClusterName(), TestNodes.randomClusterPort(), "bb", List.of())
        .with("bridge.port", bridgePort).with("budgets.maxReservationsPerAgent", MAX_HELD));
  }

  @AfterAll
  static void stopNode() {
    TestNodes.closeAll(node);
  }

  @Test
  @DisplayName("an outside agent reserves, is denied naming its budget, commits above its reservation (charged), releases (room back); an unsettled lease is charged in full")
  void reserveCommitRelease() {
    budget("bb1-tokens", "llm_tokens", 1000, "month", "agent", "bb-1");
    try (BridgeClient client = registered("bb-1")) {
      JsonObject first = reply(client.request(BridgeVerticle.RESERVE, reserve("bb-1", "llm_tokens", 600)));
      assertThat(first.getString("status")).isEqualTo("granted");
      assertThat(first.getLong("amount")).isEqualTo(600);
      assertThat(first.getJsonArray("budgets").getList()).containsExactly("bb1-tokens");

      long before = System.currentTimeMillis();
      JsonObject refused = reply(client.request(BridgeVerticle.RESERVE, reserve("bb-1", "llm_tokens", 500)));
      long after = System.currentTimeMillis();
      assertThat(refused.getString("status")).isEqualTo("denied");
      JsonObject denial = refused.getJsonObject("denial");
      assertThat(denial.getString("budgetId")).isEqualTo("bb1-tokens");
      assertThat(denial.getString("scope")).isEqualTo("agent");
      assertThat(denial.getLong("remaining")).isEqualTo(400);
      assertThat(denial.getLong("outstanding")).isEqualTo(600);
      assertThat(denial.getLong("refillsAt")).isIn(BudgetWindow.MONTH.end(before), BudgetWindow.MONTH.end(after));
      assertThat(refused.getString("message")).contains("bb1-tokens").contains("400 of 1000 left");

      // committed above the reservation: the excess is charged
      JsonObject commit = reply(client.request(BridgeVerticle.COMMIT, settle("bb-1", first.getString("id")).put("actual", 700)));
      assertThat(commit.getLong("charged")).isEqualTo(700);
      assertThat(commit.getLong("excess")).isEqualTo(100);
      awaitCommitted("bb1-tokens", 700);

      // 200 reserved leaves 100: 150 is refused until the 200 is released
      JsonObject second = reply(client.request(BridgeVerticle.RESERVE, reserve("bb-1", "llm_tokens", 200)));
      assertThat(second.getString("status")).isEqualTo("granted");
      assertThat(reply(client.request(BridgeVerticle.RESERVE, reserve("bb-1", "llm_tokens", 150))).getString("status"))
          .isEqualTo("denied");
      JsonObject release = reply(client.request(BridgeVerticle.RELEASE, settle("bb-1", second.getString("id"))));
      assertThat(release.getBoolean("released")).isTrue();
      assertThat(release.getLong("charged")).isZero();
      JsonObject third = reply(client.request(BridgeVerticle.RESERVE, reserve("bb-1", "llm_tokens", 250)));
      assertThat(third.getString("status")).isEqualTo("granted");
      reply(client.request(BridgeVerticle.RELEASE, settle("bb-1", third.getString("id"))));
      assertThat(committed("bb1-tokens")).isEqualTo(700);

      // a reservation left unsettled past its lease is charged in full, and can no longer be settled
      JsonObject leased = reply(client.request(BridgeVerticle.RESERVE, reserve("bb-1", "llm_tokens", 100).put("leaseMs", 300)));
      assertThat(leased.getString("status")).isEqualTo("granted");
      awaitCommitted("bb1-tokens", 800);
      JsonObject late = client.request(BridgeVerticle.COMMIT, settle("bb-1", leased.getString("id")).put("actual", 10));
      assertThat(late.getString("type")).isEqualTo("err");
      assertThat(late.getInteger("failureCode")).isEqualTo(ErrorCode.NOT_FOUND.failureCode());
      assertThat(committed("bb1-tokens")).isEqualTo(800);
    }
  }

  @Test
  @DisplayName("a bridge client can neither reserve for, nor commit or release, another agent's reservation; the owner still settles it")
  void crossAgentRefused() {
    budget("bb-shared", "usd_micros", 10_000, "month", "group", "standard_agent");
    try (BridgeClient owner = registered("bb-owner"); BridgeClient other = registered("bb-other")) {
      JsonObject mine = reply(owner.request(BridgeVerticle.RESERVE, reserve("bb-owner", "usd_micros", 4000)));
      assertThat(mine.getString("status")).isEqualTo("granted");
      String id = mine.getString("id");

      // the other agent names the owner: refused by the frame policy
      assertRefused(other.request(BridgeVerticle.RESERVE, reserve("bb-owner", "usd_micros", 1)), ErrorCode.FORBIDDEN);
      assertRefused(other.request(BridgeVerticle.COMMIT, settle("bb-owner", id).put("actual", 0)), ErrorCode.FORBIDDEN);
      // it names itself and the owner's reservation: refused by the ledger, the reservation untouched
      assertRefused(other.request(BridgeVerticle.COMMIT, settle("bb-other", id).put("actual", 0)), ErrorCode.FORBIDDEN);
      assertRefused(other.request(BridgeVerticle.RELEASE, settle("bb-other", id)), ErrorCode.FORBIDDEN);
      assertThat(request(node, Addresses.BUDGET_GET, new JsonObject().put("id", "bb-shared")).getLong("committed")).isZero();

      JsonObject settled = reply(owner.request(BridgeVerticle.COMMIT, settle("bb-owner", id).put("actual", 3000)));
      assertThat(settled.getLong("reserved")).isEqualTo(4000);
      awaitCommitted("bb-shared", 3000);
    }
  }

  @Test
  @DisplayName("bad reserve, commit and release frames get a coded failure and change nothing")
  void badFrames() {
    budget("bb3-tokens", "llm_tokens", 1000, "lifetime", "agent", "bb-3");
    try (BridgeClient client = registered("bb-3")) {
      JsonObject held = reply(client.request(BridgeVerticle.RESERVE, reserve("bb-3", "llm_tokens", 100)));
      JsonObject figures = request(node, Addresses.BUDGET_GET, new JsonObject().put("id", "bb3-tokens"));

      assertRefused(client.request(BridgeVerticle.RESERVE, reserve("bb-3", "llm_tokens", -5)), ErrorCode.INVALID_REQUEST);
      assertRefused(client.request(BridgeVerticle.RESERVE, reserve("bb-3", "llm_tokens", 1).put("amount", 1.5)), ErrorCode.INVALID_REQUEST);
      assertRefused(client.request(BridgeVerticle.RESERVE, reserve("bb-3", "memory", 1)), ErrorCode.UNKNOWN_RESOURCE);
      assertRefused(client.request(BridgeVerticle.RESERVE, new JsonObject().put("id", "bb-3").put("amount", 5)), ErrorCode.UNKNOWN_RESOURCE);
      assertRefused(client.request(BridgeVerticle.RESERVE, reserve("bb-3", "llm_tokens", 1).put("agentId", "x")), ErrorCode.INVALID_REQUEST);
      assertRefused(client.request(BridgeVerticle.RESERVE, reserve("bb-3", "llm_tokens", 1).put("leaseMs", "soon")), ErrorCode.INVALID_REQUEST);
      // a commit without what was spent is not taken for a release
      assertRefused(client.request(BridgeVerticle.COMMIT, settle("bb-3", held.getString("id"))), ErrorCode.INVALID_REQUEST);
      assertRefused(client.request(BridgeVerticle.COMMIT, settle("bb-3", held.getString("id")).put("actual", -1)), ErrorCode.INVALID_REQUEST);
      assertRefused(client.request(BridgeVerticle.RELEASE, settle("bb-3", "bb.nonexistent-1")), ErrorCode.NOT_FOUND);
      assertRefused(client.request(BridgeVerticle.RELEASE, new JsonObject().put("id", "bb-3").put("reservation", 7)), ErrorCode.INVALID_REQUEST);
      assertRefused(client.request(BridgeVerticle.RELEASE, settle("bb-3", "no spaces allowed")), ErrorCode.INVALID_ID);

      JsonObject unchanged = request(node, Addresses.BUDGET_GET, new JsonObject().put("id", "bb3-tokens"));
      assertThat(unchanged.getLong("committed")).isEqualTo(figures.getLong("committed")).isZero();
      assertThat(unchanged.getLong("outstanding")).isEqualTo(figures.getLong("outstanding"));
      // the reservation the bad frames named is still there, and settles once
      assertThat(reply(client.request(BridgeVerticle.COMMIT, settle("bb-3", held.getString("id")).put("actual", 40)))
          .getLong("charged")).isEqualTo(40);
      awaitCommitted("bb3-tokens", 40);
      assertThat(client.closedByNode()).isFalse();
    }
  }

  @Test
  @DisplayName("a reservation that asks to wait is queued until its budget's window refills, then granted (the client pings meanwhile)")
  void queuedUntilRefill() {
    budget("bb4-tokens", "llm_tokens", 100, "minute", "agent", "bb-4");
    // at least 5 s left in this minute, so that spending it and being refused happen in one window
    await().atMost(Duration.ofSeconds(10)).until(() -> BudgetWindow.MINUTE.end(System.currentTimeMillis())
        - System.currentTimeMillis() >= 5_000);
    try (BridgeClient client = registered("bb-4")) {
      JsonObject all = reply(client.request(BridgeVerticle.RESERVE, reserve("bb-4", "llm_tokens", 100)));
      reply(client.request(BridgeVerticle.COMMIT, settle("bb-4", all.getString("id")).put("actual", 100)));
      JsonObject refused = reply(client.request(BridgeVerticle.RESERVE, reserve("bb-4", "llm_tokens", 40)));
      assertThat(refused.getString("status")).isEqualTo("denied");
      long refillsAt = refused.getJsonObject("denial").getLong("refillsAt");
      // not willing to wait that long: refused at once
      assertThat(reply(client.request(BridgeVerticle.RESERVE, reserve("bb-4", "llm_tokens", 40).put("wait", true)
          .put("waitMs", 100))).getString("status")).isEqualTo("denied");

      client.send(new JsonObject().put("type", "send").put("address", BridgeVerticle.RESERVE).put("replyAddress", "queued")
          .put("body", reserve("bb-4", "llm_tokens", 40).put("wait", true).put("waitMs", 90_000)));
      await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofSeconds(1)).until(() -> {
        client.send(new JsonObject().put("type", "ping")); // the bridge's idle timeout counts frames
        return client.frameTo("queued") != null;
      });
      long answeredAt = System.currentTimeMillis();
      JsonObject queued = reply(client.frameTo("queued"));
      assertThat(queued.getString("status")).isEqualTo("granted");
      assertThat(queued.getLong("queuedMs")).isPositive();
      assertThat(answeredAt).isGreaterThanOrEqualTo(refillsAt);
      reply(client.request(BridgeVerticle.RELEASE, settle("bb-4", queued.getString("id"))));
    }
  }

  @Test
  @DisplayName("the Python example reserves before each step and commits what it spent, until its budget refuses it by name")
  void pythonAgentReserves() throws Exception {
    budget("py-tokens", "llm_tokens", 5000, "lifetime", "agent", "py-budget");
    Path log = Path.of("target/python-budget-agent.log");
    Process python = new ProcessBuilder("python3", Path.of("examples/python-agent/governed_agent.py").toString(),
        "--port", String.valueOf(bridgePort), "--id", "py-budget", "--seconds", "60", "--cpu", "0.05",
        "--reserve-tokens", "1000").redirectErrorStream(true).redirectOutput(log.toFile()).start();
    try {
      await().atMost(Duration.ofSeconds(40)).until(() -> Files.exists(log)
          && Files.readString(log).contains("denied: budget 'py-tokens' (agent py-budget)"));
      python.destroy();
      python.waitFor(10, TimeUnit.SECONDS);
      List<String> lines = Files.readAllLines(log);
      long committed = lines.stream().filter(l -> l.startsWith("reserved 1000 committed "))
          .mapToLong(l -> Long.parseLong(l.substring("reserved 1000 committed ".length()).trim())).sum();
      assertThat(lines).anyMatch(l -> l.startsWith("reserved 1000 committed "));
      assertThat(committed).isBetween(500L, 5000L);
      // what the owner counts is what the process committed, nothing more (its last reservation was refused)
      awaitCommitted("py-tokens", committed);
    } finally {
      python.destroyForcibly();
    }
  }

  @Test
  @DisplayName("an agent holds at most budgets.maxReservationsPerAgent unsettled reservations: one more is refused 4290 until one is settled")
  void outstandingBounded() {
    try (BridgeClient client = registered("bb-5")) {
      List<String> held = new java.util.ArrayList<>();
      for (int i = 0; i < MAX_HELD; i++) { // a resource no budget bounds: granted every time, and held
        JsonObject r = reply(client.request(BridgeVerticle.RESERVE, reserve("bb-5", "free_tokens", 1)));
        assertThat(r.getString("status")).isEqualTo("granted");
        held.add(r.getString("id"));
      }
      assertRefused(client.request(BridgeVerticle.RESERVE, reserve("bb-5", "free_tokens", 1)), ErrorCode.RATE_LIMITED);
      // another agent is not held back by it
      try (BridgeClient other = registered("bb-6")) {
        assertThat(reply(other.request(BridgeVerticle.RESERVE, reserve("bb-6", "free_tokens", 1))).getString("status"))
            .isEqualTo("granted");
      }
      reply(client.request(BridgeVerticle.RELEASE, settle("bb-5", held.remove(0))));
      reply(client.request(BridgeVerticle.COMMIT, settle("bb-5", held.remove(0)).put("actual", 1)));
      assertThat(reply(client.request(BridgeVerticle.RESERVE, reserve("bb-5", "free_tokens", 1))).getString("status"))
          .isEqualTo("granted");
      assertThat(reply(client.request(BridgeVerticle.RESERVE, reserve("bb-5", "free_tokens", 1))).getString("status"))
          .isEqualTo("granted");
      assertRefused(client.request(BridgeVerticle.RESERVE, reserve("bb-5", "free_tokens", 1)), ErrorCode.RATE_LIMITED);
    }
  }

  private static BridgeClient registered(String id) {
    BridgeClient client = BridgeClient.connect(bridgePort);
    JsonObject reply = client.register(new JsonObject().put("id", id).put("group", "standard_agent"));
    assertThat(reply.getString("type")).isEqualTo("message");
    return client;
  }

  private static void budget(String id, String resource, long amount, String window, String scope, String target) {
    request(node, Addresses.BUDGET_CREATE, new JsonObject().put("id", id).put("resource", resource).put("amount", amount)
        .put("window", window).put("scope", scope).put("target", target));
  }

  private static JsonObject reserve(String agentId, String resource, long amount) {
    return new JsonObject().put("id", agentId).put("resource", resource).put("amount", amount);
  }

  private static JsonObject settle(String agentId, String reservation) {
    return new JsonObject().put("id", agentId).put("reservation", reservation);
  }

  /** The body of a successful reply frame. */
  private static JsonObject reply(JsonObject frame) {
    assertThat(frame.getString("type")).as("reply %s", frame).isEqualTo("message");
    return frame.getJsonObject("body");
  }

  private static void assertRefused(JsonObject frame, ErrorCode code) {
    assertThat(frame.getString("type")).as("frame %s", frame).isEqualTo("err");
    assertThat(frame.getInteger("failureCode")).as("frame %s", frame).isEqualTo(code.failureCode());
  }

  private static long committed(String budgetId) {
    return request(node, Addresses.BUDGET_GET, new JsonObject().put("id", budgetId)).getLong("committed");
  }

  private static void awaitCommitted(String budgetId, long expected) {
    await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> assertThat(committed(budgetId)).isEqualTo(expected));
  }
}
