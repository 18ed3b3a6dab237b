package io.agentgovernor.reliability.jepsen;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import java.util.Set;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class QuotaCheckerTest {

  private static Api.Reply read(long value) {
    return new Api.Reply(200, new JsonObject().put("version", 1_000 + value).put("updatedAt", 1_000 + value)
        .put("limits", new JsonObject().put("cpu", new JsonObject().put("soft", value).put("hard", value))).encode());
  }

  @Test
  @DisplayName("the last acknowledged value or a later attempted one passes; an older acknowledged one is a lost write")
  void acknowledgedWrites() {
    Set<Long> attempted = Set.of(1L, 2L, 3L, 4L);
    assertThat(QuotaChecker.verdict(read(3), 3, attempted, Set.of())).isNull();
    assertThat(QuotaChecker.verdict(read(4), 3, attempted, Set.of())).isNull();
    assertThat(QuotaChecker.verdict(read(2), 3, attempted, Set.of())).contains("older than the last acknowledged");
    assertThat(QuotaChecker.verdict(read(9), 3, attempted, Set.of())).contains("never written");
  }

  @Test
  @DisplayName("a write that got no answer may land after the last acknowledged one (indeterminate); one refused with an answer may not")
  void unansweredWritesAreIndeterminate() {
    Set<Long> attempted = Set.of(1L, 2L, 3L, 4L);
    // 2 timed out at the client; 3 was acknowledged later; 2 was applied after it
    assertThat(QuotaChecker.verdict(read(2), 3, attempted, Set.of(2L))).isNull();
    // 1 was refused (503): still a lost write if it shows up
    assertThat(QuotaChecker.verdict(read(1), 3, attempted, Set.of(2L))).contains("older than the last acknowledged");
    assertThat(QuotaChecker.verdict(new Api.Reply(503, "{}"), 3, attempted, Set.of(2L))).contains("503");
  }
}
