package io.agentgovernor.agent.impl;

import static io.agentgovernor.testing.TestNodes.request;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.agentgovernor.agent.Placement;
import io.agentgovernor.bus.Addresses;
import io.agentgovernor.node.GovernorNode;
import io.agentgovernor.testing.TestNodes;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Two nodes: each keeps of every agent only its placement, kept current as the agent moves and
 * changes state; listings through either node still answer whole registrations (read from the map).
 */
class RegistryPlacementIT {

  private static GovernorNode a;
  private static GovernorNode b;

  @BeforeAll
  static void start() {
    GovernorNode[] nodes = TestNodes.pair("rp-a", "rp-b");
    a = nodes[0];
    b = nodes[1];
  }

  @AfterAll
  static void stop() {
    TestNodes.closeAll(b, a);
  }

  @Test
  @DisplayName("both nodes hold the placement of an agent of node a (no config), lists through either are whole; a move and a suspension reach both placements")
  void wholeRegistrationOnTheHostingNodeOnly() {
    JsonObject config = new JsonObject().put("holdBytes", 4096).put("growBytesPerSecond", 0);
    request(a, Addresses.onNode(Addresses.AGENT_DEPLOY, "rp-a"), new JsonObject().put("id", "rp-counter")
        .put("type", "memory-hog").put("group", "standard_agent").put("config", config));
    await().atMost(Duration.ofSeconds(10)).until(() -> b.context().registry().placement("rp-counter") != null
        && "running".equals(b.context().registry().placement("rp-counter").state()));

    Placement atB = b.context().registry().placement("rp-counter");
    assertThat(atB.node()).isEqualTo("rp-a");
    assertThat(atB.group()).isEqualTo("standard_agent");
    assertThat(atB.type()).isEqualTo("memory-hog");
    for (GovernorNode n : List.of(a, b)) {
      JsonObject summary = n.context().registry().entry("rp-counter");
      assertThat(summary.getString("node")).isEqualTo("rp-a");
      assertThat(summary.getString("state")).isEqualTo("running");
      assertThat(summary.containsKey("config")).isFalse();
    }

    // a list through b reads the whole registration of a's agent from the map
    assertThat(listedConfig(b)).isEqualTo(config);
    assertThat(listedConfig(a)).isEqualTo(config);

    JsonObject moved = request(b, Addresses.ENFORCEMENT_ACTION, new JsonObject().put("agentId", "rp-counter")
        .put("action", "migrate").put("params", new JsonObject().put("target", "rp-b")));
    assertThat(moved.getString("outcome")).as(moved.encode()).isEqualTo("success");
    await().atMost(Duration.ofSeconds(10)).until(() -> "rp-b".equals(a.context().registry().nodeOf("rp-counter"))
        && "rp-b".equals(b.context().registry().nodeOf("rp-counter")));
    assertThat(listedConfig(a)).isEqualTo(config);
    assertThat(listedConfig(b)).isEqualTo(config);

    // a state change on b reaches a's placement, and a's list of suspended agents names it
    JsonObject suspended = request(b, Addresses.ENFORCEMENT_ACTION, new JsonObject().put("agentId", "rp-counter")
        .put("action", "suspend").put("reason", "test"));
    assertThat(suspended.getString("outcome")).as(suspended.encode()).isEqualTo("success");
    await().atMost(Duration.ofSeconds(10)).until(() -> "suspended".equals(a.context().registry().placement("rp-counter").state()));
    JsonArray items = onThisNode(a, Addresses.ENFORCEMENT_LIST, new JsonObject().put("state", "suspended"))
        .getJsonArray("items");
    assertThat(items).anySatisfy(i -> {
      assertThat(((JsonObject) i).getString("agentId")).isEqualTo("rp-counter");
      assertThat(((JsonObject) i).getString("node")).isEqualTo("rp-b");
    });
  }

  private static JsonObject listedConfig(GovernorNode through) {
    JsonArray items = onThisNode(through, Addresses.AGENT_LIST, new JsonObject().put("type", "memory-hog"))
        .getJsonArray("items");
    assertThat(items).hasSize(1);
    return items.getJsonObject(0).getJsonObject("config");
  }

  /** A request answered by this node's own consumer (a plain one goes to any node's in turn). */
  private static JsonObject onThisNode(GovernorNode node, String address, JsonObject body) {
    try {
      return node.vertx().eventBus().<JsonObject>request(address, body,
          new DeliveryOptions().setLocalOnly(true).setSendTimeout(10_000)).await(15, TimeUnit.SECONDS).body();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
