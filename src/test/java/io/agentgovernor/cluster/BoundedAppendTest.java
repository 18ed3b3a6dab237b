package io.agentgovernor.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.AbstractMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class BoundedAppendTest {

  private static String event(long at) {
    return new JsonObject().put("at", at).put("node", "n1").put("action", "warn").put("durationMs", 1.25)
        .put("reason", "line\nbreak escaped").encode();
  }

  private static List<Long> ats(Map.Entry<String, String> entry) {
    return BoundedAppend.events(entry.getValue()).stream().map(e -> e.getLong("at")).toList();
  }

  @Test
  @DisplayName("an append run again (Hazelcast retries it at a new owner) stores its event once; the bound drops the oldest")
  void retriedAppendStoresOnce() {
    Map.Entry<String, String> entry = new AbstractMap.SimpleEntry<>("agent-1", null);
    BoundedAppend first = new BoundedAppend(event(1), 3);
    first.process(entry);
    first.process(entry); // the retry, on the promoted backup's copy
    assertThat(ats(entry)).containsExactly(1L);
    for (long at = 2; at <= 4; at++) {
      new BoundedAppend(event(at), 3).process(entry);
    }
    assertThat(ats(entry)).containsExactly(2L, 3L, 4L);
    new BoundedAppend(event(4), 3).process(entry);
    assertThat(ats(entry)).containsExactly(2L, 3L, 4L);
    assertThat(BoundedAppend.events(entry.getValue()).get(0).getString("reason")).isEqualTo("line\nbreak escaped");
  }

  @Test
  @DisplayName("a batch appends its events in order, once each when retried, and keeps only the newest within the bound")
  void batchAppendsInOrder() {
    Map.Entry<String, String> entry = new AbstractMap.SimpleEntry<>("agent-1", null);
    new BoundedAppend(event(1), 4).process(entry);
    BoundedAppend batch = new BoundedAppend(List.of(event(2), event(3), event(4), event(5)), 4);
    batch.process(entry);
    batch.process(entry);
    assertThat(ats(entry)).containsExactly(2L, 3L, 4L, 5L);
  }

  @Test
  @DisplayName("an event that is only part of a stored line is not taken for a stored event")
  void partOfALineIsNotTheEvent() {
    String inner = new JsonObject().put("at", 7).encode();
    String outer = new JsonObject().put("wrapped", new JsonObject().put("at", 7)).put("at", 6).encode();
    Map.Entry<String, String> entry = new AbstractMap.SimpleEntry<>("agent-1", outer);
    new BoundedAppend(inner, 10).process(entry);
    assertThat(ats(entry)).containsExactly(6L, 7L);
  }

  @Test
  @DisplayName("a history stored as one JSON array by an older version is read, and rewritten as lines at its next append")
  void readsTheOlderFormat() {
    String older = new JsonArray().add(new JsonObject(event(1))).add(new JsonObject(event(2))).encode();
    Map.Entry<String, String> entry = new AbstractMap.SimpleEntry<>("agent-1", older);
    assertThat(ats(entry)).containsExactly(1L, 2L);
    new BoundedAppend(event(2), 10).process(entry); // already there: nothing appended
    new BoundedAppend(event(3), 10).process(entry);
    assertThat(entry.getValue()).doesNotStartWith("[");
    assertThat(ats(entry)).containsExactly(1L, 2L, 3L);
  }
}
