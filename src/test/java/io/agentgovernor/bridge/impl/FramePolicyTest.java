package io.agentgovernor.bridge.impl;

import static org.assertj.core.api.Assertions.assertThat;

import io.agentgovernor.bridge.impl.FramePolicy.Kind;
import io.agentgovernor.bus.ErrorCode;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class FramePolicyTest {

  private static JsonObject send(String address, JsonObject body) {
    return new JsonObject().put("type", "send").put("address", address).put("body", body);
  }

  private static JsonObject sub(String type, String address) {
    return new JsonObject().put("type", type).put("address", address);
  }

  @Test
  @DisplayName("before a successful register a connection may only ping and register: it owns no address")
  void unboundOwnsNothing() {
    JsonObject victim = new JsonObject().put("id", "victim");
    assertThat(FramePolicy.decide(new JsonObject().put("type", "ping"), null, false).kind()).isEqualTo(Kind.PONG);
    assertThat(FramePolicy.decide(send(FramePolicy.REGISTER, victim), null, false).kind()).isEqualTo(Kind.REGISTER);
    // the hijack of issue #17: while (or after) its register for 'victim' is decided, nothing of victim's is open
    for (boolean claiming : new boolean[] {false, true}) {
      assertThat(FramePolicy.decide(sub("register", FramePolicy.out("victim")), null, claiming).code()).isEqualTo(ErrorCode.FORBIDDEN);
      assertThat(FramePolicy.decide(sub("register", FramePolicy.control("victim")), null, claiming).code()).isEqualTo(ErrorCode.FORBIDDEN);
      assertThat(FramePolicy.decide(send(FramePolicy.REPORT, victim), null, claiming).code()).isEqualTo(ErrorCode.FORBIDDEN);
      for (String budget : new String[] {FramePolicy.RESERVE, FramePolicy.COMMIT, FramePolicy.RELEASE}) {
        assertThat(FramePolicy.decide(send(budget, victim), null, claiming).code()).isEqualTo(ErrorCode.FORBIDDEN);
      }
    }
    assertThat(FramePolicy.decide(send(FramePolicy.REGISTER, victim), null, true).code()).isEqualTo(ErrorCode.INVALID_STATE);
  }

  @Test
  @DisplayName("a bound connection reaches its own agent's addresses and nothing else")
  void boundOwnsItsAgent() {
    assertThat(FramePolicy.decide(sub("register", FramePolicy.out("a")), "a", false).kind()).isEqualTo(Kind.SUBSCRIBE);
    assertThat(FramePolicy.decide(sub("unregister", FramePolicy.control("a")), "a", false).kind()).isEqualTo(Kind.UNSUBSCRIBE);
    assertThat(FramePolicy.decide(send(FramePolicy.REPORT, new JsonObject().put("id", "a")), "a", false).kind()).isEqualTo(Kind.REPORT);
    assertThat(FramePolicy.decide(sub("register", FramePolicy.out("b")), "a", false).kind()).isEqualTo(Kind.REFUSE);
    assertThat(FramePolicy.decide(send(FramePolicy.REPORT, new JsonObject().put("id", "b")), "a", false).kind()).isEqualTo(Kind.REFUSE);
    // budget requests: for its own agent only (which reservation is whose, the granting ledger checks)
    assertThat(FramePolicy.decide(send(FramePolicy.RESERVE, new JsonObject().put("id", "a")), "a", false).kind()).isEqualTo(Kind.RESERVE);
    assertThat(FramePolicy.decide(send(FramePolicy.COMMIT, new JsonObject().put("id", "a")), "a", false).kind()).isEqualTo(Kind.COMMIT);
    assertThat(FramePolicy.decide(send(FramePolicy.RELEASE, new JsonObject().put("id", "a")), "a", false).kind()).isEqualTo(Kind.RELEASE);
    for (String budget : new String[] {FramePolicy.RESERVE, FramePolicy.COMMIT, FramePolicy.RELEASE}) {
      assertThat(FramePolicy.decide(send(budget, new JsonObject().put("id", "b")), "a", false).code()).isEqualTo(ErrorCode.FORBIDDEN);
      assertThat(FramePolicy.decide(send(budget, new JsonObject()), "a", false).code()).isEqualTo(ErrorCode.FORBIDDEN);
    }
    assertThat(FramePolicy.decide(send(FramePolicy.REGISTER, new JsonObject().put("id", "b")), "a", false).code())
        .isEqualTo(ErrorCode.INVALID_STATE);
    assertThat(FramePolicy.decide(send("governor.quota.delete", new JsonObject()), "a", false).code()).isEqualTo(ErrorCode.FORBIDDEN);
    assertThat(FramePolicy.decide(sub("publish", FramePolicy.out("a")), "a", false).code()).isEqualTo(ErrorCode.FORBIDDEN);
  }

  @Test
  @DisplayName("malformed frames are refused with a code: no type, unknown type, no address, a body that is not an object")
  void malformed() {
    assertThat(FramePolicy.decide(new JsonObject().put("address", "x"), null, false).reason()).isEqualTo("unknown_type");
    assertThat(FramePolicy.decide(sub("shout", "x"), null, false).reason()).isEqualTo("unknown_type");
    assertThat(FramePolicy.decide(new JsonObject().put("type", "send"), null, false).reason()).isEqualTo("missing_address");
    assertThat(FramePolicy.decide(new JsonObject().put("type", "send").put("address", FramePolicy.REGISTER).put("body", "x"),
        null, false).reason()).isEqualTo("body_not_object");
  }
}
