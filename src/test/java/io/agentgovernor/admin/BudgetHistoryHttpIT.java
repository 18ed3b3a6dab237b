package io.agentgovernor.admin;

import static io.agentgovernor.testing.TestNodes.ADMIN_TOKEN;
import static io.agentgovernor.testing.TestNodes.VIEWER_TOKEN;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.agentgovernor.node.GovernorNode;
import io.agentgovernor.testing.TestNodes;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** GET /api/v1/budgets/{id}/history: the owner's figures as the node received them, bounded, for a dashboard reload. */
class BudgetHistoryHttpIT {

  private static final int POINTS = 8;
  private static GovernorNode node;
  private static Http http;

  @BeforeAll
  static void startNode() {
    node = TestNodes.start(TestNodes.config(TestNodes.randomClusterName(), TestNodes.randomClusterPort(), "hist", List.of())
        .with("budgets.historyIntervalMs", 100).with("budgets.historyPoints", POINTS));
    http = new Http(node.httpPort());
  }

  @AfterAll
  static void stopNode() {
    TestNodes.closeAll(node);
  }

  @Test
  @DisplayName("the history holds the figures before and after a spend, oldest first, at most historyPoints; unknown budgets 404")
  void history() {
    json(http.call("POST", "/api/v1/budgets", ADMIN_TOKEN, new JsonObject().put("id", "hist-tokens")
        .put("resource", "llm_tokens").put("amount", 1000).put("window", "month").put("scope", "cluster").encode()), 201);
    await().atMost(Duration.ofSeconds(10)).until(() -> points().size() >= 2);
    JsonArray before = points().getJsonArray(0); // [time, committed, outstanding, remaining]
    assertThat(List.of(before.getLong(1), before.getLong(2), before.getLong(3))).containsExactly(0L, 0L, 1000L);

    JsonObject r = json(http.call("POST", "/api/v1/reservations", ADMIN_TOKEN, new JsonObject().put("agentId", "h-1")
        .put("resource", "llm_tokens").put("amount", 300).encode()), 201);
    json(http.call("POST", "/api/v1/reservations/" + r.getString("id") + "/commit", ADMIN_TOKEN,
        new JsonObject().put("actual", 250).encode()), 200);
    // once the node's report reached the owner and its idle slice went back: committed 250, nothing outstanding
    await().atMost(Duration.ofSeconds(15)).until(() -> {
      JsonArray now = points(); // one read: a point may be added between two
      JsonArray last = now.getJsonArray(now.size() - 1);
      return last.getLong(1) == 250 && last.getLong(2) == 0 && last.getLong(3) == 750;
    });
    JsonArray all = points();
    assertThat(all.size()).isEqualTo(POINTS);
    for (int i = 1; i < all.size(); i++) {
      assertThat(all.getJsonArray(i).getLong(0)).isGreaterThan(all.getJsonArray(i - 1).getLong(0));
    }
    JsonObject history = json(http.get("/api/v1/budgets/hist-tokens/history", VIEWER_TOKEN), 200);
    assertThat(history.getLong("intervalMs")).isEqualTo(100);
    Http.assertError(http.get("/api/v1/budgets/no-such-budget/history", VIEWER_TOKEN), 404, "not_found");
  }

  private static JsonArray points() {
    return json(http.get("/api/v1/budgets/hist-tokens/history", VIEWER_TOKEN), 200).getJsonArray("points");
  }

  private static JsonObject json(HttpResponse<String> response, int status) {
    assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
    return new JsonObject(response.body());
  }
}
