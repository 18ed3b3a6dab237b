package io.agentgovernor.quota;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.agentgovernor.bus.ErrorCode;
import io.agentgovernor.bus.GovernorException;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Seed-style input is understood, or refused with a message that names the field; never ignored. */
class SeedFormTest {

  @Test
  @DisplayName("a seed-style group (default_limits, soft_limit, hard_limit, enforcement_action, total_group_limit) means what the seed means")
  void seedStyleGroup() {
    QuotaGroup group = QuotaGroup.fromJson(new JsonObject("""
        {"name": "lightweight_agent", "description": "Lightweight agents with minimal resource requirements",
         "default_limits": {
           "memory": {"soft_limit": 50000000, "hard_limit": 100000000, "enforcement_action": "warn"},
           "cpu": {"type": "cpu", "soft_limit": 5, "hard_limit": 10, "enforcement_action": "throttle"},
           "processes": {"soft_limit": 10, "hard_limit": 20, "enforcement_action": "suspend"},
           "files": {"soft_limit": 10, "hard_limit": 20, "burst_limit": 30, "enforcement_action": "terminate"},
           "connections": {"soft_limit": 1, "hard_limit": 2, "enforcement_action": "custom_handler", "handler": "pager"}},
         "total_group_limit": {"memory": 1000000000, "cpu": 200, "processes": 500}}"""));
    assertThat(group.defaultLimits().get("memory")).isEqualTo(Limit.of(50_000_000, 100_000_000)
        .withLadder(java.util.List.of(LadderStep.of(ActionType.WARN, 0))));
    assertThat(group.defaultLimits().get("cpu").ladder()).containsExactly(LadderStep.of(ActionType.THROTTLE, 30_000));
    assertThat(group.defaultLimits().get("processes").ladder()).containsExactly(LadderStep.of(ActionType.SUSPEND, 300_000));
    assertThat(group.defaultLimits().get("files").burst()).isEqualTo(30);
    assertThat(group.defaultLimits().get("files").ladder()).containsExactly(LadderStep.of(ActionType.TERMINATE, 600_000));
    assertThat(group.defaultLimits().get("connections").ladder()).singleElement().satisfies(s -> {
      assertThat(s.action()).isEqualTo(ActionType.CUSTOM);
      assertThat(s.afterMs()).isZero();
      assertThat(s.params().getString("handler")).isEqualTo("pager");
    });
    assertThat(group.totalLimits()).containsEntry("memory", 1e9).containsEntry("cpu", 200.0).containsEntry("processes", 500.0);
    // and it reads back in our form, equal
    assertThat(group.toJson().fieldNames()).doesNotContain("default_limits", "total_group_limit");
    assertThat(QuotaGroup.fromJson(group.toJson())).isEqualTo(group);
  }

  @Test
  @DisplayName("the seed's escalation delays: warn 0, throttle 30 s, suspend 5 min, terminate 10 min, the rest at once")
  void delays() {
    assertThat(SeedForm.escalationDelayMs(ActionType.WARN)).isZero();
    assertThat(SeedForm.escalationDelayMs(ActionType.THROTTLE)).isEqualTo(30_000);
    assertThat(SeedForm.escalationDelayMs(ActionType.SUSPEND)).isEqualTo(300_000);
    assertThat(SeedForm.escalationDelayMs(ActionType.TERMINATE)).isEqualTo(600_000);
    assertThat(SeedForm.escalationDelayMs(ActionType.SCALE_DOWN)).isZero();
    assertThat(SeedForm.escalationDelayMs(ActionType.MIGRATE)).isZero();
  }

  @Test
  @DisplayName("a seed-style quota request: quota_group and resource_limits")
  void seedStyleQuotaRequest() {
    Quota.Request r = Quota.Request.fromJson(new JsonObject("""
        {"quota_group": "standard_agent", "resource_limits": {"cpu": {"soft_limit": 1, "hard_limit": 2, "enforcement_action": "warn"}}}"""));
    assertThat(r.group()).isEqualTo("standard_agent");
    assertThat(r.limits().get("cpu").hard()).isEqualTo(2);
    assertThat(r.limits().get("cpu").ladder()).containsExactly(LadderStep.of(ActionType.WARN, 0));
  }

  @ParameterizedTest(name = "{0} → {1}")
  @CsvSource(delimiter = '|', value = {
      "{\"name\": \"g\", \"scaling_policy\": {}}                                         | INVALID_GROUP | scaling_policy is not supported",
      "{\"name\": \"g\", \"defaultLimits\": {}, \"default_limits\": {}}                  | INVALID_GROUP | give one of them",
      "{\"name\": \"g\", \"totalLimit\": {\"cpu\": 1}}                                   | INVALID_GROUP | unknown field 'totalLimit'",
      "{\"name\": \"g\", \"defaultLimits\": {\"cpu\": {\"soft_limit\": 1, \"hard_limit\": 2, \"enforcement_action\": \"explode\"}}} | INVALID_LIMIT | defaultLimits.cpu.enforcement_action: unknown action 'explode'",
      "{\"name\": \"g\", \"defaultLimits\": {\"cpu\": {\"soft_limit\": 1, \"hard_limit\": 2, \"enforcement_action\": \"resume\"}}}  | INVALID_LIMIT | resume is not an escalation step",
      "{\"name\": \"g\", \"defaultLimits\": {\"cpu\": {\"soft_limit\": 1, \"hard_limit\": 2, \"enforcement_action\": \"custom_handler\"}}} | INVALID_LIMIT | needs \"handler\"",
      "{\"name\": \"g\", \"defaultLimits\": {\"cpu\": {\"soft\": 1, \"soft_limit\": 1, \"hard\": 2}}}  | INVALID_LIMIT | give one of them",
      "{\"name\": \"g\", \"defaultLimits\": {\"cpu\": {\"soft\": 1, \"hard\": 2, \"ladder\": [], \"enforcement_action\": \"warn\"}}} | INVALID_LIMIT | give one of them",
      "{\"name\": \"g\", \"defaultLimits\": {\"cpu\": {\"soft\": 1, \"hard\": 2, \"enforcementAction\": \"warn\"}}} | INVALID_LIMIT | unknown field 'enforcementAction'",
      "{\"name\": \"g\", \"defaultLimits\": {\"cpu\": {\"type\": \"memory\", \"soft\": 1, \"hard\": 2}}} | INVALID_LIMIT | defaultLimits.cpu.type is 'memory'",
      "{\"name\": \"g\", \"defaultLimits\": {\"cpu\": {\"soft\": 1, \"hard\": 2, \"handler\": \"x\"}}} | INVALID_LIMIT | handler goes with",
  })
  @DisplayName("seed-style input we do not implement, or given twice, is refused naming the field")
  void refusals(String json, ErrorCode code, String message) {
    assertThatThrownBy(() -> QuotaGroup.fromJson(new JsonObject(json)))
        .isInstanceOfSatisfying(GovernorException.class, e -> {
          assertThat(e.code()).isEqualTo(code);
          assertThat(e.getMessage()).contains(message.trim());
        });
  }

  @Test
  @DisplayName("both spellings of a quota request's group are refused")
  void quotaBothSpellings() {
    assertThatThrownBy(() -> Quota.Request.fromJson(new JsonObject("{\"group\": \"a\", \"quota_group\": \"b\"}")))
        .hasMessageContaining("give group or the seed's quota_group, not both");
  }
}
