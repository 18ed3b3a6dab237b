package io.agentgovernor.admin;

import static io.agentgovernor.admin.Http.assertError;
import static io.agentgovernor.admin.Http.json;
import static io.agentgovernor.testing.TestNodes.ADMIN_TOKEN;
import static io.agentgovernor.testing.TestNodes.VIEWER_TOKEN;
import static org.assertj.core.api.Assertions.assertThat;

import io.agentgovernor.node.GovernorNode;
import io.agentgovernor.testing.TestNodes;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The admin HTTP API of a real node (a cluster of one) over real HTTP, for every route this branch serves. */
class AdminHttpTest {

  private static GovernorNode node;
  private static Http http;

  @BeforeAll
  static void startNode() {
    node = TestNodes.start(TestNodes.config(TestNodes.randomClusterName(), TestNodes.randomClusterPort(), "http-api", List.of()));
    http = new Http(node.httpPort());
  }

  @AfterAll
  static void stopNode() {
    TestNodes.closeAll(node);
  }

  @Test
  @DisplayName("/health, /ready, /metrics, the OpenAPI document and its page answer without a token")
  void openEndpoints() {
    assertThat(json(http.get("/health", null), 200).getString("status")).isEqualTo("UP");
    JsonObject ready = json(http.get("/ready", null), 200);
    assertThat(ready.getString("status")).isEqualTo("READY");
    assertThat(ready.getInteger("members")).isEqualTo(1);
    HttpResponse<String> openapi = http.get("/api/v1/openapi.yaml", null);
    assertThat(openapi.statusCode()).isEqualTo(200);
    assertThat(openapi.body()).contains("openapi: 3.1.0").contains("operationId: getQuota").contains("operationId: deployAgent");
    HttpResponse<String> docs = http.get("/api/v1/docs", null);
    assertThat(docs.statusCode()).isEqualTo(200);
    assertThat(docs.body()).contains("swagger-ui-bundle.js");
    assertThat(http.get("/webjars/swagger-ui/5.34.1/swagger-ui-bundle.js", null).statusCode()).isEqualTo(200);
    assertThat(http.get("/api-docs.js", null).body()).contains("/api/v1/openapi.yaml");
  }

  @Test
  @DisplayName("/metrics is Prometheus text with the governor's own figures and Vert.x's")
  void metrics() {
    http.get("/api/v1/groups", ADMIN_TOKEN);
    HttpResponse<String> metrics = http.get("/metrics", null);
    assertThat(metrics.statusCode()).isEqualTo(200);
    assertThat(metrics.body()).contains("governor_cluster_members 1.0").contains("governor_feed_subscribers")
        .contains("governor_feed_dropped_events_total").contains("governor_measurement_samples_total")
        .contains("governor_measurement_samples_per_second").contains("vertx_http_server_requests_total");
    assertThat(metrics.body()).doesNotContain("governor_agent_usage");
  }

  @ParameterizedTest(name = "{0} {1} without a token is 401")
  @CsvSource({"GET,/api/v1/groups", "GET,/api/v1/quotas", "GET,/api/v1/nodes", "GET,/api/v1/audit", "PUT,/api/v1/quotas/a",
      "GET,/api/v1/agents", "GET,/api/v1/feed", "DELETE,/api/v1/quotas/a", "GET,/api/v1/no-such-thing"})
  void unauthorized(String method, String path) {
    HttpResponse<String> response = http.call(method, path, null, null);
    assertError(response, 401, "unauthorized");
    assertThat(response.headers().firstValue("WWW-Authenticate")).isPresent();
    assertError(http.call(method, path, "wrong-token", null), 401, "unauthorized");
  }

  @ParameterizedTest(name = "a viewer's {0} {1} is 403")
  @CsvSource({"PUT,/api/v1/groups/g1", "PUT,/api/v1/quotas/a1", "DELETE,/api/v1/quotas/a1", "POST,/api/v1/agents",
      "DELETE,/api/v1/agents/a1", "POST,/api/v1/agents/a1/actions/suspend", "POST,/api/v1/agents/a1/messages",
      "POST,/api/v1/agents/a1/recommendations/r1/apply"})
  void viewerCannotWrite(String method, String path) {
    assertError(http.call(method, path, VIEWER_TOKEN, "{}"), 403, "forbidden");
  }

  @Test
  @DisplayName("groups: list, get, put by an operator; unknown is 404; a path/body name mismatch is 400")
  void groups() {
    JsonObject list = json(http.get("/api/v1/groups", VIEWER_TOKEN), 200);
    assertThat(list.getJsonArray("items")).hasSizeGreaterThanOrEqualTo(3);
    assertThat(json(http.get("/api/v1/groups/standard_agent", VIEWER_TOKEN), 200).getString("name")).isEqualTo("standard_agent");
    assertError(http.get("/api/v1/groups/nope", VIEWER_TOKEN), 404, "not_found");
    JsonObject put = json(http.call("PUT", "/api/v1/groups/tiny", ADMIN_TOKEN,
        "{\"defaultLimits\": {\"cpu\": {\"soft\": 1, \"hard\": 2}}, \"totalLimits\": {\"cpu\": 8}}"), 200);
    assertThat(put.getString("name")).isEqualTo("tiny");
    assertError(http.call("PUT", "/api/v1/groups/tiny", ADMIN_TOKEN, "{\"name\": \"other\"}"), 400, "invalid_request");
    assertError(http.call("PUT", "/api/v1/groups/tiny", ADMIN_TOKEN,
        "{\"defaultLimits\": {\"cpu\": {\"soft\": 5, \"hard\": 2}}}"), 400, "invalid_limit");
  }

  @Test
  @DisplayName("quotas: put creates, get reads, If-Match guards, list pages, delete removes, then 404")
  void quotas() {
    JsonObject created = json(http.call("PUT", "/api/v1/quotas/h-1", ADMIN_TOKEN,
        "{\"group\": \"standard_agent\", \"limits\": {\"cpu\": {\"soft\": 10, \"hard\": 20}}}"), 200);
    // a first version is the time of the write (versions are a hybrid clock: cluster.Versions)
    assertThat(created.getLong("version")).isEqualTo(created.getLong("createdAt"));
    assertThat(json(http.get("/api/v1/quotas/h-1", VIEWER_TOKEN), 200)).isEqualTo(created);
    assertError(http.call("PUT", "/api/v1/quotas/h-1", ADMIN_TOKEN, "{\"group\": \"standard_agent\", \"version\": 7}"),
        409, "version_conflict");
    JsonObject page = json(http.get("/api/v1/quotas?limit=1&offset=0", VIEWER_TOKEN), 200);
    assertThat(page.getJsonArray("items")).hasSize(1);
    assertThat(json(http.get("/api/v1/quotas?group=standard_agent", VIEWER_TOKEN), 200).getInteger("total")).isGreaterThanOrEqualTo(1);
    assertThat(json(http.call("DELETE", "/api/v1/quotas/h-1", ADMIN_TOKEN, null), 200).getBoolean("deleted")).isTrue();
    assertError(http.get("/api/v1/quotas/h-1", VIEWER_TOKEN), 404, "not_found");
    assertError(http.call("DELETE", "/api/v1/quotas/h-1", ADMIN_TOKEN, null), 404, "not_found");
  }

  @ParameterizedTest(name = "[{index}] {0} {1} -> 400 {3}")
  @CsvSource(delimiter = '|', value = {
      "GET|/api/v1/quotas/bad%20id||invalid_id",
      "GET|/api/v1/groups/bad$name||invalid_id",
      "GET|/api/v1/quotas?limit=abc||invalid_request",
      "GET|/api/v1/quotas?limit=0||invalid_request",
      "GET|/api/v1/quotas?offset=-1||invalid_request",
      "GET|/api/v1/quotas?group=no%20spaces||invalid_request",
      "PUT|/api/v1/quotas/q-1|not json|invalid_request",
      "PUT|/api/v1/quotas/q-1|[1,2]|invalid_request",
      "PUT|/api/v1/quotas/q-1|{}|invalid_request",
      "PUT|/api/v1/quotas/q-1|{\"group\": 5}|invalid_request",
      "PUT|/api/v1/quotas/q-1|{\"group\": \"standard_agent\", \"agentId\": \"q-2\"}|invalid_request",
      "PUT|/api/v1/quotas/q-1|{\"group\": \"no_such_group\"}|unknown_group",
      "PUT|/api/v1/quotas/q-1|{\"group\": \"standard_agent\", \"limits\": {\"warp\": {\"soft\": 1, \"hard\": 2}}}|unknown_resource",
      "PUT|/api/v1/quotas/q-1|{\"group\": \"standard_agent\", \"limits\": {\"cpu\": {\"soft\": -1, \"hard\": 2}}}|invalid_limit",
      "PUT|/api/v1/quotas/q-1|{\"group\": \"standard_agent\", \"limits\": {\"cpu\": {\"soft\": \"high\"}}}|invalid_request",
      "PUT|/api/v1/groups/g-1|{\"defaultLimits\": 3}|invalid_request",
      "GET|/api/v1/audit?limit=x||invalid_request",
  })
  void invalidRequests(String method, String path, String body, String code) {
    assertError(http.call(method, path, ADMIN_TOKEN, body), 400, code);
  }

  @Test
  @DisplayName("a body that is not JSON by its content type is 415; a body over 1 MiB is 413")
  void bodyLimits() {
    assertError(http.call("PUT", "/api/v1/quotas/t-1", ADMIN_TOKEN, "group=standard_agent", "text/plain"), 415,
        "unsupported_media_type");
    assertThat(http.call("PUT", "/api/v1/quotas/t-1", ADMIN_TOKEN, "{\"group\": \"standard_agent\"}", null).statusCode())
        .as("a body without a content type is taken as JSON").isEqualTo(200);
    String big = "{\"group\": \"standard_agent\", \"pad\": \"" + "x".repeat(1_100_000) + "\"}";
    assertError(http.call("PUT", "/api/v1/quotas/t-1", ADMIN_TOKEN, big), 413, "payload_too_large");
  }

  @Test
  @DisplayName("unknown API paths are 404 JSON; a route whose part is not running is 503 unavailable")
  void unknownAndUnavailable() {
    assertError(http.get("/api/v1/no-such-thing", VIEWER_TOKEN), 404, "not_found");
    // the node's first pressure reading comes with its first sample
    org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10)).until(() ->
        !json(http.get("/api/v1/degradation", VIEWER_TOKEN), 200).getJsonArray("nodes").isEmpty());
    // a part that is not running answers 503: undeploy the one behind /recovery and ask again
    node.stopPart("DegradationVerticle").await();
    // the cluster learns of the removed consumer asynchronously; until then a request may time out
    org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(45)).until(() ->
        http.get("/api/v1/recovery", VIEWER_TOKEN).statusCode() == 503);
    assertError(http.get("/api/v1/recovery", VIEWER_TOKEN), 503, "unavailable");
    assertThat(json(http.get("/api/v1/nodes", VIEWER_TOKEN), 200).getJsonArray("items")).hasSize(1);
  }

  @Test
  @DisplayName("a write whose client goes away before the answer is audited with status 0, not as answered")
  void abandonedWriteIsAuditedAsUnanswered() throws Exception {
    json(http.call("POST", "/api/v1/budgets", ADMIN_TOKEN, new JsonObject().put("id", "aud-usd").put("resource", "usd_micros")
        .put("amount", 10).put("window", "minute").put("scope", "agent").put("target", "aud-agent").encode()), 201);
    JsonObject reserve = new JsonObject().put("agentId", "aud-agent").put("resource", "usd_micros").put("amount", 10);
    json(http.call("POST", "/api/v1/reservations", ADMIN_TOKEN, reserve.encode()), 201);
    // the budget is spoken for: this one waits for the minute's window to refill (at least 15 s
    // away, so it cannot be answered within the second the client waits); the client hangs up first
    org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(20)).until(() -> System.currentTimeMillis() % 60_000 < 45_000);
    byte[] body = reserve.copy().put("wait", true).put("waitMs", 90_000).encode().getBytes(java.nio.charset.StandardCharsets.UTF_8);
    try (java.net.Socket socket = new java.net.Socket("127.0.0.1", node.httpPort())) {
      String head = "POST /api/v1/reservations HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + ADMIN_TOKEN
          + "\r\nContent-Type: application/json\r\nContent-Length: " + body.length + "\r\n\r\n";
      socket.getOutputStream().write(head.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
      socket.getOutputStream().write(body);
      socket.getOutputStream().flush();
      socket.setSoTimeout(1_000);
      org.assertj.core.api.Assertions.assertThatThrownBy(() -> socket.getInputStream().read())
          .as("no answer while it waits for room").isInstanceOf(java.net.SocketTimeoutException.class);
    } // hung up
    org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10)).untilAsserted(() -> {
      List<JsonObject> items = json(http.get("/api/v1/audit?limit=50", ADMIN_TOKEN), 200).getJsonArray("items").stream()
          .map(JsonObject.class::cast).filter(e -> "/api/v1/reservations".equals(e.getString("path"))).toList();
      assertThat(items).extracting(e -> e.getInteger("status")).contains(201, 0);
    });
  }

  @Test
  @DisplayName("every write is audited (who, what, status; never the token); only an operator reads the audit")
  void audit() {
    http.call("PUT", "/api/v1/quotas/aud-1", ADMIN_TOKEN, "{\"group\": \"standard_agent\"}");
    http.call("DELETE", "/api/v1/quotas/aud-1", VIEWER_TOKEN, null);
    http.call("DELETE", "/api/v1/quotas/aud-none", ADMIN_TOKEN, null);
    JsonObject page = json(http.get("/api/v1/audit?limit=50", ADMIN_TOKEN), 200);
    List<JsonObject> items = page.getJsonArray("items").stream().map(JsonObject.class::cast).toList();
    assertThat(items).anySatisfy(e -> {
      assertThat(e.getString("who")).isEqualTo("token:operator");
      assertThat(e.getString("method")).isEqualTo("PUT");
      assertThat(e.getString("path")).isEqualTo("/api/v1/quotas/aud-1");
      assertThat(e.getInteger("status")).isEqualTo(200);
      assertThat(e.getLong("time")).isPositive();
    });
    assertThat(items).anySatisfy(e -> assertThat(e).isEqualTo(e.copy().put("who", "token:viewer").put("status", 403)));
    assertThat(items).anySatisfy(e -> assertThat(e.getString("path")).endsWith("aud-none")).anySatisfy(e -> assertThat(e.getInteger("status")).isEqualTo(404));
    assertThat(page.encode()).doesNotContain(ADMIN_TOKEN).doesNotContain(VIEWER_TOKEN);
    assertError(http.get("/api/v1/audit", VIEWER_TOKEN), 403, "forbidden");
  }

  @Test
  @DisplayName("the dashboard and uPlot are served from the jar")
  void dashboard() {
    HttpResponse<String> index = http.get("/", null);
    assertThat(index.statusCode()).isEqualTo(200);
    assertThat(index.body()).contains("Agent Governor");
    assertThat(http.get("/webjars/uplot/1.6.30/dist/uPlot.esm.js", null).statusCode()).isEqualTo(200);
  }
}
