package io.agentgovernor.reliability;

import static io.agentgovernor.testing.TestNodes.blocking;
import static io.agentgovernor.testing.TestNodes.request;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.agentgovernor.agent.Registry;
import io.agentgovernor.bus.Addresses;
import io.agentgovernor.node.GovernorNode;
import io.agentgovernor.testing.TestNodes;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The periodic fence, the safety net beside the fence a node runs before it regains a lost lease:
 * a copy whose registration another node took over (the lease never lapsed, so nothing else stops
 * it) is stopped by the next periodic pass, which learns of it from the node's copy of the
 * placements and confirms it by reading the registration; copies the registry still places here
 * keep running. Two real nodes in one JVM, the fence every second.
 */
class PeriodicFenceIT {

  private static GovernorNode a;
  private static GovernorNode b;

  @BeforeAll
  static void startNodes() {
    GovernorNode[] pair = TestNodes.pair("pf-a", "pf-b", config -> config.with("failover.fenceIntervalMs", 1000));
    a = pair[0];
    b = pair[1];
  }

  @AfterAll
  static void stopNodes() {
    TestNodes.closeAll(b, a);
  }

  @Test
  @DisplayName("a local copy whose registration now names another node is stopped by the periodic fence; the others run on")
  void copyTakenOverElsewhereIsStopped() {
    for (String id : List.of("pf-taken", "pf-kept")) {
      request(a, Addresses.AGENT_DEPLOY, new JsonObject().put("id", id).put("type", "idle").put("group", "standard_agent")
          .put("node", "pf-a"));
    }
    await().atMost(Duration.ofSeconds(30)).until(() ->
        a.context().localAgents().get("pf-taken") != null && a.context().localAgents().get("pf-kept") != null);

    // node b takes the agent over, as failover or a migration would, while a's copy still runs
    // and a's lease holds: only the periodic fence can stop that copy
    Registry onB = b.context().registry();
    String stored = blocking(b, () -> onB.stored("pf-taken"));
    JsonObject takeover = new JsonObject(stored).put("node", "pf-b").put("state", "running");
    assertThat(blocking(b, () -> onB.takeOver(stored, takeover))).isTrue();

    await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(100))
        .until(() -> a.context().localAgents().get("pf-taken") == null);
    JsonObject now = new JsonObject(blocking(a, () -> a.context().registry().stored("pf-taken")));
    assertThat(now.getString("node")).as("the fence stops the copy, it leaves the takeover's registration alone")
        .isEqualTo("pf-b");
    assertThat(now.getLong("epoch")).isEqualTo(takeover.getLong("epoch"));

    // the pass that stopped it looked at every local copy: the one the registry still places on a runs on
    assertThat(a.context().localAgents().get("pf-kept")).isNotNull();
    assertThat(new JsonObject(blocking(a, () -> a.context().registry().stored("pf-kept"))).getString("node"))
        .isEqualTo("pf-a");
  }
}
