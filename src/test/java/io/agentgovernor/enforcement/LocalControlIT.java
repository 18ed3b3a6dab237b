package io.agentgovernor.enforcement;

import static io.agentgovernor.testing.TestNodes.request;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.agentgovernor.bus.Addresses;
import io.agentgovernor.node.GovernorNode;
import io.agentgovernor.testing.TestNodes;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonObject;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Two nodes in one cluster: the commands enforcement sends its own node's agents reach that node's
 * runtime directly. Vert.x hands a plain request to the consumers of every node in turn, so before
 * half of them went to the peer and were routed back from there (two network hops each).
 */
class LocalControlIT {

  private static GovernorNode a;
  private static GovernorNode b;

  @BeforeAll
  static void start() {
    GovernorNode[] nodes = TestNodes.pair("lc-a", "lc-b");
    a = nodes[0];
    b = nodes[1];
  }

  @AfterAll
  static void stop() {
    TestNodes.closeAll(b, a);
  }

  @Test
  @DisplayName("20 actions on an agent of node a: all carried out, and no control command passes through node b")
  void controlStaysOnTheAgentsNode() {
    JsonObject deployed = request(a, Addresses.onNode(Addresses.AGENT_DEPLOY, "lc-a"),
        new JsonObject().put("id", "lc-idle").put("type", "idle").put("group", "standard_agent"));
    assertThat(deployed.getString("node")).isEqualTo("lc-a");
    AtomicInteger controlAtB = new AtomicInteger();
    b.vertx().eventBus().addInboundInterceptor(ctx -> {
      if (ctx.message().address().startsWith(Addresses.RUNTIME_CONTROL)) {
        controlAtB.incrementAndGet();
      }
      ctx.next();
    });
    for (int i = 0; i < 20; i++) {
      String action = i % 2 == 0 ? "suspend" : "resume";
      // to node a's own enforcement, so only the command it sends on is in question
      JsonObject outcome = request(a, Addresses.onNode(Addresses.ENFORCEMENT_ACTION, "lc-a"),
          new JsonObject().put("agentId", "lc-idle").put("action", action).put("reason", "test " + i));
      assertThat(outcome.getString("outcome")).as(outcome.encode()).isEqualTo("success");
    }
    assertThat(controlAtB.get()).isZero();
    // and the count can fail: a command meant for node b's runtime is seen (refused there: no such agent)
    assertThatThrownBy(() -> request(a, Addresses.onNode(Addresses.RUNTIME_CONTROL, "lc-b"),
        new JsonObject().put("agentId", "lc-none").put("command", "resume"))).isInstanceOf(ReplyException.class);
    assertThat(controlAtB.get()).isEqualTo(1);
  }
}
