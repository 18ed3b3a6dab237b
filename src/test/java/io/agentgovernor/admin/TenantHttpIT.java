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

/**
 * Tenants over HTTP on two real nodes: written on one, read on the other; a tenant budget binds
 * the agents of a group added at run time as soon as the tenant names it.
 */
class TenantHttpIT {

  private static final String T = "/api/v1/tenants/";
  private static GovernorNode a;
  private static GovernorNode b;
  private static Http httpA;
  private static Http httpB;

  @BeforeAll
  static void startNodes() throws InterruptedException {
    String cluster = TestNodes.randomClusterName();
    int port = TestNodes.randomClusterPort();
    List<String> members = List.of("127.0.0.1:" + port, "127.0.0.1:" + (port + 1));
    Thread second = new Thread(() -> b = TestNodes.start(TestNodes.config(cluster, port + 1, "ten-b", members)));
    second.start();
    a = TestNodes.start(TestNodes.config(cluster, port, "ten-a", members)
        .with("budgets.tenants", new JsonObject().put("configured", new JsonArray().add("standard_agent"))));
    second.join(90_000);
    assertThat(b).isNotNull();
    httpA = new Http(a.httpPort());
    httpB = new Http(b.httpPort());
  }

  @AfterAll
  static void stopNodes() {
    TestNodes.closeAll(a, b);
  }

  @Test
  @DisplayName("tenants: PUT (operator only) on one node, GET and list on the other, bad bodies refused with nothing changed, DELETE")
  void crud() {
    JsonObject stored = json(httpA.call("PUT", T + "acme", ADMIN_TOKEN, "{\"groups\": [\"g2\", \"g1\"]}"), 200);
    assertThat(stored).isEqualTo(new JsonObject().put("name", "acme").put("groups", new JsonArray().add("g1").add("g2")));
    assertThat(json(httpB.get(T + "acme", VIEWER_TOKEN), 200)).isEqualTo(stored);
    assertThat(json(httpB.get("/api/v1/tenants", VIEWER_TOKEN), 200).getJsonArray("items").getList())
        .contains(stored.getMap());

    Http.assertError(httpA.call("PUT", T + "acme", VIEWER_TOKEN, "{\"groups\": []}"), 403, "forbidden");
    assertThat(httpA.call("PUT", T + "acme", null, "{\"groups\": []}").statusCode()).isEqualTo(401);
    Http.assertError(httpA.call("PUT", T + "acme", ADMIN_TOKEN, "{\"groups\": \"g1\"}"), 400, "invalid_request");
    Http.assertError(httpA.call("PUT", T + "acme", ADMIN_TOKEN, "{\"groups\": [\"no spaces\"]}"), 400, "invalid_id");
    Http.assertError(httpA.call("PUT", T + "acme", ADMIN_TOKEN, "{\"groups\": [], \"budget\": 5}"), 400, "invalid_request");
    Http.assertError(httpA.call("PUT", T + "acme", ADMIN_TOKEN, "{\"name\": \"other\", \"groups\": []}"), 400, "invalid_request");
    Http.assertError(httpA.call("PUT", T + "acme", ADMIN_TOKEN, "{}"), 400, "invalid_request");
    Http.assertError(httpA.call("PUT", T + "acme", ADMIN_TOKEN, "[1]"), 400, "invalid_request");
    assertThat(json(httpB.get(T + "acme", VIEWER_TOKEN), 200)).isEqualTo(stored);

    Http.assertError(httpB.call("DELETE", T + "acme", VIEWER_TOKEN, null), 403, "forbidden");
    assertThat(json(httpB.call("DELETE", T + "acme", ADMIN_TOKEN, null), 200).getBoolean("deleted")).isTrue();
    Http.assertError(httpA.get(T + "acme", VIEWER_TOKEN), 404, "not_found");
    Http.assertError(httpA.call("DELETE", T + "acme", ADMIN_TOKEN, null), 404, "not_found");

    // a tenant of the configuration is seeded (its budgets bind from the start), may be changed, and
    // is not deleted over the API (it would come back)
    assertThat(json(httpB.get(T + "configured", VIEWER_TOKEN), 200).getJsonArray("groups").getList()).containsExactly("standard_agent");
    json(httpA.call("POST", "/api/v1/budgets", ADMIN_TOKEN, new JsonObject().put("id", "configured-usd")
        .put("resource", "usd_micros").put("amount", 10).put("window", "month").put("scope", "tenant")
        .put("target", "configured").encode()), 201);
    JsonObject denial = Http.assertError(httpA.call("POST", "/api/v1/reservations", ADMIN_TOKEN, new JsonObject()
        .put("agentId", "cfg-1").put("group", "standard_agent").put("resource", "usd_micros").put("amount", 20).encode()),
        409, "budget_exhausted").getJsonObject("denial");
    assertThat(denial.getString("budgetId")).isEqualTo("configured-usd");
    json(httpA.call("DELETE", "/api/v1/budgets/configured-usd", ADMIN_TOKEN, null), 200);
    Http.assertError(httpA.call("DELETE", T + "configured", ADMIN_TOKEN, null), 409, "invalid_state");
    assertThat(json(httpA.call("PUT", T + "configured", ADMIN_TOKEN, "{\"groups\": []}"), 200).getJsonArray("groups")).isEmpty();
  }

  @Test
  @DisplayName("a tenant budget binds an agent of a group added at run time as soon as a PUT puts the group in the tenant, on every node")
  void tenantBudgetAppliesAtOnce() {
    json(httpA.call("PUT", "/api/v1/groups/acme_team", ADMIN_TOKEN, "{\"description\": \"added at run time\"}"), 200);
    json(httpA.call("PUT", T + "acme2", ADMIN_TOKEN, "{\"groups\": []}"), 200);
    json(httpA.call("POST", "/api/v1/budgets", ADMIN_TOKEN, new JsonObject().put("id", "acme-tokens")
        .put("resource", "llm_tokens").put("amount", 1000).put("window", "month").put("scope", "tenant")
        .put("target", "acme2").encode()), 201);
    json(httpA.call("POST", "/api/v1/agents", ADMIN_TOKEN, new JsonObject().put("id", "acme-1")
        .put("type", "stateful-counter").put("group", "acme_team").encode()), 201);

    // the tenant does not hold the group yet: its budget does not apply
    JsonObject free = json(reserve(httpA, 1500), 201);
    assertThat(free.getJsonArray("budgets")).isEmpty();
    json(httpA.call("POST", "/api/v1/reservations/" + free.getString("id") + "/release", ADMIN_TOKEN, "{}"), 200);

    json(httpA.call("PUT", T + "acme2", ADMIN_TOKEN, "{\"groups\": [\"acme_team\"]}"), 200);
    // on the node that served the PUT, at once
    JsonObject denial = Http.assertError(reserve(httpA, 1500), 409, "budget_exhausted").getJsonObject("denial");
    assertThat(denial.getString("budgetId")).isEqualTo("acme-tokens");
    assertThat(denial.getString("scope")).isEqualTo("tenant");
    assertThat(denial.getString("target")).isEqualTo("acme2");
    assertThat(denial.getLong("remaining")).isEqualTo(1000);
    // on the other node, from the tenant map's event
    await().atMost(Duration.ofSeconds(20)).until(() -> reserve(httpB, 1500).statusCode() == 409);
    JsonObject granted = json(reserve(httpB, 800), 201);
    assertThat(granted.getJsonArray("budgets").getList()).containsExactly("acme-tokens");
    assertThat(Http.assertError(reserve(httpA, 300), 409, "budget_exhausted").getJsonObject("denial")
        .getLong("outstanding")).isGreaterThanOrEqualTo(800);
  }

  private static HttpResponse<String> reserve(Http http, long amount) {
    return http.call("POST", "/api/v1/reservations", ADMIN_TOKEN, new JsonObject().put("agentId", "acme-1")
        .put("resource", "llm_tokens").put("amount", amount).encode());
  }

  private static JsonObject json(HttpResponse<String> response, int status) {
    assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
    return new JsonObject(response.body());
  }
}
