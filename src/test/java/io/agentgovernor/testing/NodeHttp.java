package io.agentgovernor.testing;

import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** A real HTTP client for one node's admin API, with the operator token. */
public final class NodeHttp {

  private static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build();

  private final String base;

  public NodeHttp(int port) {
    this("127.0.0.1", port);
  }

  public NodeHttp(String host, int port) {
    this.base = "http://" + host + ":" + port + "/api/v1";
  }

  /** The response, or null when the node does not answer (a dead node). */
  public HttpResponse<String> call(String method, String path, JsonObject body) {
    HttpRequest.Builder req = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(10))
        .header("Authorization", "Bearer " + TestNodes.ADMIN_TOKEN)
        .header("Content-Type", "application/json")
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body.encode()));
    try {
      return CLIENT.send(req.build(), HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      return null;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return null;
    }
  }

  /** The JSON body of a 2xx answer; fails otherwise. */
  public JsonObject ok(String method, String path, JsonObject body) {
    HttpResponse<String> r = call(method, path, body);
    if (r == null || r.statusCode() / 100 != 2) {
      throw new IllegalStateException(method + " " + path + " -> " + (r == null ? "no answer" : r.statusCode() + " " + r.body()));
    }
    return r.body().isEmpty() ? new JsonObject() : new JsonObject(r.body());
  }

  public JsonObject get(String path) {
    return ok("GET", path, null);
  }
}
