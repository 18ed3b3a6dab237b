package io.agentgovernor.admin;

import static org.assertj.core.api.Assertions.assertThat;

import io.agentgovernor.bus.Addresses;
import io.agentgovernor.node.GovernorNode;
import io.agentgovernor.testing.TestNodes;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The live feed over real WebSockets on a two-member cluster: filters, and events crossing nodes. */
class FeedIT {

  private static final Duration WAIT = Duration.ofSeconds(10);
  private static GovernorNode a;
  private static GovernorNode b;
  private static Vertx clients;

  @BeforeAll
  static void start() {
    String cluster = TestNodes.randomClusterName();
    int port = TestNodes.randomClusterPort();
    a = TestNodes.start(TestNodes.config(cluster, port, "feed-a", List.of()));
    b = TestNodes.start(TestNodes.config(cluster, port + 1, "feed-b", List.of("127.0.0.1:" + a.clusterPort())));
    clients = Vertx.vertx();
  }

  @AfterAll
  static void stop() {
    clients.close();
    TestNodes.closeAll(b, a);
  }

  private static JsonObject event(String type, String agentId, GovernorNode on) {
    return new JsonObject().put("type", type).put("agentId", agentId).put("node", on.nodeId()).put("time", System.currentTimeMillis());
  }

  private static JsonObject batch(GovernorNode on, String... agents) {
    JsonArray samples = new JsonArray();
    for (String agent : agents) {
      samples.add(new JsonObject().put("agentId", agent).put("usage", new JsonObject().put("cpu", 12.5).put("memory", 1000)));
    }
    return new JsonObject().put("node", on.nodeId()).put("time", 1234L).put("samples", samples);
  }

  @Test
  @DisplayName("?types= keeps only those types; the token may come as ?token=")
  void typeFilter() throws Exception {
    try (FeedClient feed = FeedClient.connect(clients, a.httpPort(), "types=violation&token=" + TestNodes.VIEWER_TOKEN, null)) {
      a.vertx().eventBus().publish(Addresses.EVENTS, event("alert", "tf-1", a));
      a.vertx().eventBus().publish(Addresses.EVENTS, event("violation", "tf-1", a).put("violation", "hard"));
      JsonObject got = feed.await(m -> "violation".equals(m.getString("type")), WAIT);
      assertThat(got.getString("agentId")).isEqualTo("tf-1");
      assertThat(got.getString("violation")).isEqualTo("hard");
      // the feed keeps the order of publication: the alert, published first, would be here already
      assertThat(feed.ofType("alert")).isEmpty();
    }
  }

  @Test
  @DisplayName("?agents= keeps only those agents; a measurement batch becomes one event per sample")
  void agentFilterAndMeasurements() throws Exception {
    try (FeedClient feed = FeedClient.connect(clients, a.httpPort(), "agents=af-1", TestNodes.VIEWER_TOKEN)) {
      a.vertx().eventBus().publish(Addresses.EVENTS_MEASUREMENTS, batch(a, "af-2", "af-1", "af-3"));
      a.vertx().eventBus().publish(Addresses.EVENTS, event("alert", "af-2", a));
      JsonObject m = feed.await(e -> "measurement".equals(e.getString("type")), WAIT);
      assertThat(m).isEqualTo(new JsonObject().put("type", "measurement").put("agentId", "af-1").put("node", "feed-a")
          .put("time", 1234).put("usage", new JsonObject().put("cpu", 12.5).put("memory", 1000)));
      // a marker published last: once it is here, so is everything published before it that passed
      a.vertx().eventBus().publish(Addresses.EVENTS, event("alert", "af-1", a));
      feed.await(e -> "alert".equals(e.getString("type")) && "af-1".equals(e.getString("agentId")), WAIT);
      assertThat(feed.received).allMatch(e -> !"af-2".equals(e.getString("agentId")) && !"af-3".equals(e.getString("agentId")));
    }
  }

  @Test
  @DisplayName("a subscribe message replaces the filter; a malformed one is answered with an error")
  void subscribeMessage() throws Exception {
    try (FeedClient feed = FeedClient.connect(clients, a.httpPort(), null, TestNodes.VIEWER_TOKEN)) {
      feed.socket.writeTextMessage("{\"subscribe\": {\"types\": [\"enforcement\"], \"agents\": [\"sm-1\"]}}");
      feed.await(m -> "subscribed".equals(m.getString("type")) && !m.getJsonArray("types").isEmpty(), WAIT);
      a.vertx().eventBus().publish(Addresses.EVENTS, event("alert", "sm-1", a));
      a.vertx().eventBus().publish(Addresses.EVENTS, event("enforcement", "sm-2", a));
      a.vertx().eventBus().publish(Addresses.EVENTS, event("enforcement", "sm-1", a).put("action", "throttle"));
      JsonObject got = feed.await(m -> "enforcement".equals(m.getString("type")), WAIT);
      assertThat(got.getString("agentId")).isEqualTo("sm-1");
      feed.socket.writeTextMessage("{\"subscribe\": {\"types\": \"not-a-list\"}}");
      feed.await(m -> "error".equals(m.getString("type")), WAIT);
      feed.socket.writeTextMessage("nonsense");
      feed.await(m -> "error".equals(m.getString("type")) && m.getString("message").contains("JSON"), WAIT);
      // a marker published last (the malformed subscribes changed nothing): once it is here, so is
      // everything before it that passed the filter
      a.vertx().eventBus().publish(Addresses.EVENTS, event("enforcement", "sm-1", a).put("action", "marker"));
      feed.await(m -> "marker".equals(m.getString("action")), WAIT);
      assertThat(feed.ofType("alert")).isEmpty();
      assertThat(feed.ofType("enforcement")).extracting(e -> e.getString("action")).containsExactly("throttle", "marker");
    }
  }

  @Test
  @DisplayName("events published on one node's bus reach a subscriber of another node")
  void crossNode() throws Exception {
    try (FeedClient onB = FeedClient.connect(clients, b.httpPort(), "agents=cn-1", TestNodes.VIEWER_TOKEN)) {
      a.vertx().eventBus().publish(Addresses.EVENTS, event("violation", "cn-1", a));
      a.vertx().eventBus().publish(Addresses.EVENTS_MEASUREMENTS, batch(a, "cn-1"));
      JsonObject violation = onB.await(m -> "violation".equals(m.getString("type")), WAIT);
      assertThat(violation.getString("node")).isEqualTo("feed-a");
      assertThat(onB.await(m -> "measurement".equals(m.getString("type")), WAIT).getString("node")).isEqualTo("feed-a");
    }
  }

  @Test
  @DisplayName("a node's monitor builds measurement JSON only for the agents some feed in the cluster wants, and none once it is gone")
  void measurementsOnlyForWhatIsWanted() throws Exception {
    List<String> ids = List.of("mw-1", "mw-2", "mw-3", "mw-4", "mw-5", "mw-6");
    for (String id : ids) {
      TestNodes.request(b, Addresses.AGENT_DEPLOY, new JsonObject().put("id", id).put("type", "idle")
          .put("group", "lightweight_agent").put("config", new JsonObject()));
    }
    // placement spreads the agents: watch mw-2's node from the other one
    GovernorNode host = a.context().localAgents().get("mw-2") != null ? a : b;
    GovernorNode other = host == a ? b : a;
    int hosted = (int) ids.stream().filter(id -> host.context().localAgents().get(id) != null).count();
    java.util.Queue<JsonObject> fromHostOnOther = new java.util.concurrent.ConcurrentLinkedQueue<>();
    java.util.Queue<JsonObject> onHost = new java.util.concurrent.ConcurrentLinkedQueue<>();
    var watchOther = other.vertx().eventBus().<JsonObject>consumer(Addresses.EVENTS_MEASUREMENTS, m -> {
      if (host.nodeId().equals(m.body().getString("node"))) {
        fromHostOnOther.add(m.body());
      }
    });
    var watchHost = host.vertx().eventBus().<JsonObject>consumer(Addresses.EVENTS_MEASUREMENTS, m -> onHost.add(m.body()));
    try {
      try (FeedClient feed = FeedClient.connect(clients, other.httpPort(), "agents=mw-2", TestNodes.VIEWER_TOKEN)) {
        JsonObject m = feed.await(e -> "measurement".equals(e.getString("type")), WAIT);
        assertThat(m.getString("agentId")).isEqualTo("mw-2");
        assertThat(m.getString("node")).isEqualTo(host.nodeId());
        assertThat(m.getJsonObject("usage").fieldNames()).contains("cpu", "memory");
        // the batch that crossed carried mw-2 alone, but counted all of the host's agents
        JsonObject batch = org.awaitility.Awaitility.await().atMost(WAIT).until(() -> fromHostOnOther.stream()
            .filter(x -> !x.getJsonArray("samples").isEmpty()).findFirst(), java.util.Optional::isPresent).orElseThrow();
        assertThat(batch.getJsonArray("samples")).extracting(o -> ((JsonObject) o).getString("agentId")).containsExactly("mw-2");
        assertThat(batch.getInteger("count")).as("batch %s", batch).isGreaterThanOrEqualTo(hosted);
      }
      // subscriber gone: the host's batches stay on the host, with a count and no samples
      org.awaitility.Awaitility.await().atMost(WAIT).until(() -> onHost.stream()
          .anyMatch(x -> x.getJsonArray("samples").isEmpty() && x.getInteger("count") >= hosted));
      fromHostOnOther.clear();
      onHost.clear();
      org.awaitility.Awaitility.await().atMost(WAIT).until(() -> onHost.size() >= 2);
      assertThat(onHost).allMatch(x -> x.getJsonArray("samples").isEmpty());
      assertThat(fromHostOnOther).isEmpty();
    } finally {
      watchOther.unregister();
      watchHost.unregister();
      for (String id : ids) {
        TestNodes.request(b, Addresses.AGENT_UNDEPLOY, new JsonObject().put("id", id));
      }
    }
  }

  @Test
  @DisplayName("without a token the upgrade is refused with 401; a bad filter with 400")
  void refused() {
    Http http = new Http(a.httpPort());
    Http.assertError(http.get("/api/v1/feed", null), 401, "unauthorized");
    Http.assertError(http.get("/api/v1/feed?types=a%20b", TestNodes.VIEWER_TOKEN), 400, "invalid_id");
  }
}
