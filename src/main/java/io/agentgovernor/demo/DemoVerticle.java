package io.agentgovernor.demo;

import io.agentgovernor.bus.Addresses;
import io.agentgovernor.bus.LocalFirst;
import io.agentgovernor.bus.ErrorCode;
import io.agentgovernor.spi.NodeContext;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code --demo}: a mix of sample agents with quotas chosen so that, within two minutes, someone
 * watching the dashboard sees the governor at work — warnings, a throttle holding a burner at its
 * limit, a chatty agent suspended and resumed, a termination, a memory hog degraded and recovered
 * in stages, an agent migrating when a second node runs (suspended instead while it runs alone),
 * and recommendations for a periodic and a bursty agent. Agents are deployed through the same
 * event-bus API an operator uses.
 */
public final class DemoVerticle extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(DemoVerticle.class);

  private final NodeContext node;

  public DemoVerticle(NodeContext node) {
    this.node = node;
  }

  @Override
  public Future<?> start() {
    List<Future<?>> deployed = new ArrayList<>();
    for (JsonObject agent : agents()) {
      deployed.add(LocalFirst.request(vertx, Addresses.AGENT_DEPLOY, agent.put("node", node.nodeId()))
          .recover(e -> e instanceof ReplyException r && r.failureCode() == ErrorCode.ALREADY_EXISTS.failureCode()
              ? Future.succeededFuture() : Future.failedFuture(e))
          .onFailure(e -> LOG.warn("demo agent {} not deployed: {}", agent.getString("id"), e.getMessage())));
    }
    return Future.join(deployed).onComplete(ar -> startTraffic()).transform(ar -> Future.succeededFuture());
  }

  /** A trickle of messages to the counter, so its inbox and network figures move. */
  private void startTraffic() {
    vertx.setPeriodic(200, id -> vertx.eventBus().send(Addresses.agentInbox("demo-counter"),
        new JsonObject().put("hello", System.currentTimeMillis())));
  }

  private static List<JsonObject> agents() {
    return List.of(
        agent("demo-idle-1", "idle", "lightweight_agent", new JsonObject(), null),
        agent("demo-idle-2", "idle", "lightweight_agent", new JsonObject(), null),
        agent("demo-counter", "stateful-counter", "standard_agent", new JsonObject(), null),
        // 60 % of a core against a hard limit of 30, ignoring degradation: warned at once, throttled,
        // held near 27 % by the throttle loop.
        agent("demo-burner", "cpu-burner", "standard_agent", new JsonObject().put("cpuPercent", 60).put("cooperative", false),
            limits("cpu", 20, 30, ladder(step("warn", 0), step("throttle", 10_000)))),
        // 800 KB/s against 200 (still 280 KB/s when degraded): suspended after 10 s, resumed once
        // quiet for the hysteresis, again and again.
        agent("demo-chatty", "chatty", "standard_agent", new JsonObject().put("bytesPerSecond", 800_000),
            limits("network", 150_000, 200_000, ladder(step("warn", 0), step("suspend", 10_000)))),
        // 8 children against a hard limit of 5, no way to shed them: terminated after 40 s, 5 s notice.
        agent("demo-doomed", "spawner", "lightweight_agent", new JsonObject().put("children", 8),
            limits("processes", 3, 5, ladder(step("warn", 0),
                new JsonObject().put("action", "terminate").put("afterMs", 40_000)
                    .put("params", new JsonObject().put("graceMs", 5_000))))),
        // grows 1 MB/s from 20 MB towards its 64 MB limit: degraded from ~58 MB, recovered in stages.
        agent("demo-hog", "memory-hog", "standard_agent", new JsonObject().put("holdBytes", 20_000_000)
                .put("growBytesPerSecond", 1_000_000),
            limits("memory", 48_000_000, 64_000_000, ladder(step("warn", 0), step("suspend", 600_000)))),
        // over its limit: migrates after 20 s to the peer with the most cpu to spare, or is suspended.
        agent("demo-nomad", "cpu-burner", "standard_agent", new JsonObject().put("cpuPercent", 15).put("cooperative", false),
            limits("cpu", 5, 10, ladder(step("warn", 0), step("migrate", 20_000)))),
        agent("demo-periodic", "periodic", "standard_agent",
            new JsonObject().put("periodMs", 60_000).put("amplitude", 30), null),
        agent("demo-bursty", "bursty", "standard_agent", new JsonObject().put("baseCpuPercent", 5)
            .put("burstCpuPercent", 45).put("burstEveryMs", 20_000).put("burstForMs", 3_000), null));
  }

  private static JsonObject agent(String id, String type, String group, JsonObject config, JsonObject limits) {
    JsonObject agent = new JsonObject().put("id", id).put("type", type).put("group", group).put("config", config);
    return limits == null ? agent : agent.put("quota", new JsonObject().put("limits", limits));
  }

  private static JsonObject limits(String resource, double soft, double hard, JsonArray ladder) {
    return new JsonObject().put(resource, new JsonObject().put("soft", soft).put("hard", hard).put("ladder", ladder));
  }

  private static JsonArray ladder(JsonObject... steps) {
    JsonArray ladder = new JsonArray();
    for (JsonObject s : steps) {
      ladder.add(s);
    }
    return ladder;
  }

  private static JsonObject step(String action, long afterMs) {
    return new JsonObject().put("action", action).put("afterMs", afterMs);
  }
}
