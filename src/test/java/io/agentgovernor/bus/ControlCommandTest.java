package io.agentgovernor.bus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class ControlCommandTest {

  @Test
  @DisplayName("each command encodes to the request the call sites used to build by hand")
  void wireFormatUnchanged() {
    assertThat(ControlCommand.suspend("a").toJson().encode()).isEqualTo("{\"agentId\":\"a\",\"command\":\"suspend\"}");
    assertThat(ControlCommand.resume("a").toJson().encode()).isEqualTo("{\"agentId\":\"a\",\"command\":\"resume\"}");
    assertThat(ControlCommand.fence("a", null).toJson().encode()).isEqualTo("{\"agentId\":\"a\",\"command\":\"fence\"}");
    assertThat(ControlCommand.fence("a", "n2").toJson().encode())
        .isEqualTo("{\"agentId\":\"a\",\"command\":\"fence\",\"params\":{\"owner\":\"n2\"}}");
    assertThat(ControlCommand.throttle("a", 0.5).toJson().encode())
        .isEqualTo("{\"agentId\":\"a\",\"command\":\"throttle\",\"params\":{\"factor\":0.5}}");
    assertThat(ControlCommand.notice("a", 2000).toJson().encode())
        .isEqualTo("{\"agentId\":\"a\",\"command\":\"notice\",\"params\":{\"graceMs\":2000}}");
    assertThat(ControlCommand.undeploy("a").toJson().encode())
        .isEqualTo("{\"agentId\":\"a\",\"command\":\"undeploy\",\"params\":{}}");
    assertThat(ControlCommand.scaleDown("a", "memory", 80.0, 123L).toJson().encode()).isEqualTo(
        "{\"agentId\":\"a\",\"command\":\"scale_down\",\"params\":{\"resource\":\"memory\",\"target\":80.0,\"deadline\":123}}");
    assertThat(ControlCommand.migrateOut("a", "n2").toJson().encode())
        .isEqualTo("{\"agentId\":\"a\",\"command\":\"migrate_out\",\"params\":{\"target\":\"n2\"}}");
    assertThat(ControlCommand.degrade("a", "reduce_batch", new JsonObject().put("size", 2), true).toJson().encode())
        .isEqualTo("{\"agentId\":\"a\",\"command\":\"degrade\",\"params\":"
            + "{\"strategy\":\"reduce_batch\",\"params\":{\"size\":2},\"active\":true}}");
  }

  @Test
  @DisplayName("the runtime reads every kind back from its wire name and refuses an unknown one")
  void kindsRoundTrip() {
    for (ControlCommand.Kind kind : ControlCommand.Kind.values()) {
      assertThat(ControlCommand.Kind.of(kind.wireName())).isSameAs(kind);
    }
    assertThatThrownBy(() -> ControlCommand.Kind.of("explode"))
        .isInstanceOfSatisfying(GovernorException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_REQUEST))
        .hasMessage("unknown control command 'explode'");
  }
}
