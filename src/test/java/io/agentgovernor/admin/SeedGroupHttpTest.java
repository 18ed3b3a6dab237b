package io.agentgovernor.admin;

import static io.agentgovernor.admin.Http.assertError;
import static io.agentgovernor.admin.Http.json;
import static io.agentgovernor.testing.TestNodes.ADMIN_TOKEN;
import static org.assertj.core.api.Assertions.assertThat;

import io.agentgovernor.node.GovernorNode;
import io.agentgovernor.testing.TestNodes;
import io.vertx.core.json.JsonObject;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** Groups written the seed's way over the admin API: understood, or refused by name. */
class SeedGroupHttpTest {

  private static GovernorNode node;
  private static Http http;

  @BeforeAll
  static void startNode() {
    node = TestNodes.start(TestNodes.config(TestNodes.randomClusterName(), TestNodes.randomClusterPort(), "seed-http", List.of()));
    http = new Http(node.httpPort());
  }

  @AfterAll
  static void stopNode() {
    TestNodes.closeAll(node);
  }

  @Test
  @DisplayName("PUT /groups/{name} in the seed's form is stored in ours, with the enforcement actions as one-step ladders")
  void seedStyleGroupPut() {
    String seedStyle = """
        {"description": "Standard agents with moderate resource requirements",
         "default_limits": {
           "memory": {"soft_limit": 200000000, "hard_limit": 500000000, "enforcement_action": "throttle"},
           "cpu": {"soft_limit": 15, "hard_limit": 30, "enforcement_action": "throttle"},
           "processes": {"soft_limit": 50, "hard_limit": 100, "enforcement_action": "scale_down"}},
         "total_group_limit": {"memory": 4000000000, "cpu": 600, "processes": 2000}}""";
    JsonObject stored = json(http.call("PUT", "/api/v1/groups/seed_standard", ADMIN_TOKEN, seedStyle), 200);
    assertThat(stored.fieldNames()).doesNotContain("default_limits", "total_group_limit");
    JsonObject memory = stored.getJsonObject("defaultLimits").getJsonObject("memory");
    assertThat(memory.getLong("soft")).isEqualTo(200_000_000L);
    assertThat(memory.getLong("hard")).isEqualTo(500_000_000L);
    assertThat(memory.getJsonArray("ladder")).containsExactly(new JsonObject().put("action", "throttle").put("afterMs", 30_000));
    assertThat(stored.getJsonObject("defaultLimits").getJsonObject("processes").getJsonArray("ladder"))
        .containsExactly(new JsonObject().put("action", "scale_down").put("afterMs", 0));
    assertThat(stored.getJsonObject("totalLimits").getLong("processes")).isEqualTo(2000);
    assertThat(json(http.get("/api/v1/groups/seed_standard", ADMIN_TOKEN), 200)).isEqualTo(stored);

    // a quota in the seed's form, against that group
    JsonObject quota = json(http.call("PUT", "/api/v1/quotas/seed-q1", ADMIN_TOKEN, """
        {"quota_group": "seed_standard", "resource_limits": {"cpu": {"soft_limit": 5, "hard_limit": 10, "enforcement_action": "warn"}}}"""), 200);
    assertThat(quota.getString("group")).isEqualTo("seed_standard");
    assertThat(quota.getJsonObject("limits").getJsonObject("cpu").getJsonArray("ladder"))
        .containsExactly(new JsonObject().put("action", "warn").put("afterMs", 0));
  }

  @Test
  @DisplayName("seed fields we do not implement, unknown fields and both spellings at once are 400s that name the field; nothing is stored")
  void refusals() {
    assertError(http.call("PUT", "/api/v1/groups/seed_bad", ADMIN_TOKEN, "{\"scaling_policy\": {\"max\": 3}}"), 400,
        "invalid_group");
    assertError(http.call("PUT", "/api/v1/groups/seed_bad", ADMIN_TOKEN,
        "{\"default_limits\": {\"cpu\": {\"soft_limit\": 1, \"hard_limit\": 2, \"enforcement_action\": \"explode\"}}}"), 400,
        "invalid_limit");
    assertError(http.call("PUT", "/api/v1/groups/seed_bad", ADMIN_TOKEN,
        "{\"defaultLimits\": {}, \"default_limits\": {}}"), 400, "invalid_group");
    assertError(http.call("PUT", "/api/v1/groups/seed_bad", ADMIN_TOKEN, "{\"totals\": {\"cpu\": 5}}"), 400, "invalid_group");
    assertThat(http.get("/api/v1/groups/seed_bad", ADMIN_TOKEN).statusCode()).isEqualTo(404);
    assertThat(http.call("PUT", "/api/v1/groups/seed_bad", ADMIN_TOKEN, "{\"scaling_policy\": {}}").body())
        .contains("scaling_policy is not supported");
  }
}
