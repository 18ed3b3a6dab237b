package io.agentgovernor.degradation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.agentgovernor.bus.Addresses;
import io.agentgovernor.node.GovernorNode;
import io.agentgovernor.testing.TestNodes;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
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
 * the node's pressure machine leaves {@code none} with the delay over its budget. Then each loop
 * alone: the probe runs on every loop, so a loop held by any part or agent is seen, not only the
 * one a probe on a single verticle would share. (The status snapshot is not a fit for this:
 * batches queued on the blocked loop read again right after and replace the spike within
 * milliseconds; the level events are kept.)
 */
class EventLoopProbeIT {

  private static final long BUSY_MS = 800;

  private GovernorNode node;
  private final List<JsonObject> levels = new CopyOnWriteArrayList<>();

  @BeforeEach
  void start() throws Exception {
    Path conf = Files.createTempFile("probe-", ".yaml");
    Files.writeString(conf, "monitor:\n  intervalMs: 200\ndegradation:\n  node:\n    eventLoopProbeMs: 20\n"
        + "    eventLoopBudgetMs: 100\n    downHoldMs: 0\n    dimensions: [event_loop]\n");
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
    followLevels();
    long blockedAt = System.currentTimeMillis(); // same clock as the node's events: one JVM
    busy(loops());
    // the sample after the block reads the probe's worst lateness (about 780 ms: 7.8x the budget)
    awaitLevel(blockedAt, true);
  }

  @Test
  @DisplayName("each event loop busy alone for 800 ms raises the node's pressure: every loop is probed")
  void eachEventLoopIsProbed() throws Exception {
    followLevels();
    List<EventLoop> all = loops();
    assertThat(all).hasSizeGreaterThan(1);
    for (EventLoop loop : all) {
      long blockedAt = System.currentTimeMillis();
      busy(List.of(loop));
      awaitLevel(blockedAt, true);
      // down again (downHoldMs 0: a level a sample), so the next loop's block is a rise of its own
      awaitLevel(blockedAt, false);
    }
  }

  private List<EventLoop> loops() {
    List<EventLoop> all = new ArrayList<>();
    EventLoopGroup group = ((io.vertx.core.internal.VertxInternal) node.vertx()).nettyEventLoopGroup();
    group.forEach(loop -> all.add((EventLoop) loop));
    return all;
  }

  /** Records the node's level changes; returns once the node reads its pressure at all. */
  private void followLevels() throws Exception {
    node.vertx().eventBus().<JsonObject>localConsumer(Addresses.EVENTS, m -> {
      if ("degradation".equals(m.body().getString("type")) && "node_level".equals(m.body().getString("event"))) {
        levels.add(m.body());
      }
    }).completion().await(10, TimeUnit.SECONDS);
    await().atMost(Duration.ofSeconds(20)).until(() -> TestNodes.request(node, Addresses.DEGRADATION_STATUS,
        new JsonObject()).getJsonArray("nodes").stream().anyMatch(n -> ((JsonObject) n).containsKey("dimensions")));
  }

  /** Keeps each of {@code loops} busy for {@link #BUSY_MS}, as a loop working through a backlog is. */
  private static void busy(List<EventLoop> loops) {
    long busyNanos = TimeUnit.MILLISECONDS.toNanos(BUSY_MS);
    List<io.netty.util.concurrent.Future<?>> busy = new ArrayList<>();
    for (EventLoop loop : loops) {
      busy.add(loop.submit(() -> {
        long until = System.nanoTime() + busyNanos;
        while (System.nanoTime() < until) {
          Math.sqrt(until);
        }
      }));
    }
    for (io.netty.util.concurrent.Future<?> f : busy) {
      assertThat(f.awaitUninterruptibly(30, TimeUnit.SECONDS)).isTrue();
    }
  }

  /** A level event since {@code sinceMs}: raised (not none, pressure ≥ 3, the delay ~7.8× the budget), or back to none. */
  private void awaitLevel(long sinceMs, boolean raised) {
    await().atMost(Duration.ofSeconds(20)).until(() -> levels.stream().anyMatch(e -> e.getLong("time", 0L) >= sinceMs
        && (raised ? !"none".equals(e.getString("level")) && e.getDouble("pressure") >= 3.0
            : "none".equals(e.getString("level")))));
  }
}
