package io.agentgovernor.agent.impl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.agentgovernor.agent.GovernedAgent;
import io.agentgovernor.bus.Addresses;
import io.agentgovernor.cluster.NodeLease;
import io.agentgovernor.quota.QuotaIndex;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * An agent of a node that has lost its lease runs nothing: no message is handled and no timer
 * fires, messages wait in its inbox; when the lease is regained they are handled, in order, and
 * timers fire again.
 */
class LeaseGateTest {

  private Vertx vertx;
  private NodeLease lease;
  private AgentContextImpl context;
  private final List<Integer> handled = new CopyOnWriteArrayList<>();
  private final AtomicInteger ticks = new AtomicInteger();

  @BeforeEach
  void deploy() throws Exception {
    vertx = Vertx.vertx();
    lease = new NodeLease(60_000);
    context = new AgentContextImpl(vertx, "gated", "test", "test", new JsonObject(), new QuotaIndex(), 10_000, lease);
    lease.onRegained(context::leaseRegained);
    GovernedAgent agent = new GovernedAgent() {
      @Override
      protected Future<?> onStart() {
        agent().onMessage(m -> handled.add(((JsonObject) m.body()).getInteger("n")));
        agent().setPeriodic(20, t -> ticks.incrementAndGet());
        return Future.succeededFuture();
      }
    };
    agent.bind(context, () -> context.open("gate-node"));
    vertx.deployVerticle(agent).await(10, TimeUnit.SECONDS);
  }

  @AfterEach
  void close() throws Exception {
    vertx.close().await(10, TimeUnit.SECONDS);
  }

  private void send(int from, int to) {
    for (int i = from; i < to; i++) {
      vertx.eventBus().send(Addresses.agentInbox("gated"), new JsonObject().put("n", i));
    }
  }

  @Test
  @DisplayName("without the lease nothing runs and messages wait; with it back they run in order and timers tick again")
  void nothingRunsWithoutTheLease() {
    send(0, 10);
    await().atMost(Duration.ofSeconds(5)).until(() -> handled.size() == 10 && ticks.get() > 0);

    lease.revoke();
    send(10, 60);
    int ticksAtLoss = ticks.get();
    // for a second (50 timer periods) neither a message nor a tick runs
    await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(3))
        .until(() -> handled.size() == 10 && ticks.get() <= ticksAtLoss + 1);
    assertThat(context.queuedMessages()).isEqualTo(50);

    lease.extendTo(System.nanoTime() + TimeUnit.SECONDS.toNanos(60));
    await().atMost(Duration.ofSeconds(5)).until(() -> handled.size() == 60);
    assertThat(handled).isSorted().doesNotHaveDuplicates();
    int ticksAtRegain = ticks.get();
    await().atMost(Duration.ofSeconds(5)).until(() -> ticks.get() > ticksAtRegain + 5);
  }
}
