package io.agentgovernor.degradation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.agentgovernor.bus.Addresses;
import io.agentgovernor.node.GovernorNode;
import io.agentgovernor.testing.TestNodes;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The node pressure's event-loop dimension on a real node, end to end: every event loop of the
 * node is kept busy for 800 ms; the probe's timer fires that late, the next sample reads it, and
 * the node's pressure machine leaves {@code none} with the delay over its budget. (The status
 * snapshot is not a fit for this: batches queued on the blocked loop read again right after and
 * replace the spike within milliseconds.)
 */
class EventLoopProbeIT {

  private GovernorNode node;

  @BeforeEach
  void start() throws Exception {
    Path conf = Files.createTempFile("probe-", ".yaml");
    Files.writeString(conf, "monitor:\n  intervalMs: 200\ndegradation:\n  node:\n    eventLoopProbeMs: 20\n"
        + "    eventLoopBudgetMs: 100\n    dimensions: [event_loop]\n");
    node = TestNodes.start(TestNodes.config(TestNodes.randomClusterName(), TestNodes.randomClusterPort(), "probe",
        List.of(), "--config", conf.toString()));
  }

  @AfterEach
  void stop() {
    TestNodes.closeAll(node);
  }

  @Test
  @DisplayName("every event loop busy for 800 ms: the node's pressure rises on the event-loop dimension (budget 100 ms)")
  void busyEventLoopsRaiseTheNodePressure() throws Exception {
    List<JsonObject> levels = new CopyOnWriteArrayList<>();
    node.vertx().eventBus().<JsonObject>localConsumer(Addresses.EVENTS, m -> {
      if ("degradation".equals(m.body().getString("type")) && "node_level".equals(m.body().getString("event"))) {
        levels.add(m.body());
      }
    }).completion().await(10, TimeUnit.SECONDS);
    // the node reads its pressure at all: its status has a reading before the loops are blocked
    await().atMost(Duration.ofSeconds(20)).until(() -> TestNodes.request(node, Addresses.DEGRADATION_STATUS,
        new JsonObject()).getJsonArray("nodes").stream().anyMatch(n -> ((JsonObject) n).containsKey("dimensions")));
    long blockedAt = System.currentTimeMillis(); // same clock as the node's events: one JVM
    io.netty.channel.EventLoopGroup loops = ((io.vertx.core.internal.VertxInternal) node.vertx()).nettyEventLoopGroup();
    List<io.netty.util.concurrent.Future<?>> busy = new ArrayList<>();
    long busyNanos = TimeUnit.MILLISECONDS.toNanos(800);
    loops.forEach(loop -> busy.add(loop.submit(() -> {
      long until = System.nanoTime() + busyNanos;
      while (System.nanoTime() < until) {
        Math.sqrt(until); // busy, as a loop working through a backlog is
      }
    })));
    for (io.netty.util.concurrent.Future<?> f : busy) {
      assertThat(f.awaitUninterruptibly(30, TimeUnit.SECONDS)).isTrue();
    }
    // the sample after the block reads the probe's worst lateness (about 780 ms: 7.8x the budget)
    await().atMost(Duration.ofSeconds(20)).until(() -> levels.stream()
        .anyMatch(e -> e.getLong("time", 0L) >= blockedAt && !"none".equals(e.getString("level"))
            && e.getDouble("pressure") >= 3.0));
  }
}
