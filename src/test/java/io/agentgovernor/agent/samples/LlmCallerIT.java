package io.agentgovernor.agent.samples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.agentgovernor.budget.BudgetWindow;
import io.agentgovernor.bus.Addresses;
import io.agentgovernor.node.GovernorNode;
import io.agentgovernor.testing.NodeHttp;
import io.agentgovernor.testing.TestNodes;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * {@code AgentContext.reserve} end to end: an {@code llm-caller} agent deployed over HTTP on a real
 * node reserves, spends and commits per message until its own budget (inside its group's larger
 * one) refuses; the refusal explains itself and every total agrees.
 */
class LlmCallerIT {

  private static final long AMOUNT = 10_000;
  private static final long TOKENS = 700;
  private static GovernorNode node;

  @BeforeAll
  static void startNode() {
    node = TestNodes.start(TestNodes.config(TestNodes.randomClusterName(), TestNodes.randomClusterPort(), "llm-1", List.of()));
  }

  @AfterAll
  static void stopNode() {
    TestNodes.closeAll(node);
  }

  private static JsonObject call(String agent, JsonObject body) {
    return TestNodes.request(node, Addresses.agentInbox(agent), body);
  }

  @Test
  @DisplayName("llm-caller reserves through AgentContext.reserve until its agent budget is spent: the denial names that budget, what is left and when it refills, and the agent's, the replies' and the budget's totals agree")
  void reservesUntilExhausted() {
    NodeHttp http = new NodeHttp(node.httpPort());
    http.ok("POST", "/budgets", new JsonObject().put("id", "caller-day").put("resource", "llm_tokens").put("amount", AMOUNT)
        .put("window", "day").put("scope", "agent").put("target", "caller-1"));
    http.ok("POST", "/budgets", new JsonObject().put("id", "group-day").put("resource", "llm_tokens").put("amount", 50 * AMOUNT)
        .put("window", "day").put("scope", "group").put("target", "standard_agent"));
    http.ok("POST", "/agents", new JsonObject().put("id", "caller-1").put("type", "llm-caller").put("group", "standard_agent")
        .put("config", new JsonObject().put("reserveTokens", TOKENS).put("minSpendPercent", 60).put("maxSpendPercent", 100)));
    await().atMost(Duration.ofSeconds(10)).ignoreExceptions()
        .until(() -> "running".equals(http.get("/agents/caller-1").getString("state")));

    // first a call that spends above its reservation: the excess is charged
    JsonObject over = call("caller-1", new JsonObject().put("spend", TOKENS + 100));
    assertThat(over.getString("status")).isEqualTo("granted");
    assertThat(over.getLong("excess")).isEqualTo(100);
    long spent = TOKENS + 100;
    long granted = 1;
    // an excess beyond the node's room reaches the owner with the node's next report (every 100 ms)
    await().atMost(Duration.ofSeconds(10)).until(() -> http.get("/budgets/caller-day").getLong("committed") == TOKENS + 100);
    JsonObject denied = null;
    for (int i = 0; i < 100 && denied == null; i++) {
      JsonObject reply = call("caller-1", new JsonObject());
      if ("granted".equals(reply.getString("status"))) {
        assertThat(reply.getLong("reserved")).isEqualTo(TOKENS);
        spent += reply.getLong("spent");
        granted++;
      } else {
        assertThat(reply.getString("status")).as(reply.encode()).isEqualTo("denied");
        denied = reply;
      }
    }
    assertThat(denied).as("refused within 100 calls").isNotNull();

    JsonObject denial = denied.getJsonObject("denial");
    long now = System.currentTimeMillis();
    assertThat(denial.getString("budgetId")).isEqualTo("caller-day"); // the strictest: the agent's, not the group's
    assertThat(denial.getString("scope")).isEqualTo("agent");
    assertThat(denial.getLong("amount")).isEqualTo(AMOUNT);
    // sequential calls, each settled before the next and none above its reservation since the
    // overrun was reported: what is left is exactly what was not spent
    assertThat(denial.getLong("remaining")).isEqualTo(AMOUNT - spent).isLessThan(TOKENS);
    assertThat(denial.getLong("refillsAt")).isIn(BudgetWindow.DAY.end(now), BudgetWindow.DAY.end(now + 60_000));
    assertThat(denied.getString("message")).contains("caller-day").contains((AMOUNT - spent) + " of " + AMOUNT + " left")
        .contains("refills at");

    // a smaller call that fits what is left is still granted
    JsonObject small = call("caller-1", new JsonObject().put("tokens", 1));
    assertThat(small.getString("status")).isEqualTo("granted");
    spent += small.getLong("spent");
    granted++;

    JsonObject status = http.get("/agents/caller-1").getJsonObject("status");
    assertThat(status.getLong("granted")).isEqualTo(granted);
    assertThat(status.getLong("denied")).isEqualTo(1);
    assertThat(status.getLong("spent")).isEqualTo(spent);
    assertThat(status.getJsonObject("lastDenial").getString("budgetId")).isEqualTo("caller-day");
    long total = spent;
    await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> {
      for (String id : List.of("caller-day", "group-day")) {
        JsonObject b = http.get("/budgets/" + id);
        assertThat(b.getLong("committed")).as(id).isEqualTo(total);
        assertThat(b.getLong("outstanding")).as(id).isZero();
      }
    });
    HttpResponse<String> refused = http.call("POST", "/reservations", new JsonObject().put("agentId", "caller-1")
        .put("resource", "llm_tokens").put("amount", TOKENS));
    assertThat(refused.statusCode()).isEqualTo(409);
    for (JsonObject bad : List.of(new JsonObject().put("reserveTokens", 0), new JsonObject().put("resource", "memory"),
        new JsonObject().put("tokens", 5))) {
      HttpResponse<String> r = http.call("POST", "/agents", new JsonObject().put("id", "caller-bad").put("type", "llm-caller")
          .put("group", "standard_agent").put("config", bad));
      assertThat(r.statusCode()).as(bad + " -> " + r.body()).isEqualTo(400);
    }
    System.out.printf("llm-caller: %d grants, %d tokens spent of %d, then refused: %s%n",
        granted, spent, AMOUNT, denied.getString("message"));
  }
}
