package io.agentgovernor.security;

import static io.agentgovernor.testing.TestNodes.request;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.agentgovernor.bus.Addresses;
import io.agentgovernor.config.NodeConfig;
import io.agentgovernor.node.GovernorNode;
import io.agentgovernor.testing.TestNodes;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.PfxOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** TLS on the admin API and on the clustered event bus, with a self-signed certificate made by the test. */
class TlsIT {

  private static final String PASSWORD = "test-secret";
  private static Path keyStore;
  private static GovernorNode a;
  private static GovernorNode b;

  @BeforeAll
  static void startTwoTlsNodes() throws Exception {
    Path dir = Files.createTempDirectory("governor-tls-");
    keyStore = dir.resolve("node.p12");
    Process keytool = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
        "-genkeypair", "-alias", "node", "-keyalg", "RSA", "-keysize", "2048", "-validity", "2",
        "-dname", "CN=localhost", "-ext", "SAN=ip:127.0.0.1,dns:localhost",
        "-storetype", "PKCS12", "-keystore", keyStore.toString(), "-storepass", PASSWORD, "-keypass", PASSWORD)
        .redirectErrorStream(true).start();
    assertThat(keytool.waitFor()).isZero();
    JsonObject tls = new JsonObject().put("enabled", true).put("keyStore", keyStore.toString()).put("keyStorePassword", PASSWORD);
    String cluster = TestNodes.randomClusterName();
    int port = TestNodes.randomClusterPort();
    a = TestNodes.start(tls(TestNodes.config(cluster, port, "tls-a", List.of()), tls));
    b = TestNodes.start(tls(TestNodes.config(cluster, port + 1, "tls-b", List.of("127.0.0.1:" + port)), tls));
  }

  private static NodeConfig tls(NodeConfig config, JsonObject tls) {
    return config.with("cluster.tls", tls).with("admin.tls", tls);
  }

  @AfterAll
  static void stop() {
    TestNodes.closeAll(b, a);
  }

  @Test
  @DisplayName("requests between nodes cross the TLS event bus: an agent on one node is read and driven through the other")
  void eventBusOverTls() {
    request(a, Addresses.AGENT_DEPLOY, new JsonObject().put("id", "tls-ctr").put("type", "stateful-counter")
        .put("group", "standard_agent").put("node", "tls-a"));
    await().atMost(Duration.ofSeconds(5)).until(() -> "tls-a".equals(b.context().registry().nodeOf("tls-ctr")));
    for (int i = 0; i < 10; i++) {
      request(b, Addresses.AGENT_SEND, new JsonObject().put("id", "tls-ctr").put("body", new JsonObject().put("n", i)));
    }
    await().atMost(Duration.ofSeconds(10)).until(() -> request(b, Addresses.AGENT_GET, new JsonObject().put("id", "tls-ctr"))
        .getJsonObject("status").getLong("count") == 10);
    assertThat(a.vertx().isClustered()).isTrue();
  }

  @Test
  @DisplayName("the admin API answers over HTTPS only: a client trusting the certificate gets through, plain HTTP does not")
  void httpsOnly() {
    var https = b.vertx().createHttpClient(new HttpClientOptions().setSsl(true)
        .setTrustOptions(new PfxOptions().setPath(keyStore.toString()).setPassword(PASSWORD)));
    int status = https.request(HttpMethod.GET, a.httpPort(), "127.0.0.1", "/api/v1/groups")
        .compose(req -> req.putHeader("Authorization", "Bearer " + TestNodes.ADMIN_TOKEN).send())
        .map(r -> r.statusCode()).await();
    assertThat(status).isEqualTo(200);
    var plain = b.vertx().createHttpClient();
    assertThatThrownBy(() -> plain.request(HttpMethod.GET, a.httpPort(), "127.0.0.1", "/health")
        .compose(req -> req.send()).map(r -> r.statusCode()).await(10, java.util.concurrent.TimeUnit.SECONDS))
        .isNotNull();
  }
}
