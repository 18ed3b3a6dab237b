package io.agentgovernor.analytics.impl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.agentgovernor.analytics.recommend.RecommendationConfig;
import io.agentgovernor.bus.ErrorCode;
import io.agentgovernor.bus.GovernorException;
import io.agentgovernor.quota.Resource;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class ViolationBudgetConfigTest {

  static AnalyticsConfig load(Object budgets) {
    return AnalyticsConfig.fromJson(new JsonObject().put("violationBudget", budgets));
  }

  @Test
  @DisplayName("analytics.violationBudget sets each named resource's budget; the others keep their defaults")
  void budgetsApply() {
    AnalyticsConfig config = load(new JsonObject().put("cpu", 0.1).put("tokens", 0.2));
    assertThat(config.recommendations().need(Resource.CPU).violationBudget()).isEqualTo(0.1);
    assertThat(config.recommendations().need(Resource.CPU).percentile()).isCloseTo(0.9, org.assertj.core.data.Offset.offset(1e-12));
    assertThat(config.recommendations().need("tokens").violationBudget()).isEqualTo(0.2);
    assertThat(config.recommendations().need(Resource.MEMORY).violationBudget())
        .isEqualTo(RecommendationConfig.MEMORY_BUDGET);
    assertThat(AnalyticsConfig.fromJson(new JsonObject()).recommendations().need(Resource.CPU).violationBudget())
        .isEqualTo(RecommendationConfig.CPU_BUDGET);
  }

  @Test
  @DisplayName("a budget out of (0, 0.5], not a number, or for a bad resource name fails at load with a clear message")
  void invalidBudgetsFail() {
    assertThatThrownBy(() -> load(new JsonObject().put("cpu", 0.7)))
        .isInstanceOfSatisfying(GovernorException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_REQUEST))
        .hasMessageContaining("analytics.violationBudget.cpu must be a number in (0, 0.5]").hasMessageContaining("0.7");
    assertThatThrownBy(() -> load(new JsonObject().put("memory", 0))).hasMessageContaining("analytics.violationBudget.memory");
    assertThatThrownBy(() -> load(new JsonObject().put("cpu", "tight"))).hasMessageContaining("violationBudget")
        .hasMessageContaining("must be a number");
    assertThatThrownBy(() -> load(new JsonObject().put("bad name", 0.1))).hasMessageContaining("violationBudget");
    assertThatThrownBy(() -> load(0.05)).hasMessageContaining("analytics.violationBudget");
  }
}
