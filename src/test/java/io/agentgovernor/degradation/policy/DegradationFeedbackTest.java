package io.agentgovernor.degradation.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.agentgovernor.quota.Resource;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class DegradationFeedbackTest {

  private final DegradationPlanner planner = DegradationPlanner.ofDefaults();
  private final DegradationPlan minimal = planner.plan("hog", Resource.MEMORY, PressureLevel.MINIMAL, 1_000, 0);

  @Test
  @DisplayName("before the timeline ends: wait")
  void waitsForTimeline() {
    assertThat(DegradationFeedback.evaluate(minimal, 29_999, 1_000, AgentAck.APPLIED).verdict())
        .isEqualTo(FeedbackResult.Verdict.WAIT);
  }

  @Test
  @DisplayName("usage fell by the target: effective, same level")
  void effective() {
    FeedbackResult r = DegradationFeedback.evaluate(minimal, 30_000, 950, AgentAck.APPLIED);
    assertThat(r.verdict()).isEqualTo(FeedbackResult.Verdict.EFFECTIVE);
    assertThat(r.nextLevel()).isEqualTo(PressureLevel.MINIMAL);
    assertThat(r.reduction()).isEqualTo(0.05);
  }

  @Test
  @DisplayName("target missed: one level deeper")
  void deepensWhenMissed() {
    FeedbackResult r = DegradationFeedback.evaluate(minimal, 30_000, 990, AgentAck.APPLIED);
    assertThat(r.verdict()).isEqualTo(FeedbackResult.Verdict.DEEPEN);
    assertThat(r.nextLevel()).isEqualTo(PressureLevel.MODERATE);
    assertThat(r.toJson().getString("verdict")).isEqualTo("deepen");
  }

  @Test
  @DisplayName("no answer by the end of the timeline counts as no effect")
  void noAnswerDeepens() {
    FeedbackResult r = DegradationFeedback.evaluate(minimal, 30_000, 1_000, AgentAck.NONE);
    assertThat(r.verdict()).isEqualTo(FeedbackResult.Verdict.DEEPEN);
    assertThat(r.reason()).contains("never answered");
  }

  @Test
  @DisplayName("an agent that answers unsupported is handed to enforcement at once")
  void unsupportedHandsOver() {
    assertThat(DegradationFeedback.evaluate(minimal, 1, 1_000, AgentAck.UNSUPPORTED).verdict())
        .isEqualTo(FeedbackResult.Verdict.HAND_TO_ENFORCEMENT);
  }

  @Test
  @DisplayName("deepening through every level until no effect at emergency hands the agent to enforcement")
  void deepenToEnforcement() {
    DegradationPlan plan = minimal;
    long now = 0;
    FeedbackResult r;
    int deepenings = 0;
    while (true) {
      now = plan.evaluateAtMs();
      r = DegradationFeedback.evaluate(plan, now, 1_000, AgentAck.APPLIED);
      if (r.verdict() != FeedbackResult.Verdict.DEEPEN) {
        break;
      }
      deepenings++;
      plan = planner.deepen(plan, 1_000, now);
    }
    assertThat(deepenings).isEqualTo(3);
    assertThat(plan.level()).isEqualTo(PressureLevel.EMERGENCY);
    assertThat(r.verdict()).isEqualTo(FeedbackResult.Verdict.HAND_TO_ENFORCEMENT);
    assertThat(r.reason()).contains("deepest level");
  }

  @Test
  @DisplayName("acknowledgements parse from the wire; anything else is refused")
  void ackParse() {
    assertThat(AgentAck.parse("applied")).isEqualTo(AgentAck.APPLIED);
    assertThat(AgentAck.parse("unsupported")).isEqualTo(AgentAck.UNSUPPORTED);
    assertThatThrownBy(() -> AgentAck.parse("maybe")).hasMessageContaining("expected applied or unsupported");
  }
}
