package io.agentgovernor.degradation.policy;

import static org.assertj.core.api.Assertions.assertThat;

import io.agentgovernor.bus.DegradationStrategy;
import io.agentgovernor.quota.Resource;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The pieces together on a fake clock, as the degradation verticle will drive them: a memory-hog
 * grows past 0.9 of its limit, is planned, deepened when it does not shed enough, sheds, and is
 * recovered stage by stage once the pressure ends.
 */
class DegradationScenarioTest {

  @Test
  @DisplayName("memory-hog: minimal plan, deepened on a missed target, then recovered stage by stage")
  void memoryHogLifecycle() {
    double limit = 1_000;
    PressureStateMachine pressure = PressureStateMachine.forAgent("hog", "memory", PressureConfig.ofDefaults());
    DegradationPlanner planner = DegradationPlanner.ofDefaults();
    List<PressureLevel> levels = new ArrayList<>();

    pressure.update(0, 950 / limit).ifPresent(t -> levels.add(t.to()));
    DegradationPlan plan = planner.plan("hog", Resource.MEMORY, pressure.level(), 950, 0);
    assertThat(plan.strategies()).extracting(StrategyStep::strategy)
        .containsExactly(DegradationStrategy.CACHE_AGGRESSIVELY);

    // It keeps growing during the timeline: the target is missed, the plan deepens.
    pressure.update(15_000, 1_050 / limit).ifPresent(t -> levels.add(t.to()));
    FeedbackResult first = DegradationFeedback.evaluate(plan, plan.evaluateAtMs(), 1_050, AgentAck.APPLIED);
    assertThat(first.verdict()).isEqualTo(FeedbackResult.Verdict.DEEPEN);
    plan = planner.deepen(plan, 1_050, plan.evaluateAtMs());
    assertThat(plan.level()).isEqualTo(PressureLevel.MODERATE);
    assertThat(plan.strategies()).extracting(StrategyStep::strategy)
        .containsExactly(DegradationStrategy.CACHE_AGGRESSIVELY, DegradationStrategy.BATCH_OPERATIONS);

    // Under batch_operations it sheds 30 %.
    FeedbackResult second = DegradationFeedback.evaluate(plan, plan.evaluateAtMs(), 735, AgentAck.APPLIED);
    assertThat(second.verdict()).isEqualTo(FeedbackResult.Verdict.EFFECTIVE);

    // Pressure ends: the level falls one step at a time, then recovery removes the strategies.
    long t = plan.evaluateAtMs();
    while (pressure.level() != PressureLevel.NONE) {
      t += 1_000;
      pressure.update(t, 0.7).ifPresent(x -> levels.add(x.to()));
    }
    assertThat(levels).containsExactly(PressureLevel.MINIMAL, PressureLevel.MODERATE, PressureLevel.MINIMAL,
        PressureLevel.NONE);

    RecoveryPlan recovery = RecoveryPlanner.ofDefaults().plan(plan, limit, t);
    RecoveryHistory history = new RecoveryHistory(50);
    history.record(recovery.created());
    while (recovery.phase() != RecoveryPlan.Phase.COMPLETE) {
      t += 1_000;
      history.recordAll(recovery.update(t, 700));
    }
    assertThat(history.events()).extracting(e -> e.getClass().getSimpleName()).containsExactly(
        "PlanCreated", "StageCompleted", "StageCompleted", "RecoveryCompleted");
    assertThat(history.events().get(1)).isInstanceOfSatisfying(RecoveryEvent.StageCompleted.class,
        e -> assertThat(e.strategy()).isEqualTo("batch_operations"));
  }
}
