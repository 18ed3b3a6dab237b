package io.agentgovernor.budget.impl;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class BurnHistoryTest {

  private static List<Object> times(JsonObject points) {
    return points.getJsonArray("points").stream().map(p -> ((JsonArray) p).getLong(0)).map(Object.class::cast).toList();
  }

  @Test
  @DisplayName("the ring keeps the newest points, oldest first, each as recorded")
  void boundedOldestFirst() {
    BurnHistory h = new BurnHistory(3);
    for (long t = 1; t <= 5; t++) {
      h.record("b", 0, 0, t, t * 10, 1, 100 - t * 10 - 1);
    }
    JsonObject p = h.points("b");
    assertThat(times(p)).containsExactly(3L, 4L, 5L);
    assertThat(p.getJsonArray("points").getJsonArray(2)).isEqualTo(new JsonArray().add(5L).add(50L).add(1L).add(49L));
    assertThat(h.points("unknown").getJsonArray("points")).isEmpty();
  }

  @Test
  @DisplayName("figures of an older window are not recorded, and a new window starts an empty line")
  void windows() {
    BurnHistory h = new BurnHistory(10);
    h.record("b", 1000, 1000, 1500, 7, 0, 93);
    h.record("b", 2000, 1000, 2100, 7, 0, 93); // the owner has not rolled yet: stale for the new window
    assertThat(times(h.points("b"))).containsExactly(1500L);
    h.record("b", 2000, 2000, 2200, 0, 0, 100);
    JsonObject p = h.points("b");
    assertThat(times(p)).containsExactly(2200L);
    assertThat(p.getLong("windowStart")).isEqualTo(2000);
  }

  @Test
  @DisplayName("deleted budgets are forgotten; capacity 0 keeps nothing")
  void retainAndOff() {
    BurnHistory h = new BurnHistory(2);
    h.record("a", 0, 0, 1, 0, 0, 1);
    h.record("b", 0, 0, 1, 0, 0, 1);
    h.retain(Set.of("b"));
    assertThat(h.points("a").getJsonArray("points")).isEmpty();
    assertThat(h.points("b").getJsonArray("points")).hasSize(1);
    BurnHistory off = new BurnHistory(0);
    off.record("a", 0, 0, 1, 0, 0, 1);
    assertThat(off.points("a").getJsonArray("points")).isEmpty();
  }
}
