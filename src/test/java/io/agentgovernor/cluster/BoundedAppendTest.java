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

  /** What a reader of a history bounded to {@code bound} sees. */
  private static List<Long> ats(Map.Entry<String, String> entry, int bound) {
    return BoundedAppend.events(entry.getValue(), bound).stream().map(e -> e.getLong("at")).toList();
  }

  private static long storedLines(Map.Entry<String, String> entry) {
    return entry.getValue().chars().filter(c -> c == '\n').count() + 1;
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
    assertThat(ats(entry, 3)).containsExactly(2L, 3L, 4L);
    new BoundedAppend(event(4), 3).process(entry);
    assertThat(ats(entry, 3)).containsExactly(2L, 3L, 4L);
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
    assertThat(ats(entry, 4)).containsExactly(2L, 3L, 4L, 5L);
  }

  @Test
  @DisplayName("the oldest are dropped once the history is a slack past its bound, back to the bound; readers see the newest bound")
  void dropsInSteps() {
    int bound = 16; // slack 2
    Map.Entry<String, String> entry = new AbstractMap.SimpleEntry<>("agent-1", null);
    for (long at = 1; at <= 18; at++) {
      new BoundedAppend(event(at), bound).process(entry);
    }
    assertThat(storedLines(entry)).isEqualTo(18); // within the slack: nothing dropped, nothing copied twice
    assertThat(ats(entry, bound)).containsExactlyElementsOf(java.util.stream.LongStream.rangeClosed(3, 18).boxed().toList());
    new BoundedAppend(event(19), bound).process(entry);
    assertThat(storedLines(entry)).isEqualTo(bound);
    assertThat(ats(entry)).containsExactlyElementsOf(java.util.stream.LongStream.rangeClosed(4, 19).boxed().toList());
    // a batch larger than the bound keeps its newest events only
    new BoundedAppend(java.util.stream.LongStream.rangeClosed(20, 60).mapToObj(BoundedAppendTest::event).toList(), bound)
        .process(entry);
    assertThat(ats(entry)).containsExactlyElementsOf(java.util.stream.LongStream.rangeClosed(45, 60).boxed().toList());
  }

  @Test
  @DisplayName("a retry is found among the newest lines: the batch's own count plus a margin")
  void retryFoundInTheTail() {
    Map.Entry<String, String> entry = new AbstractMap.SimpleEntry<>("agent-1", null);
    BoundedAppend batch = new BoundedAppend(List.of(event(1), event(2)), 1000);
    batch.process(entry);
    for (long at = 3; at < 3 + BoundedAppend.RETRY_LINES; at++) {
      new BoundedAppend(event(at), 1000).process(entry);
    }
    batch.process(entry); // run again after as many other appends as the margin: still found
    assertThat(ats(entry)).hasSize(2 + BoundedAppend.RETRY_LINES).doesNotHaveDuplicates();
  }

  @Test
  @DisplayName("a node's history maps keep their values as objects, so an append copies the text once and serializes nothing")
  void historyMapsKeepObjects() {
    com.hazelcast.config.Config hz = new com.hazelcast.config.Config();
    BoundedAppend.configure(hz, "h", 2);
    assertThat(hz.getMapConfig("h").getInMemoryFormat()).isEqualTo(com.hazelcast.config.InMemoryFormat.OBJECT);
    assertThat(hz.getMapConfig("h").getBackupCount()).isEqualTo(2);
    // as a node's member is configured: the enforcement and degradation histories
    com.hazelcast.config.Config node = io.agentgovernor.node.MemberSetup.hazelcastConfig(
        io.agentgovernor.testing.TestNodes.config("c", 5701, "n1", List.of()), null);
    for (String map : List.of("governor.enforcement", "governor.degradation.history")) {
      assertThat(node.findMapConfig(map).getInMemoryFormat()).as(map).isEqualTo(com.hazelcast.config.InMemoryFormat.OBJECT);
    }
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
