package io.agentgovernor.enforcement.policy;

import java.util.concurrent.atomic.AtomicLong;

/**
 * A per-agent, strictly increasing counter stamped on every {@link Decision}.
 *
 * <p>Two decisions for one agent (say a ladder step and an operator's manual action, or steps for
 * two resources) must never both apply. Sharing one sequence among all the agent's
 * {@link EscalationState}s lets the applier keep the highest sequence it has applied and refuse
 * any decision stamped lower as superseded, whatever order the decisions arrive in.
 */
public final class DecisionSequence {

  private final AtomicLong last = new AtomicLong();

  /** The next sequence number, greater than every one handed out before. */
  public long next() {
    return last.incrementAndGet();
  }

  /** The last number handed out; 0 before the first. */
  public long last() {
    return last.get();
  }

  /**
   * Whether {@code candidate} is superseded given the highest sequence already applied: true when
   * it is not newer. An applier calls this before carrying a decision out.
   */
  public static boolean isSuperseded(Decision candidate, long lastApplied) {
    return candidate.sequence() <= lastApplied;
  }
}
