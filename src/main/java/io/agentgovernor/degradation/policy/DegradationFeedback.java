package io.agentgovernor.degradation.policy;

/**
 * Judges whether a {@link DegradationPlan} worked, once its timeline has run out.
 *
 * <ul>
 *   <li>{@code unsupported} at any time: hand the agent to enforcement at once; waiting would only
 *       let the pressure grow.
 *   <li>Before the timeline ends: wait (the agent needs time to shed load).
 *   <li>Usage fell by at least the target reduction: effective.
 *   <li>Otherwise (including no answer at all): one level deeper; at the deepest level there is
 *       nothing left to ask, so enforcement takes over.
 * </ul>
 * Stateless; the caller keeps the plan and acts on the verdict.
 */
public final class DegradationFeedback {

  private DegradationFeedback() {
  }

  public static FeedbackResult evaluate(DegradationPlan plan, long nowMs, double usage, AgentAck ack) {
    double reduction = plan.baselineUsage() <= 0 ? 0 : (plan.baselineUsage() - usage) / plan.baselineUsage();
    if (ack == AgentAck.UNSUPPORTED) {
      return new FeedbackResult(FeedbackResult.Verdict.HAND_TO_ENFORCEMENT, plan.level(), reduction,
          "agent " + plan.agentId() + " answered unsupported");
    }
    if (nowMs < plan.evaluateAtMs()) {
      return new FeedbackResult(FeedbackResult.Verdict.WAIT, plan.level(), reduction,
          "timeline runs until " + plan.evaluateAtMs());
    }
    if (usage <= plan.targetUsage()) {
      return new FeedbackResult(FeedbackResult.Verdict.EFFECTIVE, plan.level(), reduction,
          "usage fell by " + percent(reduction) + ", target " + percent(plan.targetReduction()));
    }
    String missed = "usage fell by " + percent(reduction) + " (target " + percent(plan.targetReduction()) + ")"
        + (ack == AgentAck.NONE ? ", and the agent never answered" : "");
    if (plan.level().isDeepest()) {
      return new FeedbackResult(FeedbackResult.Verdict.HAND_TO_ENFORCEMENT, plan.level(), reduction,
          missed + " at the deepest level");
    }
    return new FeedbackResult(FeedbackResult.Verdict.DEEPEN, plan.level().deeper(), reduction, missed);
  }

  private static String percent(double fraction) {
    return Math.round(fraction * 1000) / 10.0 + " %";
  }
}
