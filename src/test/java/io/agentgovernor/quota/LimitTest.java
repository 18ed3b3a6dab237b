package io.agentgovernor.quota;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.agentgovernor.bus.ErrorCode;
import io.agentgovernor.bus.GovernorException;
import io.vertx.core.json.JsonObject;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class LimitTest {

  @ParameterizedTest(name = "{0} is refused with: {1}")
  @CsvSource(delimiter = '|', value = {
      "{\"soft\": 30, \"hard\": 20}                         | limits.cpu: soft (30.0) must not exceed hard (20.0)",
      "{\"soft\": -1, \"hard\": 20}                         | limits.cpu: soft must be >= 0, got -1.0",
      "{\"soft\": 1, \"hard\": -2}                          | limits.cpu: hard must be >= 0, got -2.0",
      "{\"soft\": 1, \"hard\": 20, \"burst\": 10}           | limits.cpu: burst (10.0) must not be below hard (20.0)",
      "{\"soft\": 1, \"hard\": 2, \"burstWindowMs\": -5}     | limits.cpu.burstWindowMs must be a whole number in [0, 86400000]",
      "{\"soft\": 1, \"hard\": 2, \"burstWindowMs\": 1.5}    | limits.cpu.burstWindowMs must be a whole number in [0, 86400000]",
      "{\"soft\": \"1\", \"hard\": 2}                       | limits.cpu.soft must be a number",
      "{\"hard\": 2}                                        | limits.cpu.soft is required",
      "{\"soft\": 1, \"hard\": 1e19}                        | limits.cpu: amounts must be at most 1.0E18",
      "{\"soft\": 1, \"hard\": 2, \"ladder\": {}}            | limits.cpu.ladder must be an array",
      "{\"soft\": 1, \"hard\": 2, \"ladder\": [{\"action\": \"explode\"}]} | limits.cpu.ladder[0]: unknown action 'explode'",
      "{\"soft\": 1, \"hard\": 2, \"ladder\": [{\"action\": \"warn\", \"afterMs\": -1}]} | limits.cpu.ladder[0].afterMs must be a whole number of milliseconds",
      "{\"soft\": 1, \"hard\": 2, \"ladder\": [{\"action\": \"suspend\", \"afterMs\": 10}, {\"action\": \"warn\", \"afterMs\": 0}]} | limits.cpu: ladder steps must be in order of afterMs",
      "{\"soft\": 1, \"hard\": 2, \"ladder\": [{\"action\": \"custom\"}]} | a custom ladder step needs params.handler",
      "{\"soft\": 1, \"hard\": 2, \"ladder\": [{\"action\": \"resume\"}]} | resume is not an escalation step",
  })
  @DisplayName("every invalid limit is refused with INVALID_LIMIT and a message naming the field")
  void invalidLimits(String json, String expectedMessage) {
    assertThatThrownBy(() -> Limit.fromJson(new JsonObject(json), "limits.cpu"))
        .isInstanceOfSatisfying(GovernorException.class, e -> {
          assertThat(e.code()).isEqualTo(ErrorCode.INVALID_LIMIT);
          assertThat(e.getMessage()).startsWith(expectedMessage.trim());
        });
  }

  @Test
  @DisplayName("a limit round-trips through JSON with its burst and ladder")
  void roundTrip() {
    Limit limit = Limit.fromJson(new JsonObject("""
        {"soft": 10, "hard": 20, "burst": 40, "burstWindowMs": 5000,
         "ladder": [{"action": "throttle", "afterMs": 0, "params": {"factor": 0.5}},
                    {"action": "custom", "afterMs": 1000, "params": {"handler": "page-oncall"}}]}"""), "l");
    assertThat(Limit.fromJson(limit.toJson(), "l")).isEqualTo(limit);
    assertThat(limit.ladder()).extracting(LadderStep::action).containsExactly(ActionType.THROTTLE, ActionType.CUSTOM);
    assertThat(limit.hasBurst()).isTrue();
  }

  @Test
  @DisplayName("without a burst the burst equals hard and the window is zero")
  void burstDefaultsToHard() {
    Limit limit = Limit.fromJson(new JsonObject("{\"soft\": 1, \"hard\": 2}"), "l");
    assertThat(limit.burst()).isEqualTo(2);
    assertThat(limit.burstWindowMs()).isZero();
    assertThat(limit.hasBurst()).isFalse();
    assertThat(limit.toJson().containsKey("burst")).isFalse();
  }

  @Test
  @DisplayName("classify: within soft, soft, hard within burst, above burst")
  void classify() {
    Limit limit = Limit.of(10, 20, 40, 1000);
    assertThat(limit.classify(10)).isNull();
    assertThat(limit.classify(10.5)).isEqualTo(ViolationKind.SOFT);
    assertThat(limit.classify(20)).isEqualTo(ViolationKind.SOFT);
    assertThat(limit.classify(20.1)).isEqualTo(ViolationKind.HARD);
    assertThat(limit.classify(40)).isEqualTo(ViolationKind.HARD);
    assertThat(limit.classify(40.1)).isEqualTo(ViolationKind.BURST);
    Limit noBurst = Limit.of(10, 20);
    assertThat(noBurst.classify(21)).isEqualTo(ViolationKind.HARD);
  }

  @Test
  @DisplayName("equal soft, hard and burst are allowed")
  void equalBoundsAllowed() {
    assertThat(new Limit(5, 5, 5, 0, List.of(), false).classify(5)).isNull();
  }
}
