package io.agentgovernor.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.AbstractMap;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class BoundedAppendTest {

  private static String event(long at) {
    return new JsonObject().put("at", at).put("node", "n1").put("action", "warn").put("durationMs", 1.25).encode();
  }

  @Test
  @DisplayName("an append run again (Hazelcast retries it at a new owner) stores its event once; the bound drops the oldest")
  void retriedAppendStoresOnce() {
    Map.Entry<String, String> entry = new AbstractMap.SimpleEntry<>("agent-1", null);
    BoundedAppend first = new BoundedAppend(event(1), 3);
    first.process(entry);
    first.process(entry); // the retry, on the promoted backup's copy
    assertThat(new JsonArray(entry.getValue())).hasSize(1);
    for (long at = 2; at <= 4; at++) {
      new BoundedAppend(event(at), 3).process(entry);
    }
    JsonArray kept = new JsonArray(entry.getValue());
    assertThat(kept).hasSize(3);
    assertThat(kept.getJsonObject(0).getLong("at")).isEqualTo(2);
    assertThat(kept.getJsonObject(2).getLong("at")).isEqualTo(4);
    new BoundedAppend(event(4), 3).process(entry);
    assertThat(new JsonArray(entry.getValue())).hasSize(3);
  }
}
