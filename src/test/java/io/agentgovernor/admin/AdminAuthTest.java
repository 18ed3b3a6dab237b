package io.agentgovernor.admin;

import static io.agentgovernor.admin.Http.assertError;
import static io.agentgovernor.admin.Http.json;
import static org.assertj.core.api.Assertions.assertThat;

import io.agentgovernor.node.GovernorNode;
import io.agentgovernor.testing.TestNodes;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.JWTOptions;
import io.vertx.ext.auth.PubSecKeyOptions;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.auth.jwt.JWTAuthOptions;
import java.net.http.HttpResponse;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * JWT (HS256 with a role claim) beside the static tokens, and the failed-authentication limit,
 * each on its own node: the limit blocks the test's whole address once it trips.
 */
class AdminAuthTest {

  private static final String SECRET = "a-test-secret-of-at-least-thirty-two-bytes!";
  private static GovernorNode jwtNode;
  private static GovernorNode limitedNode;
  private static Vertx vertx;
  private static JWTAuth issuer;

  @BeforeAll
  static void start() {
    String cluster = TestNodes.randomClusterName();
    int port = TestNodes.randomClusterPort();
    jwtNode = TestNodes.start(TestNodes.config(cluster, port, "jwt-node", List.of())
        .with("admin.jwt", new JsonObject().put("algorithm", "HS256").put("secret", SECRET).put("issuer", "test-idp")));
    limitedNode = TestNodes.start(TestNodes.config(TestNodes.randomClusterName(), port + 5, "limited-node", List.of())
        .with("admin.authFailuresPerMinute", 5));
    vertx = Vertx.vertx();
    issuer = JWTAuth.create(vertx, new JWTAuthOptions().addPubSecKey(new PubSecKeyOptions().setAlgorithm("HS256").setBuffer(SECRET)));
  }

  @AfterAll
  static void stop() {
    TestNodes.closeAll(jwtNode, limitedNode);
    vertx.close();
  }

  private static String jwt(JsonObject claims, String secretIssuer) {
    return issuer.generateToken(claims, new JWTOptions().setAlgorithm("HS256").setIssuer(secretIssuer).setExpiresInSeconds(300));
  }

  @Test
  @DisplayName("a signed JWT with an operator role writes, with a viewer role only reads; audit names its subject")
  void jwtRoles() {
    Http http = new Http(jwtNode.httpPort());
    String operator = jwt(new JsonObject().put("sub", "alice").put("role", new JsonArray().add("operator")), "test-idp");
    String viewer = jwt(new JsonObject().put("sub", "bob").put("role", "viewer"), "test-idp");
    json(http.call("PUT", "/api/v1/quotas/jwt-1", operator, "{\"group\": \"standard_agent\"}"), 200);
    json(http.get("/api/v1/quotas/jwt-1", viewer), 200);
    assertError(http.call("DELETE", "/api/v1/quotas/jwt-1", viewer, null), 403, "forbidden");
    JsonObject audit = json(http.get("/api/v1/audit", operator), 200);
    assertThat(audit.getJsonArray("items").stream().map(o -> ((JsonObject) o).getString("who")))
        .contains("jwt:alice", "jwt:bob");
    assertThat(audit.encode()).doesNotContain(operator).doesNotContain(viewer);
    // The static tokens still work beside JWT.
    json(http.get("/api/v1/groups", TestNodes.VIEWER_TOKEN), 200);
  }

  @Test
  @DisplayName("a JWT with a bad signature, a wrong issuer, an expired one or no role is refused")
  void jwtRefused() {
    Http http = new Http(jwtNode.httpPort());
    JWTAuth other = JWTAuth.create(vertx, new JWTAuthOptions().addPubSecKey(
        new PubSecKeyOptions().setAlgorithm("HS256").setBuffer("another-secret-another-secret-another-secret")));
    String forged = other.generateToken(new JsonObject().put("sub", "eve").put("role", "operator"),
        new JWTOptions().setAlgorithm("HS256").setIssuer("test-idp"));
    assertError(http.get("/api/v1/groups", forged), 401, "unauthorized");
    assertError(http.get("/api/v1/groups", jwt(new JsonObject().put("sub", "x").put("role", "operator"), "elsewhere")), 401, "unauthorized");
    String expired = issuer.generateToken(new JsonObject().put("sub", "old").put("role", "operator")
        .put("exp", System.currentTimeMillis() / 1000 - 3600).put("iss", "test-idp"), new JWTOptions().setAlgorithm("HS256"));
    assertError(http.get("/api/v1/groups", expired), 401, "unauthorized");
    assertError(http.get("/api/v1/groups", jwt(new JsonObject().put("sub", "norole"), "test-idp")), 401, "unauthorized");
  }

  @Test
  @DisplayName("after 5 failed authentications in a minute an address gets 429, even with a good token")
  void failedAuthRateLimit() {
    Http http = new Http(limitedNode.httpPort());
    json(http.get("/api/v1/groups", TestNodes.ADMIN_TOKEN), 200);
    for (int i = 0; i < 5; i++) {
      assertError(http.get("/api/v1/groups", "guess-" + i), 401, "unauthorized");
    }
    HttpResponse<String> limited = http.get("/api/v1/groups", "guess-6");
    assertError(limited, 429, "rate_limited");
    assertThat(limited.headers().firstValue("Retry-After")).isPresent();
    assertError(http.get("/api/v1/groups", TestNodes.ADMIN_TOKEN), 429, "rate_limited");
    assertThat(json(http.get("/health", null), 200).getString("status")).isEqualTo("UP");
  }
}
