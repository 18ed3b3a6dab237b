package io.agentgovernor.enforcement.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.agentgovernor.quota.Resource;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ScaleDownRequestTest {

  private final ScaleDownRequest request = ScaleDownRequest.of("a1", Resource.MEMORY, 1_000, 10_000, 60_000);

  @Test
  @DisplayName("the target is 80 % of the limit and the deadline is relative to the request")
  void targetAndDeadline() {
    assertThat(request.target()).isEqualTo(800.0);
    assertThat(request.deadlineMs()).isEqualTo(70_000);
    assertThat(request.toJson().getDouble("target")).isEqualTo(800.0);
  }

  @ParameterizedTest(name = "at {0} ms with usage {1}: {2}")
  @CsvSource({
      "10000, 900, PENDING", "69999, 801, PENDING", "70000, 801, MISSED", "90000, 1200, MISSED",
      "20000, 800, MET", "70000, 800, MET", "99999, 10, MET"})
  @DisplayName("met at or under target at any time; missed only at or after the deadline")
  void evaluate(long nowMs, double usage, ScaleDownRequest.Outcome expected) {
    assertThat(request.evaluate(nowMs, usage)).isEqualTo(expected);
    assertThat(expected.escalates()).isEqualTo(expected == ScaleDownRequest.Outcome.MISSED);
  }

  @Test
  @DisplayName("bad requests are refused")
  void invalid() {
    assertThatThrownBy(() -> ScaleDownRequest.of("a1", Resource.CPU, 10, 0, -1)).hasMessageContaining(">= 0");
    assertThatThrownBy(() -> new ScaleDownRequest("a1", Resource.CPU, 10, 0, 0, 1))
        .hasMessageContaining("targetFraction");
    assertThatThrownBy(() -> new ScaleDownRequest("a1", Resource.CPU, 10, 0.8, 10, 5))
        .hasMessageContaining("deadline");
  }
}
