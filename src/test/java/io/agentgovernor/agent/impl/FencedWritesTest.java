package io.agentgovernor.agent.impl;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import java.util.AbstractMap;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The registry's fenced processors on their own, run twice as Hazelcast's retry at a new owner runs them. */
class FencedWritesTest {

  private static String registration(long epoch) {
    return new JsonObject().put("id", "a").put("node", "n1").put("epoch", epoch).put("version", 1).encode();
  }

  private static String snapshot(long epoch) {
    return new JsonObject().put("time", 1).put("node", "n1").put("epoch", epoch).put("snapshot", new JsonObject()).encode();
  }

  @Test
  @DisplayName("a remove run again finds the registration gone and answers as the first run; another copy's stays")
  void retriedRemoveAnswersAsTheFirst() {
    Map.Entry<String, String> entry = new AbstractMap.SimpleEntry<>("a", registration(5));
    var remove = FencedWrites.remove(5);
    assertThat(remove.process(entry)).isTrue();
    assertThat(entry.getValue()).isNull();
    assertThat(remove.process(entry)).as("the retry").isTrue();

    entry.setValue(registration(6));
    assertThat(FencedWrites.remove(5).process(entry)).as("a newer copy owns the id").isFalse();
    assertThat(entry.getValue()).isEqualTo(registration(6));
  }

  @Test
  @DisplayName("dropping a snapshot removes this copy's or an older one, never a newer copy's")
  void dropSnapshotKeepsANewerCopys() {
    Map.Entry<String, String> entry = new AbstractMap.SimpleEntry<>("a", snapshot(4));
    assertThat(FencedWrites.dropSnapshot(5).process(entry)).isTrue();
    assertThat(entry.getValue()).isNull();
    assertThat(FencedWrites.dropSnapshot(5).process(entry)).as("the retry").isTrue();

    entry.setValue(snapshot(7));
    assertThat(FencedWrites.dropSnapshot(5).process(entry)).isFalse();
    assertThat(entry.getValue()).isEqualTo(snapshot(7));
  }
}
