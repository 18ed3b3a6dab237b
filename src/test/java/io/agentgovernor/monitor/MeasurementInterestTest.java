package io.agentgovernor.monitor;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class MeasurementInterestTest {

  private final MeasurementInterest interest = new MeasurementInterest();

  private static JsonObject lease(String hub, long ttlMs, String... agents) {
    JsonObject json = new JsonObject().put("hub", hub).put("ttlMs", ttlMs);
    return agents.length == 0 ? json : json.put("agents", new JsonArray(java.util.List.of(agents)));
  }

  @Test
  @DisplayName("nobody wants anything until a feed says so; feeds' agent sets add up; one feed wanting all wins")
  void unionOfFeeds() {
    assertThat(interest.wanted(0)).isEmpty();
    interest.onAnnouncement(lease("h1", 30_000, "a", "b"), 0);
    interest.onAnnouncement(lease("h2", 30_000, "c"), 0);
    assertThat(interest.wanted(1)).containsExactlyInAnyOrder("a", "b", "c");
    interest.onAnnouncement(lease("h3", 30_000), 0);
    assertThat(interest.wanted(1)).isSameAs(MeasurementInterest.ALL);
  }

  @Test
  @DisplayName("a lease runs out unless renewed; ttlMs 0 withdraws at once")
  void leases() {
    interest.onAnnouncement(lease("h1", 30_000, "a"), 0);
    interest.onAnnouncement(lease("h2", 30_000, "b"), 0);
    interest.onAnnouncement(lease("h2", 30_000, "b"), 20_000);
    assertThat(interest.wanted(29_999)).containsExactlyInAnyOrder("a", "b");
    assertThat(interest.wanted(30_000)).containsExactly("b");
    interest.onAnnouncement(lease("h2", 0), 30_001);
    assertThat(interest.wanted(30_002)).isEmpty();
  }

  @Test
  @DisplayName("malformed announcements change nothing")
  void malformedIgnored() {
    interest.onAnnouncement("text", 0);
    interest.onAnnouncement(new JsonObject().put("ask", true), 0);
    interest.onAnnouncement(new JsonObject().put("hub", "bad id!").put("ttlMs", 1000), 0);
    interest.onAnnouncement(new JsonObject().put("hub", "h").put("ttlMs", "soon"), 0);
    interest.onAnnouncement(new JsonObject().put("hub", "h").put("ttlMs", 1000).put("agents", "all"), 0);
    assertThat(interest.wanted(1)).isEmpty();
  }
}
