package io.agentgovernor.admin.feed;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.agentgovernor.bus.Addresses;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class FeedHubTest {

  private final Vertx vertx = Vertx.vertx();

  @AfterEach
  void close() {
    vertx.close().await();
  }

  @Test
  @DisplayName("an event too deeply nested to encode is left out of the feed and counted as dropped; the next event still flows")
  void unencodableEventDropped() {
    FeedHub hub = new FeedHub(vertx, Clock.systemUTC(), FeedLimits.fromJson(new JsonObject()));
    List<JsonObject> seen = new CopyOnWriteArrayList<>();
    hub.tapEvents(seen::add);
    List<Throwable> unhandled = new CopyOnWriteArrayList<>();
    vertx.exceptionHandler(unhandled::add);
    hub.start().await();

    JsonObject deep = new JsonObject();
    JsonObject cursor = deep;
    for (int i = 0; i < 1_100; i++) {
      JsonObject next = new JsonObject();
      cursor.put("x", next);
      cursor = next;
    }
    vertx.eventBus().publish(Addresses.EVENTS, new JsonObject().put("type", "hostile").put("body", deep));
    vertx.eventBus().publish(Addresses.EVENTS, new JsonObject().put("type", "ordinary"));

    await().atMost(Duration.ofSeconds(10)).until(() -> seen.size() == 2);
    assertThat(hub.dropped()).isEqualTo(1);
    assertThat(unhandled).isEmpty();
  }
}
