package io.agentgovernor.reliability;

import static io.agentgovernor.testing.TestNodes.blocking;
import static io.agentgovernor.testing.TestNodes.request;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.agentgovernor.agent.AgentFactory;
import io.agentgovernor.agent.Registry;
import io.agentgovernor.agent.samples.StatefulCounterAgent;
import io.agentgovernor.bus.Addresses;
import io.agentgovernor.bus.ErrorCode;
import io.agentgovernor.node.GovernorNode;
import io.agentgovernor.testing.TestNodes;
import io.vertx.core.Future;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * A copy that takes an agent over (a restart after its node's loss, or a move) and then fails to
 * start must leave the registration as it found it, snapshot included. Found by the fault harness
 * (seeds 8 and 18 of {@code load-tests/jepsen.sh}): a restart that failed removed the lost agent's
 * registration, the failover sweep then had nothing to retry, and the agent was gone for good.
 * Two real nodes in one JVM; a test agent type whose starts fail on demand.
 */
class TakeoverFailureIT {

  /** Starts of {@link FlakyAgent}s still to fail, whatever node they run on. */
  private static final AtomicInteger FAILURES_LEFT = new AtomicInteger();
  private static final AtomicInteger FAILED_STARTS = new AtomicInteger();

  private static GovernorNode a;
  private static GovernorNode b;

  @BeforeAll
  static void startNodes() {
    GovernorNode[] pair = TestNodes.pair("tf-a", "tf-b", TakeoverFailureIT::failover);
    a = pair[0];
    b = pair[1];
    a.context().agentTypes().register(FlakyAgent.FACTORY);
    b.context().agentTypes().register(FlakyAgent.FACTORY);
    await().atMost(Duration.ofSeconds(30)).until(() ->
        request(a, Addresses.CAPACITY_NODES, new JsonObject()).getJsonArray("items").size() == 2);
  }

  private static io.agentgovernor.config.NodeConfig failover(io.agentgovernor.config.NodeConfig config) {
    return config.with("failover.leaseMs", 1000).with("failover.restartDelayMs", 1000)
        .with("failover.sweepIntervalMs", 500);
  }

  @AfterAll
  static void stopNodes() {
    TestNodes.closeAll(b, a);
  }

  @Test
  @DisplayName("a lost agent whose restart fails keeps its registration and snapshot, and the next sweep restarts it from that snapshot")
  void failedRestartIsRetried() {
    Registry registry = a.context().registry();
    // what a node killed with kill -9 leaves behind: its registration, under a process that is gone
    JsonObject lost = new JsonObject().put("id", "tf-lost").put("type", FlakyAgent.TYPE).put("group", "standard_agent")
        .put("node", "tf-gone").put("state", "running")
        .put("restartPolicy", "on-node-loss").put("config", new JsonObject()).put("quotaCreated", false)
        .put("since", System.currentTimeMillis());
    int failedBefore = FAILED_STARTS.get();
    FAILURES_LEFT.set(1);
    assertThat(blocking(a, () -> registry.claim(lost))).isNull(); // stamped with this process: now make it the dead one's
    String claimed = blocking(a, () -> registry.stored("tf-lost"));
    assertThat(blocking(a, () -> registry.replace(claimed, lost.copy().put("incarnation", "a-process-that-died"))))
        .isTrue();
    long epoch = lost.getLong("epoch");
    assertThat(blocking(a, () -> registry.saveSnapshot("tf-lost", epoch, 1, "tf-gone", new JsonObject().put("count", 41))))
        .isTrue();

    // until then, a GET is routed to the lost node and refused as unreachable
    await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200)).ignoreExceptions().untilAsserted(() -> {
      JsonObject agent = request(b, Addresses.AGENT_GET, new JsonObject().put("id", "tf-lost"));
      assertThat(agent.getString("state")).isEqualTo("running");
      assertThat(agent.getJsonObject("status").getLong("count")).as("restored from the lost copy's snapshot")
          .isEqualTo(41);
    });
    assertThat(FAILED_STARTS.get() - failedBefore).as("the first restart failed").isEqualTo(1);
    JsonObject stored = new JsonObject(blocking(a, () -> registry.stored("tf-lost")));
    assertThat(stored.getString("node")).isIn("tf-a", "tf-b");
    assertThat(stored.getLong("epoch")).isGreaterThan(epoch);
  }

  @Test
  @DisplayName("a restart whose node died before the agent ran is restarted again, from the snapshot the first restart took over")
  void restartOfADeadRestartKeepsTheSnapshot() {
    Registry registry = a.context().registry();
    FAILURES_LEFT.set(0);
    JsonObject first = new JsonObject().put("id", "tf-twice").put("type", FlakyAgent.TYPE).put("group", "standard_agent")
        .put("node", "tf-gone").put("state", "running").put("restartPolicy", "on-node-loss")
        .put("config", new JsonObject()).put("quotaCreated", false);
    assertThat(blocking(a, () -> registry.claim(first))).isNull();
    long lostEpoch = first.getLong("epoch");
    assertThat(blocking(a, () -> registry.saveSnapshot("tf-twice", lostEpoch, 1, "tf-gone", new JsonObject().put("count", 7))))
        .isTrue();
    // a node took the agent over to restart it, and died before it ran: its claim is what is left
    // (deploying, no process of its own yet, past the grace a deploy gets)
    String stored = blocking(a, () -> registry.stored("tf-twice"));
    JsonObject claim = first.copy().put("node", "tf-gone-too").put("state", "deploying")
        .put("since", System.currentTimeMillis() - 60_000).put("snapshotEpoch", lostEpoch);
    claim.remove("incarnation");
    assertThat(blocking(a, () -> registry.takeOver(stored, claim))).isTrue();
    String taken = blocking(a, () -> registry.stored("tf-twice"));
    JsonObject unstamped = new JsonObject(taken);
    unstamped.remove("incarnation");
    assertThat(blocking(a, () -> registry.replace(taken, unstamped))).isTrue();

    await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200)).ignoreExceptions().untilAsserted(() -> {
      JsonObject agent = request(b, Addresses.AGENT_GET, new JsonObject().put("id", "tf-twice"));
      assertThat(agent.getString("state")).isEqualTo("running");
      assertThat(agent.getJsonObject("status").getLong("count")).as("restored from the lost copy's snapshot")
          .isEqualTo(7);
    });
  }

  @Test
  @DisplayName("lost agents that are not to be restarted are marked terminated (beside the restarts, not before them), and stay so")
  void lostNeverAgentsAreMarkedTerminated() {
    Registry registry = a.context().registry();
    FAILURES_LEFT.set(0);
    // more than one batch of the failover part's terminations (200)
    for (int i = 0; i < 250; i++) {
      JsonObject lost = new JsonObject().put("id", "tf-never-" + i).put("type", FlakyAgent.TYPE).put("group", "standard_agent")
          .put("node", "tf-gone").put("state", "running").put("restartPolicy", "never").put("config", new JsonObject());
      assertThat(blocking(a, () -> registry.claim(lost))).isNull();
      String claimed = blocking(a, () -> registry.stored(lost.getString("id")));
      assertThat(blocking(a, () -> registry.replace(claimed, lost.copy().put("incarnation", "a-process-that-died")))).isTrue();
    }
    await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200)).untilAsserted(() -> {
      for (int i = 0; i < 250; i++) {
        String id = "tf-never-" + i;
        JsonObject stored = new JsonObject(blocking(a, () -> registry.stored(id)));
        assertThat(stored.getString("state")).as(id).isEqualTo("terminated");
        assertThat(stored.getString("reason")).isEqualTo("node tf-gone left the cluster");
        assertThat(stored.getString("node")).as("not restarted anywhere").isEqualTo("tf-gone");
      }
    });
  }

  @Test
  @DisplayName("a terminated registration past failover.terminatedRetentionMs (1 h) is removed with its snapshot and the quota its deploy created; a recent one stays")
  void terminatedRegistrationsExpire() {
    Registry registry = a.context().registry();
    long now = System.currentTimeMillis();
    java.util.Map<String, Long> epochs = new java.util.HashMap<>();
    for (String id : List.of("tf-expired", "tf-recent")) {
      JsonObject lost = new JsonObject().put("id", id).put("type", FlakyAgent.TYPE).put("group", "standard_agent")
          .put("node", "tf-gone").put("state", "terminated").put("restartPolicy", "never").put("config", new JsonObject())
          .put("quotaCreated", true).put("reason", "node tf-gone left the cluster")
          .put("since", id.equals("tf-expired") ? now - 2 * 3_600_000L : now);
      request(a, Addresses.QUOTA_CREATE, new JsonObject().put("agentId", id).put("group", "standard_agent"));
      assertThat(blocking(a, () -> registry.claim(lost))).isNull();
      long epoch = lost.getLong("epoch");
      epochs.put(id, epoch);
      assertThat(blocking(a, () -> registry.saveSnapshot(id, epoch, 1, "tf-gone", new JsonObject().put("count", 3))))
          .isTrue();
      String claimed = blocking(a, () -> registry.stored(id));
      assertThat(blocking(a, () -> registry.replace(claimed, lost.copy().put("incarnation", "a-process-that-died"))))
          .isTrue();
    }
    await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200)).untilAsserted(() -> {
      assertThat(blocking(a, () -> registry.stored("tf-expired"))).as("the registration").isNull();
      assertThat(blocking(a, () -> registry.snapshotOf("tf-expired", epochs.get("tf-expired")))).as("its snapshot").isNull();
      assertThat(b.context().quotaIndex().get("tf-expired")).as("its quota, on the other node").isNull();
    });
    JsonObject recent = new JsonObject(blocking(a, () -> registry.stored("tf-recent")));
    assertThat(recent.getString("state")).isEqualTo("terminated");
    assertThat(blocking(a, () -> registry.snapshotOf("tf-recent", epochs.get("tf-recent")))).isNotNull();
    assertThat(request(b, Addresses.QUOTA_GET, new JsonObject().put("agentId", "tf-recent")).getString("agentId"))
        .isEqualTo("tf-recent");
  }

  @Test
  @DisplayName("a move whose target fails to start leaves the agent registered and running on its source, under its own epoch")
  void failedMoveKeepsTheSource() {
    Registry registry = a.context().registry();
    FAILURES_LEFT.set(0);
    request(a, Addresses.AGENT_DEPLOY, new JsonObject().put("id", "tf-moved").put("type", FlakyAgent.TYPE)
        .put("group", "standard_agent").put("node", "tf-a"));
    JsonObject before = new JsonObject(blocking(a, () -> registry.stored("tf-moved")));
    assertThat(before.getString("node")).isEqualTo("tf-a");

    FAILURES_LEFT.set(1);
    int failedBefore = FAILED_STARTS.get();
    JsonObject move = a.vertx().eventBus().<JsonObject>request(Addresses.ENFORCEMENT_ACTION,
            new JsonObject().put("agentId", "tf-moved").put("action", "migrate")
                .put("params", new JsonObject().put("target", "tf-b")),
            new DeliveryOptions().setSendTimeout(30_000))
        .map(m -> m.body()).otherwise(e -> new JsonObject().put("failed", e.getMessage()))
        .toCompletionStage().toCompletableFuture().join();
    assertThat(FAILED_STARTS.get() - failedBefore).as("the target's start failed: " + move).isEqualTo(1);

    await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> {
      String raw = blocking(a, () -> registry.stored("tf-moved"));
      assertThat(raw).as("the registration").isNotNull();
      JsonObject stored = new JsonObject(raw);
      assertThat(stored.getString("node")).isEqualTo("tf-a");
      assertThat(stored.getLong("epoch")).as("the source's own epoch").isEqualTo(before.getLong("epoch"));
      assertThat(stored.getString("state")).isEqualTo("running");
      assertThat(stored.getLong("version")).isGreaterThan(before.getLong("version"));
    });
    JsonObject agent = request(b, Addresses.AGENT_GET, new JsonObject().put("id", "tf-moved"));
    assertThat(agent.getString("node")).isEqualTo("tf-a");
    assertThat(agent.getString("state")).isEqualTo("running");
  }

  @Test
  @DisplayName("a fresh deploy whose agent fails to start is refused as start_failed and leaves nothing registered")
  void failedFreshDeployLeavesNothing() {
    FAILURES_LEFT.set(1);
    Throwable refused = a.vertx().eventBus().<JsonObject>request(Addresses.AGENT_DEPLOY, new JsonObject()
            .put("id", "tf-fresh").put("type", FlakyAgent.TYPE).put("group", "standard_agent").put("node", "tf-b"),
            new DeliveryOptions().setSendTimeout(30_000))
        .map(m -> (Throwable) null).otherwise(e -> e).toCompletionStage().toCompletableFuture().join();
    assertThat(refused).isInstanceOf(io.vertx.core.eventbus.ReplyException.class);
    assertThat(ErrorCode.of(refused)).isEqualTo(ErrorCode.START_FAILED);
    assertThat(refused.getMessage()).contains("tf-fresh", "start failed on purpose");
    assertThat(blocking(a, () -> a.context().registry().stored("tf-fresh"))).isNull();
  }

  @Test
  @DisplayName("a restart that names the registration it replaces (the sweep's read) takes it over; one that changed since is claimed as usual; a live copy's is refused")
  void restartWithTheSweepsRead() {
    Registry registry = a.context().registry();
    FAILURES_LEFT.set(0);
    for (String id : List.of("tf-read-exact", "tf-read-stale")) {
      // a lost agent already marked terminated, so the sweep leaves it to this test
      JsonObject lost = new JsonObject().put("id", id).put("type", FlakyAgent.TYPE).put("group", "standard_agent")
          .put("node", "tf-gone").put("state", "terminated").put("restartPolicy", "never").put("config", new JsonObject());
      assertThat(blocking(a, () -> registry.claim(lost))).isNull();
      String claimed = blocking(a, () -> registry.stored(id));
      assertThat(blocking(a, () -> registry.replace(claimed, lost.copy().put("incarnation", "a-process-that-died"))))
          .isTrue();
    }
    String exact = blocking(a, () -> registry.stored("tf-read-exact"));
    String stale = new JsonObject(blocking(a, () -> registry.stored("tf-read-stale"))).put("version", 1).encode();
    for (String replaces : List.of(exact, stale)) {
      String id = new JsonObject(replaces).getString("id");
      long lostEpoch = new JsonObject(replaces).getLong("epoch");
      JsonObject agent = request(a, Addresses.onNode(Addresses.AGENT_DEPLOY, "tf-a"), new JsonObject().put("id", id)
          .put("type", FlakyAgent.TYPE).put("group", "standard_agent").put("replaces", replaces));
      assertThat(agent.getString("state")).as(id).isEqualTo("running");
      JsonObject stored = new JsonObject(blocking(a, () -> registry.stored(id)));
      assertThat(stored.getString("node")).as(id).isEqualTo("tf-a");
      assertThat(stored.getLong("epoch")).as(id).isGreaterThan(lostEpoch);
    }

    request(b, Addresses.AGENT_DEPLOY, new JsonObject().put("id", "tf-read-live").put("type", FlakyAgent.TYPE)
        .put("group", "standard_agent").put("node", "tf-b"));
    String live = blocking(a, () -> registry.stored("tf-read-live"));
    Throwable refused = a.vertx().eventBus().<JsonObject>request(Addresses.onNode(Addresses.AGENT_DEPLOY, "tf-a"),
            new JsonObject().put("id", "tf-read-live").put("type", FlakyAgent.TYPE).put("group", "standard_agent")
                .put("replaces", live), new DeliveryOptions().setSendTimeout(30_000))
        .map(m -> (Throwable) null).otherwise(e -> e).toCompletionStage().toCompletableFuture().join();
    assertThat(ErrorCode.of(refused)).isEqualTo(ErrorCode.ALREADY_EXISTS);
    assertThat(blocking(a, () -> registry.stored("tf-read-live"))).as("untouched").isEqualTo(live);

    for (String bad : List.of("not json", "{\"epoch\":\"x\"}")) {
      Throwable invalid = a.vertx().eventBus().<JsonObject>request(Addresses.onNode(Addresses.AGENT_DEPLOY, "tf-a"),
              new JsonObject().put("id", "tf-read-bad").put("type", FlakyAgent.TYPE).put("group", "standard_agent")
                  .put("replaces", bad), new DeliveryOptions().setSendTimeout(30_000))
          .map(m -> (Throwable) null).otherwise(e -> e).toCompletionStage().toCompletableFuture().join();
      assertThat(ErrorCode.of(invalid)).as(bad).isEqualTo(ErrorCode.INVALID_REQUEST);
    }
    assertThat(blocking(a, () -> registry.stored("tf-read-bad"))).isNull();
  }


  /** A stateful counter (its count snapshotted and restored) whose start fails while {@link #FAILURES_LEFT} is above 0. */
  public static final class FlakyAgent extends StatefulCounterAgent {

    static final String TYPE = "flaky-start";

    static final AgentFactory FACTORY = AgentFactory.of(TYPE, "fails to start on demand (tests)", List.of(),
        config -> new FlakyAgent());

    @Override
    protected Future<?> onStart() {
      if (FAILURES_LEFT.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
        FAILED_STARTS.incrementAndGet();
        return Future.failedFuture("start failed on purpose");
      }
      return super.onStart();
    }
  }
}
