package io.agentgovernor.node;

import static org.assertj.core.api.Assertions.assertThat;

import io.agentgovernor.testing.NodeProcess;
import io.agentgovernor.testing.TestNodes;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The jar started as a user starts it, driven over real HTTP. */
class NodeProcessIT {

  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private static NodeProcess node;
  private static String base;

  @BeforeAll
  static void startJar() throws Exception {
    node = NodeProcess.start(
        List.of("--http-port", "0", "--node-id", "proc-1", "--cluster-name", TestNodes.randomClusterName(),
            "--cluster-port", String.valueOf(TestNodes.randomClusterPort())),
        Map.of("GOVERNOR_ADMIN_TOKEN", TestNodes.ADMIN_TOKEN, "GOVERNOR_VIEWER_TOKEN", TestNodes.VIEWER_TOKEN));
    base = "http://127.0.0.1:" + node.awaitReady(Duration.ofSeconds(60));
  }

  @AfterAll
  static void stopJar() throws Exception {
    if (node != null) {
      node.close();
    }
  }

  private static HttpResponse<String> call(String method, String path, String token, String body) throws Exception {
    HttpRequest.Builder req = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(10))
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
    if (token != null) {
      req.header("Authorization", "Bearer " + token);
    }
    return HTTP.send(req.build(), HttpResponse.BodyHandlers.ofString());
  }

  private static void assertJsonError(HttpResponse<String> response, int status, String code) {
    assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
    assertThat(response.headers().firstValue("content-type")).hasValue("application/json");
    JsonObject error = new JsonObject(response.body());
    assertThat(error.getString("error")).isEqualTo(code);
    assertThat(error.getString("message")).isNotBlank().doesNotContain("Exception").doesNotContain("\tat ");
  }

  @Test
  @DisplayName("the ready line appears and /health and /ready answer without a token")
  void readyAndHealthy() throws Exception {
    assertThat(node.stdout()).anyMatch(l -> l.matches("governor node proc-1 ready http=\\d+"));
    assertThat(call("GET", "/health", null, null).statusCode()).isEqualTo(200);
    HttpResponse<String> ready = call("GET", "/ready", null, null);
    assertThat(ready.statusCode()).isEqualTo(200);
    assertThat(new JsonObject(ready.body()).getString("status")).isEqualTo("READY");
  }

  @Test
  @DisplayName("the API wants a bearer token: 401 without or with a wrong one, 403 for a viewer's write")
  void authentication() throws Exception {
    assertJsonError(call("GET", "/api/v1/groups", null, null), 401, "unauthorized");
    assertJsonError(call("GET", "/api/v1/groups", "wrong", null), 401, "unauthorized");
    assertThat(call("GET", "/api/v1/groups", TestNodes.VIEWER_TOKEN, null).statusCode()).isEqualTo(200);
    assertJsonError(call("PUT", "/api/v1/quotas/v1", TestNodes.VIEWER_TOKEN, "{\"group\": \"standard_agent\"}"), 403, "forbidden");
    assertJsonError(call("GET", "/api/v1/quotas/v1", TestNodes.ADMIN_TOKEN, null), 404, "not_found");
  }

  @Test
  @DisplayName("groups are listed; a quota is put, read, updated with If-Match, and deleted over HTTP")
  void quotaOverHttp() throws Exception {
    JsonObject groups = new JsonObject(call("GET", "/api/v1/groups", TestNodes.ADMIN_TOKEN, null).body());
    assertThat(groups.getJsonArray("items").stream().map(g -> ((JsonObject) g).getString("name")))
        .contains("lightweight_agent", "standard_agent", "heavy_computation_agent");

    HttpResponse<String> put = call("PUT", "/api/v1/quotas/http-1", TestNodes.ADMIN_TOKEN,
        "{\"group\": \"standard_agent\", \"limits\": {\"cpu\": {\"soft\": 10, \"hard\": 20, \"burst\": 30, \"burstWindowMs\": 1000}}}");
    assertThat(put.statusCode()).as(put.body()).isEqualTo(200);
    JsonObject quota = new JsonObject(put.body());
    assertThat(quota.getJsonObject("limits").getJsonObject("cpu").getInteger("burst")).isEqualTo(30);

    HttpResponse<String> get = call("GET", "/api/v1/quotas/http-1", TestNodes.VIEWER_TOKEN, null);
    assertThat(new JsonObject(get.body())).isEqualTo(quota);

    HttpRequest conditional = HttpRequest.newBuilder(URI.create(base + "/api/v1/quotas/http-1"))
        .header("Authorization", "Bearer " + TestNodes.ADMIN_TOKEN).header("If-Match", "\"99\"")
        .PUT(HttpRequest.BodyPublishers.ofString("{\"group\": \"standard_agent\"}")).build();
    assertJsonError(HTTP.send(conditional, HttpResponse.BodyHandlers.ofString()), 409, "version_conflict");

    assertThat(call("DELETE", "/api/v1/quotas/http-1", TestNodes.ADMIN_TOKEN, null).statusCode()).isEqualTo(200);
    assertJsonError(call("GET", "/api/v1/quotas/http-1", TestNodes.ADMIN_TOKEN, null), 404, "not_found");
  }

  @Test
  @DisplayName("bad input gets a JSON 4xx and changes nothing")
  void badInput() throws Exception {
    String t = TestNodes.ADMIN_TOKEN;
    assertJsonError(call("PUT", "/api/v1/quotas/bad-1", t, "{not json"), 400, "invalid_request");
    assertJsonError(call("PUT", "/api/v1/quotas/bad-1", t, "[1, 2]"), 400, "invalid_request");
    assertJsonError(call("PUT", "/api/v1/quotas/bad-1", t, ""), 400, "invalid_request");
    assertJsonError(call("PUT", "/api/v1/quotas/bad-1", t, "{\"group\": \"nope\"}"), 400, "unknown_group");
    assertJsonError(call("PUT", "/api/v1/quotas/bad-1", t, "{\"group\": 42}"), 400, "invalid_request");
    assertJsonError(call("PUT", "/api/v1/quotas/bad-1", t,
        "{\"group\": \"standard_agent\", \"limits\": {\"cpu\": {\"soft\": 50, \"hard\": 5}}}"), 400, "invalid_limit");
    assertJsonError(call("PUT", "/api/v1/quotas/bad-1", t,
        "{\"group\": \"standard_agent\", \"limits\": {\"cpu\": {\"soft\": -5, \"hard\": 5}}}"), 400, "invalid_limit");
    assertJsonError(call("PUT", "/api/v1/quotas/bad-1", t,
        "{\"group\": \"standard_agent\", \"limits\": {\"gpu\": {\"soft\": 1, \"hard\": 5}}}"), 400, "unknown_resource");
    assertJsonError(call("PUT", "/api/v1/quotas/bad-1", t,
        "{\"group\": \"standard_agent\", \"limits\": {\"cpu\": {\"soft\": 1e400, \"hard\": 5}}}"), 400, "invalid_limit");
    assertJsonError(call("PUT", "/api/v1/quotas/" + "x".repeat(129), t, "{\"group\": \"standard_agent\"}"), 400, "invalid_id");
    assertJsonError(call("PUT", "/api/v1/quotas/a%20b", t, "{\"group\": \"standard_agent\"}"), 400, "invalid_id");
    assertJsonError(call("PUT", "/api/v1/quotas/bad-1", t, "{\"group\": \"standard_agent\", \"pad\": \""
        + "x".repeat(1_100_000) + "\"}"), 413, "payload_too_large");
    assertJsonError(call("GET", "/api/v1/quotas?limit=abc", t, null), 400, "invalid_request");
    assertJsonError(call("GET", "/api/v1/nothing-here", t, null), 404, "not_found");
    assertJsonError(call("GET", "/api/v1/quotas/bad-1", t, null), 404, "not_found");
  }

  @Test
  @DisplayName("a wrong flag or a malformed config file stops the jar with one clear line and exit code 2")
  void badStartIsOneLine(@TempDir Path dir) throws Exception {
    NodeProcess badFlag = NodeProcess.start(List.of("--http-port", "eighty"), Map.of());
    assertThat(badFlag.awaitExit(Duration.ofSeconds(30))).isEqualTo(2);
    assertThat(badFlag.stderr()).containsExactly("agent-governor: flag --http-port: expected a whole number, got 'eighty'");

    Path config = dir.resolve("broken.yaml");
    Files.writeString(config, "node:\n  httpPort: [1,\n");
    NodeProcess badFile = NodeProcess.start(List.of("--config", config.toString()), Map.of());
    assertThat(badFile.awaitExit(Duration.ofSeconds(30))).isEqualTo(2);
    assertThat(badFile.stderr()).singleElement().asString()
        .startsWith("agent-governor: " + config + ": malformed YAML at line");
  }

  @Test
  @DisplayName("without a configured token the node makes one and prints it once; it works and nothing else does")
  void generatedToken() throws Exception {
    try (NodeProcess own = NodeProcess.start(List.of("--http-port", "0", "--cluster-name", TestNodes.randomClusterName(),
        "--cluster-port", String.valueOf(TestNodes.randomClusterPort())), Map.of())) {
      int port = own.awaitReady(Duration.ofSeconds(60));
      List<String> tokenLines = own.stdout().stream().filter(l -> l.startsWith("governor admin token")).toList();
      assertThat(tokenLines).hasSize(1);
      String token = tokenLines.get(0).substring(tokenLines.get(0).lastIndexOf(' ') + 1);
      HttpRequest withToken = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/v1/groups"))
          .header("Authorization", "Bearer " + token).build();
      assertThat(HTTP.send(withToken, HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(200);
      HttpRequest query = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/v1/groups?token=" + token)).build();
      assertThat(HTTP.send(query, HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(200);
    }
  }
}
