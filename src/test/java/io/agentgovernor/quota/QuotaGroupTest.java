package io.agentgovernor.quota;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.agentgovernor.bus.ErrorCode;
import io.agentgovernor.bus.GovernorException;
import io.agentgovernor.config.ConfigLoader;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class QuotaGroupTest {

  @Test
  @DisplayName("the built-in configuration holds the three seed groups (numbers: SeedGroupsTest) and the default ladder")
  void seedGroups() {
    QuotaConfig config = QuotaConfig.fromJson(ConfigLoader.builtInDefaults().getJsonObject("quota"));
    assertThat(config.groups()).containsOnlyKeys("lightweight_agent", "standard_agent", "heavy_computation_agent");
    config.groups().values().forEach(g -> assertThat(g.totalLimits()).containsOnlyKeys("memory", "cpu", "processes"));
    assertThat(config.defaultLadder()).extracting(LadderStep::action)
        .containsExactly(ActionType.WARN, ActionType.THROTTLE, ActionType.SUSPEND, ActionType.TERMINATE);
    assertThat(config.defaultLadder()).extracting(LadderStep::afterMs).containsExactly(0L, 30_000L, 300_000L, 600_000L);
  }

  @ParameterizedTest(name = "{0} → {1}")
  @CsvSource(delimiter = '|', value = {
      "{\"name\": \"a b\"}                                   | INVALID_ID    | group name must match",
      "{\"name\": \"g\", \"priority\": 42}                   | INVALID_REQUEST | priority must be a whole number in [0, 10]",
      "{\"name\": \"g\", \"overcommit\": 0.5}                | INVALID_GROUP | overcommit must be in [1, 100]",
      "{\"name\": \"g\", \"totalLimits\": {\"cpu\": -1}}     | INVALID_GROUP | totalLimits.cpu must be a number in [0",
      "{\"name\": \"g\", \"totalLimits\": {\"gpu\": 1}}      | UNKNOWN_RESOURCE | totalLimits.gpu: unknown resource",
      "{\"name\": \"g\", \"defaultLimits\": {\"cpu\": 5}}    | INVALID_REQUEST | defaultLimits.cpu must be an object",
      "{\"name\": \"g\", \"defaultLimits\": {\"cpu\": {\"soft\": 9, \"hard\": 3}}} | INVALID_LIMIT | defaultLimits.cpu: soft (9.0) must not exceed hard (3.0)",
  })
  @DisplayName("invalid groups are refused with a code and a precise message")
  void invalidGroups(String json, ErrorCode code, String message) {
    assertThatThrownBy(() -> QuotaGroup.fromJson(new JsonObject(json)))
        .isInstanceOfSatisfying(GovernorException.class, e -> {
          assertThat(e.code()).isEqualTo(code);
          assertThat(e.getMessage()).contains(message.trim());
        });
  }

  @Test
  @DisplayName("a group round-trips through JSON")
  void roundTrip() {
    QuotaGroup group = QuotaGroup.fromJson(new JsonObject("""
        {"name": "g", "description": "d", "priority": 2, "overcommit": 1.5, "dryRun": true,
         "defaultLimits": {"cpu": {"soft": 1, "hard": 2}}, "totalLimits": {"cpu": 10},
         "ladder": [{"action": "warn"}, {"action": "suspend", "afterMs": 100}]}"""));
    assertThat(QuotaGroup.fromJson(group.toJson())).isEqualTo(group);
  }
}
