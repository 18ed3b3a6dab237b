package io.agentgovernor.admin;

import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/** A real WebSocket client of the live feed (Vert.x's WebSocketClient), collecting what it receives. */
final class FeedClient implements AutoCloseable {

  final List<JsonObject> received = new CopyOnWriteArrayList<>();
  final WebSocket socket;
  volatile Short closeStatus;
  volatile String closeReason;

  private FeedClient(WebSocket socket) {
    this.socket = socket;
    socket.textMessageHandler(text -> received.add(new JsonObject(text)));
    socket.closeHandler(v -> {
      closeStatus = socket.closeStatusCode();
      closeReason = socket.closeReason();
    });
  }

  static FeedClient connect(Vertx vertx, int port, String query, String bearer) throws Exception {
    WebSocketClient client = vertx.createWebSocketClient();
    WebSocketConnectOptions options = new WebSocketConnectOptions().setHost("127.0.0.1").setPort(port)
        .setURI("/api/v1/feed" + (query == null ? "" : "?" + query));
    if (bearer != null) {
      options.addHeader("Authorization", "Bearer " + bearer);
    }
    // Handlers are set on the event loop as the connection completes, so no early message is missed.
    FeedClient feed = client.connect(options).map(FeedClient::new).await(10, TimeUnit.SECONDS);
    feed.await(m -> "subscribed".equals(m.getString("type")), Duration.ofSeconds(5));
    return feed;
  }

  /** Waits for a message matching the predicate and returns it. */
  JsonObject await(Predicate<JsonObject> match, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      for (JsonObject m : received) {
        if (match.test(m)) {
          return m;
        }
      }
      Thread.sleep(20);
    }
    throw new AssertionError("no matching message within " + timeout + "; got " + received);
  }

  List<JsonObject> ofType(String type) {
    return received.stream().filter(m -> type.equals(m.getString("type"))).toList();
  }

  @Override
  public void close() {
    socket.close();
  }
}
