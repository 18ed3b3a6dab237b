package io.agentgovernor.degradation;

import static io.agentgovernor.testing.TestNodes.request;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.hazelcast.core.EntryEvent;
import com.hazelcast.map.IMap;
import com.hazelcast.map.listener.EntryAddedListener;
import com.hazelcast.map.listener.EntryUpdatedListener;
import io.agentgovernor.agent.AgentFactory;
import io.agentgovernor.agent.GovernedAgent;
import io.agentgovernor.bus.Addresses;
import io.agentgovernor.node.GovernorNode;
import io.agentgovernor.testing.TestNodes;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** Degradation with real agents on a real node, on short timelines: plans, feedback, hand-over, staged recovery. */
class DegradationIT {

  private static final long MB = 1 << 20;
  private static final List<JsonObject> EVENTS = new CopyOnWriteArrayList<>();
  private static GovernorNode node;

  @BeforeAll
  static void startNode() {
    JsonObject timelines = new JsonObject().put("minimal", 2000).put("moderate", 2000).put("aggressive", 2000)
        .put("emergency", 2000);
    node = TestNodes.start(TestNodes.config(TestNodes.randomClusterName(), TestNodes.randomClusterPort(), "deg", List.of())
        .with("monitor.intervalMs", 500)
        .with("degradation.pressure.downHoldMs", 1000)
        .with("degradation.plans.timelineMs", timelines)
        .with("degradation.recovery", new JsonObject().put("violationHoldMs", 1500).put("stageIntervalMs", 1500))
        // The node's own pressure is the subject of DegradationProcessIT, in a JVM of its own.
        .with("degradation.node.enabled", false));
    node.context().agentTypes().register(Stubborn.FACTORY);
    warmUpMemoryWalks();
    node.vertx().eventBus().<JsonObject>consumer(Addresses.EVENTS, m -> {
      String type = m.body().getString("type");
      if (type.equals("degradation") || type.equals("recovery") || type.equals("enforcement")) {
        EVENTS.add(m.body());
      }
    });
  }

  /**
   * The monitor spaces an agent's memory walks by 100 times the last walk's duration, and the
   * JVM's first walk pays for JOL's start-up: without a warm-up the hog's first figure would stand
   * for many seconds while it grows.
   */
  private static void warmUpMemoryWalks() {
    request(node, Addresses.AGENT_DEPLOY, new JsonObject().put("id", "warm").put("type", "memory-hog")
        .put("group", "heavy_computation_agent").put("config", new JsonObject().put("holdBytes", MB)));
    await().atMost(Duration.ofSeconds(20)).ignoreExceptions().until(() -> memory("warm") > 0);
    request(node, Addresses.AGENT_UNDEPLOY, new JsonObject().put("id", "warm"));
  }

  @AfterAll
  static void stopNode() {
    TestNodes.closeAll(node);
  }

  private static JsonObject memoryLimit(long soft, long hard) {
    // Only a late step: enforcement must not act while degradation does.
    return new JsonObject().put("soft", soft).put("hard", hard)
        .put("ladder", new JsonArray().add(new JsonObject().put("action", "warn").put("afterMs", 600_000)));
  }

  private static void deploy(String id, String type, JsonObject config, JsonObject memoryLimit) {
    request(node, Addresses.AGENT_DEPLOY, new JsonObject().put("id", id).put("type", type)
        .put("group", "heavy_computation_agent").put("config", config)
        .put("quota", new JsonObject().put("limits", new JsonObject().put("memory", memoryLimit))));
  }

  private static boolean seen(String agentId, String type, String event, Predicate<JsonObject> also) {
    return EVENTS.stream().anyMatch(e -> agentId.equals(e.getString("agentId")) && type.equals(e.getString("type"))
        && event.equals(e.getString("event")) && also.test(e));
  }

  private static double memory(String id) {
    return request(node, Addresses.MONITOR_USAGE, new JsonObject().put("agentId", id)).getJsonObject("usage")
        .getDouble("memory");
  }

  private static JsonObject status(String id) {
    return request(node, Addresses.AGENT_GET, new JsonObject().put("id", id)).getJsonObject("status");
  }

  private static List<String> strategies(JsonObject planEvent) {
    return planEvent.getJsonObject("plan").getJsonArray("strategies").stream()
        .map(s -> ((JsonObject) s).getString("strategy")).toList();
  }

  @Test
  @DisplayName("a growing memory-hog past 0.9 of its limit gets cache_aggressively, then deeper strategies, sheds memory, and is recovered stage by stage once the pressure ends")
  void memoryHogDegradedAndRecovered() {
    deploy("hog", "memory-hog", new JsonObject().put("holdBytes", 30 * MB).put("growBytesPerSecond", 4 * MB),
        memoryLimit(40 * MB, 50 * MB));
    await().atMost(Duration.ofSeconds(20)).until(() -> seen("hog", "degradation", "plan", e -> true));
    JsonObject first = EVENTS.stream().filter(e -> "hog".equals(e.getString("agentId")) && "plan".equals(e.getString("event")))
        .findFirst().orElseThrow();
    assertThat(first.getString("level")).isEqualTo("minimal");
    assertThat(strategies(first)).containsExactly("cache_aggressively");
    await().atMost(Duration.ofSeconds(5)).until(() -> seen("hog", "degradation", "acknowledged",
        e -> e.getString("ack").equals("applied")));
    double peak = first.getJsonObject("plan").getDouble("baselineUsage");
    assertThat(peak).isGreaterThan(0.9 * 50 * MB);

    // It does not shed under cache_aggressively alone: the feedback goes one level deeper, to the
    // seed's moderate memory row (cache_aggressively, batch_operations); the hog does not batch, so
    // it goes deeper again until reduce_precision (and, if needed, drop_non_essential) sheds.
    await().atMost(Duration.ofSeconds(15)).until(() -> seen("hog", "degradation", "deepened", e -> true));
    JsonObject deeper = EVENTS.stream().filter(e -> "hog".equals(e.getString("agentId")) && "plan".equals(e.getString("event")))
        .skip(1).findFirst().orElseThrow();
    assertThat(strategies(deeper)).startsWith("cache_aggressively", "batch_operations");
    assertThat(deeper.getJsonObject("plan").getJsonArray("strategies").getJsonObject(1).getJsonObject("params")
        .getDouble("batch_size_increase")).as("the seed's parameters travel with the strategy").isEqualTo(3.0);
    await().atMost(Duration.ofSeconds(30)).until(() -> seen("hog", "degradation", "effective", e -> true));
    // Once cache_aggressively is lifted it would grow again and start a new cycle under these
    // assertions: the limit is raised so the pressure stays gone.
    request(node, Addresses.QUOTA_UPDATE, new JsonObject().put("agentId", "hog").put("group", "heavy_computation_agent")
        .put("limits", new JsonObject().put("memory", memoryLimit(400 * MB, 500 * MB))));
    assertThat(memory("hog")).isLessThan(0.85 * peak);
    JsonObject degraded = request(node, Addresses.DEGRADATION_STATUS, new JsonObject());
    assertThat(degraded.getJsonArray("nodes").getJsonObject(0).getString("node")).isEqualTo("deg");
    assertThat(degraded.getJsonArray("agents").stream().map(a -> (JsonObject) a)
        .anyMatch(a -> a.getString("agentId").equals("hog") && a.getJsonObject("plan") != null)).isTrue();

    await().atMost(Duration.ofSeconds(30)).until(() -> seen("hog", "recovery", "recovery_completed", e -> true));
    assertThat(status("hog").getJsonArray("activeStrategies")).isEmpty();
    assertThat(EVENTS.stream().filter(e -> "hog".equals(e.getString("agentId")))
        .map(e -> e.getString("event")).toList())
        .containsSubsequence("plan", "deepened", "plan", "effective", "plan_created", "stage_completed",
            "stage_completed", "recovery_completed");
    List<JsonObject> stages = EVENTS.stream().filter(e -> "hog".equals(e.getString("agentId"))
        && "stage_completed".equals(e.getString("event"))).toList();
    assertThat(stages).extracting(e -> e.getString("strategy")).endsWith("reduce_precision", "cache_aggressively");
    assertThat(stages.get(stages.size() - 1).getLong("time") - stages.get(stages.size() - 2).getLong("time"))
        .isGreaterThanOrEqualTo(1500 - 600); // one stage per interval (sampling every 500 ms)

    JsonObject recovery = request(node, Addresses.RECOVERY_STATUS, new JsonObject().put("agentId", "hog"));
    assertThat(recovery.getJsonArray("history").stream().map(e -> ((JsonObject) e).getString("event")).toList())
        .contains("plan", "plan_created", "stage_completed", "recovery_completed");
    await().atMost(Duration.ofSeconds(5)).until(() -> request(node, Addresses.DEGRADATION_STATUS, new JsonObject())
        .getJsonArray("agents").stream().noneMatch(a -> ((JsonObject) a).getString("agentId").equals("hog")));
    request(node, Addresses.AGENT_UNDEPLOY, new JsonObject().put("id", "hog"));
  }

  @Test
  @DisplayName("an agent that supports no strategy is walked to the deepest level and handed to enforcement, which throttles it; its status entry, steady from then on, is rewritten only to renew its time-to-live")
  void uncooperativeAgentEndsInEnforcement() throws InterruptedException {
    deploy("stub", Stubborn.TYPE, new JsonObject(), memoryLimit(15 * MB, 20 * MB));
    await().atMost(Duration.ofSeconds(20)).until(() -> seen("stub", "degradation", "handed_over", e -> true));
    await().atMost(Duration.ofSeconds(10)).until(() -> seen("stub", "enforcement", "enforcement",
        e -> true) || EVENTS.stream().anyMatch(e -> "stub".equals(e.getString("agentId"))
        && "enforcement".equals(e.getString("type")) && "throttle".equals(e.getString("action"))));
    JsonObject history = request(node, Addresses.ENFORCEMENT_HISTORY, new JsonObject().put("agentId", "stub"));
    assertThat(history.getJsonArray("items").stream().map(e -> (JsonObject) e)
        .anyMatch(e -> "throttle".equals(e.getString("action")) && "success".equals(e.getString("outcome"))
            && e.getString("reason").contains("degradation"))).isTrue();
    assertThat(EVENTS.stream().filter(e -> "stub".equals(e.getString("agentId")) && "plan".equals(e.getString("event")))
        .map(e -> e.getString("level")).toList()).endsWith("emergency");

    // Steady now (handed over, at the deepest level): 22 samples pass in 11 s (interval 500 ms)
    // and its entry's time-to-live is 10 s. Before, every sample rewrote every entry (a storm of
    // 1,000 pressed agents at 100 ms: 10,000 map writes a second); now only a change or a renewal
    // at half the time-to-live writes it, and it must not expire meanwhile.
    IMap<String, String> statusMap = node.context().hazelcast().getMap("governor.degradation.status");
    AtomicInteger writes = new AtomicInteger();
    UUID listener = statusMap.addEntryListener(new CountWrites("agent:stub/", writes), false);
    try {
      // a measurement window, not a wait for a condition
      Thread.sleep(11_000);
    } finally {
      statusMap.removeEntryListener(listener);
    }
    // renewals every 5 s (half the time-to-live) make 2-3; a late change of its plan or hand-over
    // state may add one or two; 22 before
    assertThat(writes.get()).as("writes of stub's status entry in 11 s").isBetween(1, 5);
    assertThat(statusMap.keySet().stream().filter(k -> k.startsWith("agent:stub/"))).isNotEmpty();
    request(node, Addresses.AGENT_UNDEPLOY, new JsonObject().put("id", "stub"));
  }

  /** Counts the writes (puts and updates) of the entries whose keys start with a prefix. */
  private record CountWrites(String prefix, AtomicInteger writes)
      implements EntryAddedListener<String, String>, EntryUpdatedListener<String, String> {
    @Override
    public void entryAdded(EntryEvent<String, String> event) {
      count(event);
    }

    @Override
    public void entryUpdated(EntryEvent<String, String> event) {
      count(event);
    }

    private void count(EntryEvent<String, String> event) {
      if (event.getKey().startsWith(prefix)) {
        writes.incrementAndGet();
      }
    }
  }

  /** Holds 24 MiB and answers every strategy with unsupported (GovernedAgent's default). */
  static final class Stubborn extends GovernedAgent {
    static final String TYPE = "stubborn";
    static final AgentFactory FACTORY = AgentFactory.of(TYPE, "holds 24 MiB and supports no degradation strategy (tests)", List.of(),
        config -> new Stubborn());

    private final byte[][] state = new byte[24][];

    @Override
    protected Future<?> onStart() {
      for (int i = 0; i < state.length; i++) {
        state[i] = new byte[(int) MB];
      }
      agent().retain(state);
      return Future.succeededFuture();
    }
  }
}
