package io.agentgovernor.quota;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.agentgovernor.bus.ErrorCode;
import io.agentgovernor.bus.GovernorException;
import io.vertx.core.json.JsonObject;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class CompiledQuotaTest {

  private static final QuotaGroup GROUP = QuotaGroup.fromJson(new JsonObject("""
      {"name": "g", "priority": 4,
       "defaultLimits": {
         "memory": {"soft": 100, "hard": 200, "burst": 300, "burstWindowMs": 1000},
         "cpu": {"soft": 10, "hard": 20},
         "llm_tokens": {"soft": 1000, "hard": 2000, "custom": true}},
       "totalLimits": {"cpu": 100}}"""));

  private static double[] usage(double memory, double cpu) {
    double[] u = new double[Resource.BUILT_IN_COUNT];
    u[Resource.MEMORY.index()] = memory;
    u[Resource.CPU.index()] = cpu;
    return u;
  }

  @Test
  @DisplayName("a complying agent gets the shared empty list: nothing allocated on the hot path")
  void compliantAllocatesNothing() {
    CompiledQuota quota = new CompiledQuota(Quota.fromGroup("a", GROUP, null, null, false, 0));
    List<Violation> first = quota.check(usage(50, 5), null);
    assertThat(first).isEmpty();
    assertThat(quota.check(usage(100, 10), Map.of("llm_tokens", 10.0))).isSameAs(first);
  }

  @Test
  @DisplayName("soft, hard and burst violations are told apart, with the threshold crossed")
  void kinds() {
    CompiledQuota quota = new CompiledQuota(Quota.fromGroup("a", GROUP, null, null, false, 0));
    assertThat(quota.check(usage(150, 0), null)).containsExactly(new Violation(Resource.MEMORY, ViolationKind.SOFT, 150, 100));
    assertThat(quota.check(usage(250, 0), null)).containsExactly(new Violation(Resource.MEMORY, ViolationKind.HARD, 250, 200));
    assertThat(quota.check(usage(301, 25), null)).containsExactly(
        new Violation(Resource.MEMORY, ViolationKind.BURST, 301, 300),
        new Violation(Resource.CPU, ViolationKind.HARD, 25, 20));
  }

  @Test
  @DisplayName("custom resources are checked by name")
  void custom() {
    CompiledQuota quota = new CompiledQuota(Quota.fromGroup("a", GROUP, null, null, false, 0));
    List<Violation> v = quota.check(usage(0, 0), Map.of("llm_tokens", 1500.0));
    assertThat(v).singleElement().satisfies(x -> {
      assertThat(x.resource().name()).isEqualTo("llm_tokens");
      assertThat(x.kind()).isEqualTo(ViolationKind.SOFT);
    });
  }

  @Test
  @DisplayName("a quota from a group takes the group's limits and priority, overridden resource by resource")
  void fromGroupWithOverrides() {
    Map<String, Limit> overrides = new LinkedHashMap<>();
    overrides.put("cpu", Limit.of(30, 40));
    Quota quota = Quota.fromGroup("a", GROUP, 9, overrides, false, 42);
    assertThat(quota.limit("cpu")).isEqualTo(Limit.of(30, 40));
    assertThat(quota.limit("memory")).isEqualTo(GROUP.defaultLimits().get("memory"));
    assertThat(quota.priority()).isEqualTo(9);
    assertThat(Quota.fromGroup("b", GROUP, null, null, false, 42).priority()).isEqualTo(4);
    assertThat(quota.version()).as("a first version is the write's time").isEqualTo(42);
    assertThat(quota.updated("standard_agent", 9, overrides, false, 42).version()).as("never below the one it replaces + 1").isEqualTo(43);
    assertThat(quota.updated("standard_agent", 9, overrides, false, 1_000).version()).as("the write's time when later").isEqualTo(1_000);
    assertThat(Quota.fromJson(quota.toJson())).isEqualTo(quota);
  }

  @Test
  @DisplayName("unknown resources are refused unless marked custom")
  void unknownResource() {
    assertThatThrownBy(() -> QuotaGroup.limitsFromJson(new JsonObject("{\"gpu\": {\"soft\": 1, \"hard\": 2}}"), "limits"))
        .isInstanceOfSatisfying(GovernorException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.UNKNOWN_RESOURCE));
    assertThat(QuotaGroup.limitsFromJson(new JsonObject("{\"gpu\": {\"soft\": 1, \"hard\": 2, \"custom\": true}}"), "limits"))
        .containsKey("gpu");
    assertThatThrownBy(() -> QuotaGroup.limitsFromJson(
        new JsonObject("{\"bad name\": {\"soft\": 1, \"hard\": 2, \"custom\": true}}"), "limits"))
        .isInstanceOfSatisfying(GovernorException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.UNKNOWN_RESOURCE));
  }

  @Test
  @DisplayName("quota requests refuse bad ids, priorities and types")
  void badRequests() {
    assertThatThrownBy(() -> Quota.Request.fromJson(new JsonObject("{\"group\": \"a b\"}")))
        .isInstanceOfSatisfying(GovernorException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_ID));
    assertThatThrownBy(() -> Quota.Request.fromJson(new JsonObject("{\"group\": \"g\", \"priority\": 11}")))
        .hasMessageContaining("priority must be a whole number in [0, 10]");
    assertThatThrownBy(() -> Quota.Request.fromJson(new JsonObject("{\"group\": \"g\", \"limits\": []}")))
        .hasMessageContaining("limits must be an object");
    assertThatThrownBy(() -> Quota.Request.fromJson(new JsonObject("{\"group\": \"g\", \"dryRun\": \"yes\"}")))
        .hasMessageContaining("dryRun must be true or false");
  }
}
