package io.agentgovernor.degradation.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.agentgovernor.bus.DegradationStrategy;
import io.agentgovernor.quota.Resource;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class RecoveryPlanTest {

  private static final double LIMIT = 1_000;

  private final DegradationPlan degraded =
      DegradationPlanner.ofDefaults().plan("hog", Resource.MEMORY, PressureLevel.AGGRESSIVE, 1_200, 0);
  private final RecoveryPlan plan = RecoveryPlanner.ofDefaults().plan(degraded, LIMIT, 100_000);

  private List<RecoveryEvent> feedEverySecond(long fromMs, long toMs, double usage) {
    List<RecoveryEvent> all = new ArrayList<>();
    for (long t = fromMs; t <= toMs; t += 1_000) {
      all.addAll(plan.update(t, usage));
    }
    return all;
  }

  @Test
  @DisplayName("stages remove the strategies in reverse order of introduction")
  void reverseOrder() {
    assertThat(plan.stages()).extracting(s -> s.strategy().strategy()).containsExactly(
        DegradationStrategy.REDUCE_PRECISION, DegradationStrategy.BATCH_OPERATIONS,
        DegradationStrategy.CACHE_AGGRESSIVELY);
    assertThat(plan.created().stages()).containsExactly("reduce_precision", "batch_operations", "cache_aggressively");
  }

  @Test
  @DisplayName("stage by stage: first after the 60 s hold, then 30 s apart, then complete")
  void stageByStage() {
    List<RecoveryEvent> events = feedEverySecond(101_000, 300_000, 500);
    assertThat(events).extracting(RecoveryEvent::atMs).containsExactly(160_000L, 190_000L, 220_000L, 220_000L);
    assertThat(events.get(0)).isInstanceOfSatisfying(RecoveryEvent.StageCompleted.class,
        e -> assertThat(e.strategy()).isEqualTo("reduce_precision"));
    assertThat(events.get(3)).isInstanceOf(RecoveryEvent.RecoveryCompleted.class);
    assertThat(plan.phase()).isEqualTo(RecoveryPlan.Phase.COMPLETE);
    assertThat(plan.activeStrategies()).isEmpty();
    assertThat(plan.update(400_000, 5_000)).as("a complete plan does nothing").isEmpty();
  }

  @Test
  @DisplayName("a stage waits while usage is not under 0.8 of the limit")
  void waitsForUsageCriterion() {
    assertThat(feedEverySecond(101_000, 400_000, 850)).isEmpty();
    assertThat(plan.update(401_000, 799)).singleElement().isInstanceOf(RecoveryEvent.StageCompleted.class);
  }

  @Test
  @DisplayName("rollback: a returning violation re-applies the last strategy removed and restarts that stage")
  void rollback() {
    feedEverySecond(101_000, 200_000, 500);
    assertThat(plan.completedStages()).isEqualTo(2);
    assertThat(plan.activeStrategies()).extracting(StrategyStep::strategy)
        .containsExactly(DegradationStrategy.CACHE_AGGRESSIVELY);
    List<RecoveryEvent> back = plan.update(201_000, 1_100);
    assertThat(back).singleElement().isInstanceOfSatisfying(RecoveryEvent.RolledBack.class, r -> {
      assertThat(r.stage()).isEqualTo(1);
      assertThat(r.strategy()).isEqualTo("batch_operations");
    });
    assertThat(plan.activeStrategies()).extracting(StrategyStep::strategy)
        .containsExactly(DegradationStrategy.CACHE_AGGRESSIVELY, DegradationStrategy.BATCH_OPERATIONS);
    assertThat(feedEverySecond(202_000, 210_000, 1_100)).as("one rollback per violation episode").isEmpty();
    assertThat(feedEverySecond(211_000, 269_000, 500)).as("the hold restarts at the last violation").isEmpty();
    List<RecoveryEvent> again = plan.update(270_000, 500);
    assertThat(again).singleElement().isInstanceOfSatisfying(RecoveryEvent.StageCompleted.class,
        e -> assertThat(e.stage()).isEqualTo(1));
  }

  @Test
  @DisplayName("a violation before any stage only restarts the hold")
  void violationBeforeFirstStage() {
    assertThat(plan.update(150_000, 1_500)).isEmpty();
    assertThat(feedEverySecond(151_000, 209_000, 500)).isEmpty();
    assertThat(plan.update(210_000, 500)).hasSize(1);
  }

  @Test
  @DisplayName("the history records plans, stages and rollbacks as JSON, bounded")
  void history() {
    RecoveryHistory history = new RecoveryHistory(100);
    history.record(plan.created());
    for (long t = 101_000; t <= 200_000; t += 1_000) {
      history.recordAll(plan.update(t, 500));
    }
    history.recordAll(plan.update(201_000, 2_000));
    JsonArray json = history.toJson();
    assertThat(json.stream().map(o -> ((JsonObject) o).getString("type")).toList())
        .containsExactly("plan_created", "stage_completed", "stage_completed", "rolled_back");
    assertThat(json.getJsonObject(0).getJsonArray("stages")).hasSize(3);
    assertThat(json.getJsonObject(3).getString("strategy")).isEqualTo("batch_operations");
    assertThat(history.rollbacks()).hasSize(1);
    assertThat(history.forAgent("hog")).hasSize(4);
    assertThat(history.forAgent("other")).isEmpty();
    RecoveryHistory small = new RecoveryHistory(2);
    history.events().forEach(small::record);
    assertThat(small.events()).hasSize(2).last().isInstanceOf(RecoveryEvent.RolledBack.class);
    assertThat(new RecoveryEvent.RecoveryCompleted("a", "cpu", 5).toJson().getString("type"))
        .isEqualTo("recovery_completed");
    assertThat(plan.toJson().getJsonArray("stages").getJsonObject(0).getBoolean("done")).isTrue();
  }

  @Test
  @DisplayName("criteria are configurable; fractions outside [0, 1] and negative delays are refused")
  void config() {
    RecoveryConfig fast = RecoveryConfig.fromJson(new JsonObject().put("usageFraction", 0.5)
        .put("violationHoldMs", 0).put("stageIntervalMs", 0));
    RecoveryPlan quick = new RecoveryPlanner(fast).plan(degraded, LIMIT, 0);
    assertThat(quick.update(0, 400)).hasSize(1);
    assertThat(quick.update(0, 600)).as("600 is not under 0.5 of the limit").isEmpty();
    assertThatThrownBy(() -> RecoveryConfig.custom().usageFraction(1.2).build())
        .hasMessageContaining("usageFraction must be in [0, 1], got 1.2");
    assertThatThrownBy(() -> RecoveryConfig.custom().usageFraction(-0.1).build()).hasMessageContaining("[0, 1]");
    assertThatThrownBy(() -> RecoveryConfig.custom().violationHoldMs(-1).build())
        .hasMessageContaining("violationHoldMs must be >= 0");
    assertThatThrownBy(() -> RecoveryConfig.custom().stageIntervalMs(-30).build())
        .hasMessageContaining("stageIntervalMs must be >= 0");
    assertThatThrownBy(() -> RecoveryConfig.fromJson(new JsonObject().put("holdMs", 5)))
        .hasMessageContaining("unknown field 'holdMs'");
    assertThatThrownBy(() -> RecoveryConfig.fromJson(new JsonObject().put("usageFraction", "high")))
        .hasMessageContaining("must be a number");
    assertThatThrownBy(() -> RecoveryPlanner.ofDefaults().plan(degraded, 0, 0)).hasMessageContaining("limit > 0");
    assertThatThrownBy(() -> new RecoveryHistory(0)).hasMessageContaining("capacity");
  }
}
