package io.agentgovernor.reliability.jepsen;

import io.agentgovernor.testing.TestNodes;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/** One node's HTTP API as the harness's clients use it: short timeouts, and no answer is an answer. */
final class Api {

  private static final HttpClient CLIENT = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(Duration.ofSeconds(2)).build();
  static final Duration TIMEOUT = Duration.ofSeconds(3);

  /** A reply; status -1 when none came (refused, timed out). */
  record Reply(int status, String body) {
    boolean ok() {
      return status / 100 == 2;
    }

    JsonObject json() {
      return new JsonObject(body);
    }
  }

  private final String root;

  Api(String host, int port) {
    this.root = "http://" + host + ":" + port;
  }

  Reply call(String method, String path, JsonObject body) {
    try {
      return async(method, path, body).join();
    } catch (RuntimeException e) {
      return new Reply(-1, String.valueOf(e.getMessage()));
    }
  }

  CompletableFuture<Reply> async(String method, String path, JsonObject body) {
    HttpRequest request = HttpRequest.newBuilder(URI.create(root + (path.startsWith("/api") || path.startsWith("/ready") ? "" : "/api/v1") + path))
        .timeout(TIMEOUT)
        .header("Authorization", "Bearer " + TestNodes.ADMIN_TOKEN)
        .header("Content-Type", "application/json")
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body.encode()))
        .build();
    return CLIENT.sendAsync(request, HttpResponse.BodyHandlers.ofString())
        .thenApply(r -> new Reply(r.statusCode(), r.body()))
        .exceptionally(e -> new Reply(-1, String.valueOf(e.getMessage())));
  }

  /** Whether the node says it is ready: it holds its lease and the cluster is safe (its {@code /ready} answers 200). */
  boolean ready() {
    return call("GET", "/ready", null).status == 200;
  }

  /** Members of the Hazelcast cluster as this node sees them (its {@code /ready}), -1 if it does not answer. */
  int members() {
    Reply r = call("GET", "/ready", null);
    try {
      return r.status > 0 ? r.json().getInteger("members", -1) : -1;
    } catch (RuntimeException e) {
      return -1;
    }
  }
}
