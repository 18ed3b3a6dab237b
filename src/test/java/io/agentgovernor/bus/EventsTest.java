package io.agentgovernor.bus;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class EventsTest {

  @Test
  @DisplayName("events carry type, agentId, node and time first, as the call sites built them")
  void commonFieldsInOrder() {
    assertThat(Events.agent("a", "n1", 5, "deployed").encode())
        .isEqualTo("{\"type\":\"agent\",\"agentId\":\"a\",\"node\":\"n1\",\"time\":5,\"event\":\"deployed\"}");
    assertThat(Events.recommendation("a", "n1", 5, "open").encode())
        .isEqualTo("{\"type\":\"recommendation\",\"agentId\":\"a\",\"node\":\"n1\",\"time\":5,\"status\":\"open\"}");
    assertThat(Events.of(Events.DEGRADATION, null, "n1", 5).encode())
        .isEqualTo("{\"type\":\"degradation\",\"node\":\"n1\",\"time\":5}");
    assertThat(Events.node("n1", "left", 5).encode())
        .isEqualTo("{\"type\":\"node\",\"node\":\"n1\",\"event\":\"left\",\"time\":5}");
  }
}
