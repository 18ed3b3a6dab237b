package io.agentgovernor.bus;

import static org.assertj.core.api.Assertions.assertThat;

import io.agentgovernor.node.GovernorNode;
import io.agentgovernor.testing.TestNodes;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** {@link LocalFirst} on two real nodes (clustered event bus over Hazelcast on loopback). */
class LocalFirstIT {

  private static GovernorNode a;
  private static GovernorNode b;

  @BeforeAll
  static void startNodes() throws Exception {
    GovernorNode[] nodes = TestNodes.pair("lf-a", "lf-b");
    a = nodes[0];
    b = nodes[1];
    for (GovernorNode node : List.of(a, b)) {
      node.vertx().eventBus().consumer("test.local-first.both", m -> m.reply(node.nodeId()))
          .completion().await(10, TimeUnit.SECONDS);
    }
    b.vertx().eventBus().consumer("test.local-first.b-only", m -> m.reply(b.nodeId())).completion().await(10, TimeUnit.SECONDS);
  }

  @AfterAll
  static void stopNodes() {
    TestNodes.closeAll(b, a);
  }

  private static List<String> ask(String address, int times) throws Exception {
    List<String> answeredBy = new ArrayList<>();
    for (int i = 0; i < times; i++) {
      answeredBy.add(LocalFirst.<String>request(a.vertx(), address, "ping").map(m -> m.body()).await(10, TimeUnit.SECONDS));
    }
    return answeredBy;
  }

  @Test
  @DisplayName("a part this node runs answers every request (plain requests are spread over both nodes); one it lacks is asked in the cluster")
  void localWhenThereClusterOtherwise() throws Exception {
    assertThat(ask("test.local-first.both", 20)).containsOnly("lf-a").hasSize(20);
    assertThat(ask("test.local-first.b-only", 5)).containsOnly("lf-b");
    // the contrast that makes the first assertion mean something: a plain request reaches both
    List<String> spread = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      spread.add(a.vertx().eventBus().<String>request("test.local-first.both", "ping").map(m -> m.body())
          .await(10, TimeUnit.SECONDS));
    }
    assertThat(spread).contains("lf-a", "lf-b");
  }

  @Test
  @DisplayName("a failure of the local part is the answer: it is not retried elsewhere")
  void localFailureIsNotRetried() throws Exception {
    Throwable refused = LocalFirst.request(a.vertx(), Addresses.QUOTA_GET, new JsonObject().put("agentId", "lf-none"))
        .map(m -> (Throwable) null).otherwise(e -> e).await(10, TimeUnit.SECONDS);
    assertThat(ErrorCode.of(refused)).isEqualTo(ErrorCode.NOT_FOUND);
    Future<?> none = LocalFirst.request(a.vertx(), "test.local-first.nobody", "ping");
    Throwable noHandlers = none.map(m -> (Throwable) null).otherwise(e -> e).await(10, TimeUnit.SECONDS);
    assertThat(ErrorCode.of(noHandlers)).isEqualTo(ErrorCode.UNAVAILABLE);
  }
}
