package io.agentgovernor.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.agentgovernor.bus.Addresses;
import io.agentgovernor.node.GovernorNode;
import io.agentgovernor.testing.TestNodes;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Slow subscribers: 200,000 events published at a client that does not read. The node's backlog
 * for it stays within its bound (read from /metrics), measurements are sampled to the latest per
 * agent, the client is told how many it missed once it reads again, and a client that never reads
 * again is closed.
 */
class FeedBackPressureIT {

  private static final int MAX_QUEUED = 500;
  private static final int MAX_SAMPLED_AGENTS = 100;
  private static GovernorNode patient;
  private static GovernorNode strict;
  private static Vertx clients;

  @BeforeAll
  static void start() {
    JsonObject feed = new JsonObject().put("maxQueued", MAX_QUEUED).put("maxSampledAgents", MAX_SAMPLED_AGENTS)
        .put("socketWriteQueueBytes", 64 * 1024);
    int port = TestNodes.randomClusterPort();
    patient = TestNodes.start(TestNodes.config(TestNodes.randomClusterName(), port, "bp-patient", List.of())
        .with("admin.feed", feed.copy().put("maxBehindMs", 120_000)));
    strict = TestNodes.start(TestNodes.config(TestNodes.randomClusterName(), port + 5, "bp-strict", List.of())
        .with("admin.feed", feed.copy().put("maxBehindMs", 1000)));
    clients = Vertx.vertx();
  }

  @AfterAll
  static void stop() {
    clients.close();
    TestNodes.closeAll(patient, strict);
  }

  /** Publishes alerts (padded to ~300 bytes) and measurement batches of 50 agents, in chunks. */
  private static void flood(GovernorNode node, int events) throws InterruptedException {
    EventBus bus = node.vertx().eventBus();
    String pad = "x".repeat(250);
    for (int i = 0; i < events; i++) {
      if (i % 10 == 0) {
        JsonArray samples = new JsonArray();
        for (int a = 0; a < 50; a++) {
          samples.add(new JsonObject().put("agentId", "bp-" + a).put("usage", new JsonObject().put("cpu", i)));
        }
        bus.publish(Addresses.EVENTS_MEASUREMENTS, new JsonObject().put("node", node.nodeId()).put("time", i).put("samples", samples));
      } else {
        bus.publish(Addresses.EVENTS, new JsonObject().put("type", "alert").put("agentId", "bp-" + (i % 50))
            .put("node", node.nodeId()).put("time", i).put("message", pad));
      }
      if (i % 2000 == 0) {
        Thread.sleep(5); // let the event loop keep up: the test floods the feed, not the bus
      }
    }
  }

  private static double metric(GovernorNode node, String name) {
    String text = new Http(node.httpPort()).get("/metrics", null).body();
    Matcher m = Pattern.compile("(?m)^" + name + "(\\{[^}]*\\})? ([0-9.eE+-]+)$").matcher(text);
    assertThat(m.find()).as(name + " in /metrics").isTrue();
    return Double.parseDouble(m.group(2));
  }

  @Test
  @DisplayName("a paused subscriber: backlog bounded, measurements sampled, then told what it missed")
  void sampledThenTold() throws Exception {
    try (FeedClient feed = FeedClient.connect(clients, patient.httpPort(), null, TestNodes.VIEWER_TOKEN)) {
      feed.socket.pause();
      flood(patient, 200_000);
      // the feed's consumer works through the flood after the publishes return
      await().atMost(Duration.ofSeconds(30)).until(() -> metric(patient, "governor_feed_dropped_events_total") > 100_000);
      double peak = metric(patient, "governor_feed_queue_peak_events");
      assertThat(peak).as("the backlog was used").isPositive();
      assertThat(peak).as("and stayed within its bound").isLessThanOrEqualTo(MAX_QUEUED + MAX_SAMPLED_AGENTS);
      assertThat(metric(patient, "governor_feed_dropped_events_total")).isGreaterThan(100_000);

      feed.socket.resume();
      JsonObject dropped = feed.await(m -> "dropped".equals(m.getString("type")), Duration.ofSeconds(30));
      assertThat(dropped.getLong("count")).isGreaterThan(100_000);
      assertThat(dropped.getLong("sampled")).isPositive();
      // After the notice: the waiting backlog, measurements ending with the latest of each agent.
      feed.await(m -> "measurement".equals(m.getString("type")) && m.getString("agentId").equals("bp-49")
          && m.getJsonObject("usage").getInteger("cpu") == 199_990, Duration.ofSeconds(30));
      assertThat(feed.closeStatus).isNull();
      // It keeps up again: a new event arrives at once.
      patient.vertx().eventBus().publish(Addresses.EVENTS, new JsonObject().put("type", "node").put("node", "bp-patient").put("time", 1));
      feed.await(m -> "node".equals(m.getString("type")), Duration.ofSeconds(10));
      assertThat(metric(patient, "governor_feed_queued_events")).isZero();
    }
  }

  @Test
  @DisplayName("a subscriber that stays behind past its limit is closed and forgotten by the node")
  void closedWhenBehindTooLong() throws Exception {
    FeedClient feed = FeedClient.connect(clients, strict.httpPort(), null, TestNodes.VIEWER_TOKEN);
    assertThat(metric(strict, "governor_feed_subscribers")).isEqualTo(1);
    feed.socket.pause();
    flood(strict, 100_000);
    // an event after the limit (1 s behind) has passed closes it: a few more each poll until one does
    await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200)).until(() -> {
      flood(strict, 200);
      return metric(strict, "governor_feed_subscribers") == 0;
    });
    assertThat(metric(strict, "governor_feed_queue_peak_events")).isLessThanOrEqualTo(MAX_QUEUED + MAX_SAMPLED_AGENTS);
    feed.socket.resume();
    await().atMost(Duration.ofSeconds(20)).until(() -> feed.closeStatus != null);
    assertThat(feed.closeStatus).isEqualTo((short) 1008);
    assertThat(feed.closeReason).contains("too slow");
  }
}
