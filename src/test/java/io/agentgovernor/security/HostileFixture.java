package io.agentgovernor.security;

import static org.assertj.core.api.Assertions.assertThat;

import io.agentgovernor.bus.Addresses;
import io.agentgovernor.node.GovernorNode;
import io.agentgovernor.testing.TestNodes;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The node both hostile suites attack: one real in-process node with three live agents (two
 * {@code idle}, one {@code stateful-counter}, in {@code standard_agent}, whose limits are far above
 * what they use) and one quota without an agent, so nothing but the attack could change the state (no enforcement, no
 * degradation). Failed authentications are not rate limited here ({@code authFailuresPerMinute}
 * raised), or after the first 20 bad tokens every request from 127.0.0.1 would be a 429 and the
 * rest of the run would test nothing; the limiter has its own test ({@code AdminAuthTest}).
 */
final class HostileFixture {

  static final List<String> AGENTS = List.of("hx-counter", "hx-idle-1", "hx-idle-2");
  static final String QUOTA_ONLY = "hx-quota-only";
  static final List<String> GROUPS = List.of("heavy_computation_agent", "lightweight_agent", "standard_agent");
  /** An id that is valid but names nothing: mutations aimed at it must fail NOT_FOUND, never create it. */
  static final String GHOST = "hx-ghost";

  private HostileFixture() {
  }

  static GovernorNode start(String nodeId) {
    Path conf;
    try {
      conf = Files.createTempFile("hostile-", ".yaml");
      Files.writeString(conf, "admin:\n  authFailuresPerMinute: 100000000\n");
      conf.toFile().deleteOnExit();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
    GovernorNode node = TestNodes.start(TestNodes.config(TestNodes.randomClusterName(), TestNodes.randomClusterPort(),
        nodeId, List.of(), "--config", conf.toString())
        // input handling is under test, not degradation: its strategies would change agents' states
        .with("degradation.enabled", false));
    for (String id : AGENTS) {
      TestNodes.request(node, Addresses.AGENT_DEPLOY, new JsonObject().put("id", id)
          .put("type", id.contains("counter") ? "stateful-counter" : "idle").put("group", "standard_agent"));
    }
    TestNodes.request(node, Addresses.AGENT_SEND, new JsonObject().put("id", "hx-counter").put("body", new JsonObject().put("n", 1)));
    TestNodes.request(node, Addresses.QUOTA_UPDATE, new JsonObject().put("agentId", QUOTA_ONLY)
        .put("group", "lightweight_agent").put("upsert", true).put("priority", 3));
    return node;
  }

  /** A dump once the fixture has settled: two dumps a second apart must agree, or the check is meaningless. */
  static String settledDump(GovernorNode node) throws InterruptedException {
    String previous = StateDump.take(node);
    for (int i = 0; i < 20; i++) {
      Thread.sleep(500);
      String now = StateDump.take(node);
      if (now.equals(previous)) {
        assertThat(now).contains("hx-counter", "hx-idle-1", QUOTA_ONLY);
        return now;
      }
      previous = now;
    }
    throw new AssertionError("the fixture's state does not settle:\n" + previous);
  }
}
