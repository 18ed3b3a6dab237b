package io.agentgovernor.degradation.policy;

import static io.agentgovernor.bus.DegradationStrategy.BATCH_OPERATIONS;
import static io.agentgovernor.bus.DegradationStrategy.CACHE_AGGRESSIVELY;
import static io.agentgovernor.bus.DegradationStrategy.DROP_NON_ESSENTIAL;
import static io.agentgovernor.bus.DegradationStrategy.REDUCE_PRECISION;
import static io.agentgovernor.bus.DegradationStrategy.USE_FALLBACK_ALGORITHM;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.agentgovernor.bus.DegradationStrategy;
import io.agentgovernor.quota.Resource;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class DegradationPlannerTest {

  private final DegradationPlanner planner = DegradationPlanner.ofDefaults();

  @Test
  @DisplayName("memory: the seed's table, level by level")
  void memoryByLevel() {
    assertThat(strategies(Resource.MEMORY, PressureLevel.MINIMAL)).containsExactly(CACHE_AGGRESSIVELY);
    assertThat(strategies(Resource.MEMORY, PressureLevel.MODERATE)).containsExactly(CACHE_AGGRESSIVELY, BATCH_OPERATIONS);
    assertThat(strategies(Resource.MEMORY, PressureLevel.AGGRESSIVE))
        .containsExactly(CACHE_AGGRESSIVELY, BATCH_OPERATIONS, REDUCE_PRECISION);
    assertThat(strategies(Resource.MEMORY, PressureLevel.EMERGENCY))
        .containsExactly(CACHE_AGGRESSIVELY, BATCH_OPERATIONS, REDUCE_PRECISION, DROP_NON_ESSENTIAL);
  }

  @Test
  @DisplayName("cpu: the seed's table, level by level")
  void cpuByLevel() {
    assertThat(strategies(Resource.CPU, PressureLevel.MINIMAL)).containsExactly(BATCH_OPERATIONS);
    assertThat(strategies(Resource.CPU, PressureLevel.MODERATE)).containsExactly(BATCH_OPERATIONS, USE_FALLBACK_ALGORITHM);
    assertThat(strategies(Resource.CPU, PressureLevel.AGGRESSIVE))
        .containsExactly(BATCH_OPERATIONS, USE_FALLBACK_ALGORITHM, REDUCE_PRECISION);
    assertThat(strategies(Resource.CPU, PressureLevel.EMERGENCY))
        .containsExactly(BATCH_OPERATIONS, USE_FALLBACK_ALGORITHM, REDUCE_PRECISION, DROP_NON_ESSENTIAL);
  }

  @Test
  @DisplayName("each strategy is sent with the seed's parameters, then resource, level and intensity")
  void seedParameters() {
    DegradationPlan plan = planner.plan("hog", Resource.MEMORY, PressureLevel.EMERGENCY, 1_000, 0);
    JsonObject cache = plan.strategies().get(0).params();
    assertThat(cache.getDouble("cache_size_increase")).isEqualTo(2.0);
    assertThat(cache.getDouble("cache_duration_increase")).isEqualTo(5.0);
    JsonObject batch = plan.strategies().get(1).params();
    assertThat(batch.getDouble("batch_size_increase")).isEqualTo(3.0);
    assertThat(batch.getInteger("batch_delay")).isEqualTo(1000);
    JsonObject precision = plan.strategies().get(2).params();
    assertThat(precision.getDouble("precision_reduction")).isEqualTo(0.5);
    assertThat(precision.getJsonArray("affected_operations")).containsExactly("calculations", "predictions");
    JsonObject drop = plan.strategies().get(3).params();
    assertThat(drop.getJsonArray("operations_to_drop"))
        .containsExactly("detailed_logging", "metrics_collection", "optional_validations");
    plan.strategies().forEach(step -> {
      assertThat(step.params().getString("resource")).isEqualTo("memory");
      assertThat(step.params().getString("level")).isEqualTo("emergency");
      assertThat(step.intensity()).isEqualTo(1.0);
    });
  }

  @Test
  @DisplayName("a custom strategy, and parameters over the seed's, come from the strategy table")
  void customStrategy() {
    StrategyTable table = StrategyTable.fromJson(new JsonObject().put("custom",
        new JsonArray()
            .add(new JsonObject().put("strategy", "reduce_precision").put("from", "minimal")
                .put("params", new JsonObject().put("precision_reduction", 0.8)))
            .add(new JsonObject().put("strategy", "custom").put("from", "moderate")
                .put("params", new JsonObject().put("name", "cheaper_model").put("model", "small")))));
    DegradationPlanner custom = new DegradationPlanner(DegradationConfig.custom().table(table).build());
    DegradationPlan plan = custom.plan("a", Resource.resolve("llm_tokens", true), PressureLevel.MODERATE, 1, 0);
    assertThat(plan.strategies()).extracting(StrategyStep::strategy).containsExactly(REDUCE_PRECISION,
        DegradationStrategy.CUSTOM);
    assertThat(plan.strategies().get(0).params().getDouble("precision_reduction")).isEqualTo(0.8);
    assertThat(plan.strategies().get(0).params().getJsonArray("affected_operations")).isNotEmpty();
    assertThat(plan.strategies().get(1).toJson().getString("strategy")).isEqualTo("custom");
    assertThat(plan.strategies().get(1).params().getString("name")).isEqualTo("cheaper_model");
    assertThat(plan.strategies().get(1).params().getString("model")).isEqualTo("small");
    assertThatThrownBy(() -> StrategyTable.fromJson(new JsonObject().put("custom", new JsonArray()
        .add(new JsonObject().put("strategy", "custom").put("from", "minimal")))))
        .hasMessageContaining("strategies.custom[0]").hasMessageContaining("params.name");
    assertThatThrownBy(() -> StrategyTable.fromJson(new JsonObject().put("cpu", new JsonArray()
        .add(new JsonObject().put("strategy", "batch_operations").put("after", "minimal")))))
        .hasMessageContaining("unknown field 'after'");
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(value = PressureLevel.class, names = "NONE", mode = EnumSource.Mode.EXCLUDE)
  @DisplayName("every resource, built in or custom, has at least one strategy at every level")
  void everyResourceCovered(PressureLevel level) {
    for (Resource r : Resource.BUILT_IN) {
      assertThat(strategies(r, level)).as(r.name()).isNotEmpty();
    }
    assertThat(strategies(Resource.resolve("llm_tokens", true), level)).isNotEmpty();
  }

  @Test
  @DisplayName("a plan carries agent, resource, level, parameters, target reduction and timeline")
  void planContents() {
    DegradationPlan plan = planner.plan("hog", Resource.MEMORY, PressureLevel.MODERATE, 1_000, 5_000);
    assertThat(plan.targetReduction()).isEqualTo(0.10);
    assertThat(plan.targetUsage()).isEqualTo(900.0);
    assertThat(plan.timelineMs()).isEqualTo(30_000);
    assertThat(plan.evaluateAtMs()).isEqualTo(35_000);
    StrategyStep first = plan.strategies().get(0);
    assertThat(first.intensity()).isEqualTo(0.5);
    assertThat(first.params().getString("resource")).isEqualTo("memory");
    JsonObject json = plan.toJson();
    assertThat(json.getString("level")).isEqualTo("moderate");
    assertThat(json.getJsonArray("strategies").getJsonObject(1).getString("strategy")).isEqualTo("batch_operations");
    assertThat(planner.plan("hog", Resource.CPU, PressureLevel.EMERGENCY, 10, 0).timelineMs()).isEqualTo(15_000);
  }

  @Test
  @DisplayName("deepening plans one level deeper from the usage now, and stays at emergency")
  void deepen() {
    DegradationPlan plan = planner.plan("hog", Resource.MEMORY, PressureLevel.MINIMAL, 1_000, 0);
    DegradationPlan deeper = planner.deepen(plan, 980, 30_000);
    assertThat(deeper.level()).isEqualTo(PressureLevel.MODERATE);
    assertThat(deeper.baselineUsage()).isEqualTo(980.0);
    assertThat(deeper.createdAtMs()).isEqualTo(30_000);
    DegradationPlan top = planner.plan("hog", Resource.MEMORY, PressureLevel.EMERGENCY, 1_000, 0);
    assertThat(planner.deepen(top, 1_000, 1).level()).isEqualTo(PressureLevel.EMERGENCY);
  }

  @Test
  @DisplayName("the strategy table is configurable per resource from JSON")
  void tableFromJson() {
    StrategyTable table = StrategyTable.fromJson(new JsonObject().put("memory", new JsonArray()
        .add(new JsonObject().put("strategy", "drop_non_essential").put("from", "minimal"))
        .add(new JsonObject().put("strategy", "use_fallback_algorithm").put("from", "aggressive"))));
    DegradationPlanner custom = new DegradationPlanner(DegradationConfig.custom().table(table).build());
    assertThat(custom.plan("a", Resource.MEMORY, PressureLevel.MODERATE, 1, 0).strategies())
        .extracting(StrategyStep::strategy).containsExactly(DROP_NON_ESSENTIAL);
    assertThat(custom.plan("a", Resource.CPU, PressureLevel.MINIMAL, 1, 0).strategies())
        .as("resources not listed keep their defaults").extracting(StrategyStep::strategy)
        .containsExactly(BATCH_OPERATIONS);
  }

  @Test
  @DisplayName("unknown strategies, levels and resources in config are refused with the path at fault")
  void invalidTable() {
    assertThatThrownBy(() -> StrategyTable.fromJson(new JsonObject().put("cpu", new JsonArray()
        .add(new JsonObject().put("strategy", "pray").put("from", "minimal")))))
        .hasMessageContaining("strategies.cpu[0]").hasMessageContaining("unknown degradation strategy 'pray'")
        .hasMessageContaining("cache_aggressively");
    assertThatThrownBy(() -> StrategyTable.fromJson(new JsonObject().put("cpu", new JsonArray()
        .add(new JsonObject().put("strategy", "batch_operations").put("from", "severe")))))
        .hasMessageContaining("unknown pressure level 'severe'");
    assertThatThrownBy(() -> StrategyTable.fromJson(new JsonObject().put("gpu", new JsonArray())))
        .hasMessageContaining("strategies.gpu: unknown resource");
    assertThatThrownBy(() -> StrategyTable.fromJson(new JsonObject().put("cpu", "all")))
        .hasMessageContaining("must be an array");
    assertThatThrownBy(() -> StrategyTable.fromJson(new JsonObject().put("cpu", new JsonArray()
        .add(new JsonObject().put("strategy", "batch_operations").put("from", "moderate"))
        .add(new JsonObject().put("strategy", "reduce_precision").put("from", "minimal")))))
        .hasMessageContaining("strategies.cpu[1]").hasMessageContaining("must not decrease");
    assertThatThrownBy(() -> StrategyTable.fromJson(new JsonObject().put("cpu", new JsonArray()
        .add(new JsonObject().put("strategy", "batch_operations"))
        .add(new JsonObject().put("strategy", "batch_operations")))))
        .hasMessageContaining("listed twice");
    assertThatThrownBy(() -> StrategyTable.fromJson(new JsonObject().put("cpu", new JsonArray()
        .add(new JsonObject().put("strategy", "batch_operations").put("from", "none")))))
        .hasMessageContaining("level none");
    assertThatThrownBy(() -> DegradationStrategy.parse("CACHE")).hasMessageContaining("unknown degradation strategy");
  }

  @Test
  @DisplayName("bad planner config and input are refused with clear messages")
  void invalidConfig() {
    assertThatThrownBy(() -> DegradationConfig.custom().targetReduction(PressureLevel.MINIMAL, 1.0).build())
        .hasMessageContaining("targetReduction.minimal must be in (0, 1)");
    assertThatThrownBy(() -> DegradationConfig.custom().timelineMs(PressureLevel.MODERATE, -5).build())
        .hasMessageContaining("timelineMs.moderate must be >= 0");
    assertThatThrownBy(() -> DegradationConfig.custom().intensity(PressureLevel.EMERGENCY, 0).build())
        .hasMessageContaining("intensity.emergency");
    assertThatThrownBy(() -> DegradationConfig.custom().targetReduction(PressureLevel.NONE, 0.1).build())
        .hasMessageContaining("without 'none'");
    assertThatThrownBy(() -> planner.plan("a", Resource.CPU, PressureLevel.NONE, 1, 0))
        .hasMessageContaining("above none");
    assertThatThrownBy(() -> planner.plan("a", Resource.CPU, PressureLevel.MINIMAL, -1, 0))
        .hasMessageContaining("baseline usage");
  }

  private java.util.List<DegradationStrategy> strategies(Resource r, PressureLevel level) {
    return planner.plan("a1", r, level, 100, 0).strategies().stream().map(StrategyStep::strategy).toList();
  }
}
