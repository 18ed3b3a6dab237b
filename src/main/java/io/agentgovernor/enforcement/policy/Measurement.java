package io.agentgovernor.enforcement.policy;

import io.agentgovernor.bus.GovernorException;
import io.agentgovernor.quota.LadderStep;
import io.agentgovernor.quota.Limit;
import java.util.List;

/**
 * One sample fed to the {@link EscalationPolicy}: the measured amount of one resource of one agent
 * at {@code nowMs}, with the limit and the settings in force for that agent at that moment.
 *
 * @param ladder the effective ladder (group or quota override); empty or null means the limit's own
 *     ladder, and failing that the policy's default
 * @param dryRun whether decisions are only recorded, never applied
 * @param hysteresis the lifting rule for this agent, or null for the policy's default
 */
public record Measurement(long nowMs, double current, Limit limit, List<LadderStep> ladder, boolean dryRun,
                          Hysteresis hysteresis) {

  public Measurement {
    if (limit == null) {
      throw GovernorException.invalid("a measurement needs a limit");
    }
    if (!Double.isFinite(current) || current < 0) {
      throw GovernorException.invalid("a measured amount must be finite and >= 0, got " + current);
    }
    ladder = ladder == null ? List.of() : List.copyOf(ladder);
  }

  /** A sample against the limit's own (or the default) ladder, applied for real, default hysteresis. */
  public static Measurement of(long nowMs, double current, Limit limit) {
    return new Measurement(nowMs, current, limit, List.of(), false, null);
  }

  public Measurement withDryRun(boolean dryRun) {
    return new Measurement(nowMs, current, limit, ladder, dryRun, hysteresis);
  }

  public Measurement withLadder(List<LadderStep> ladder) {
    return new Measurement(nowMs, current, limit, ladder, dryRun, hysteresis);
  }

  public Measurement withHysteresis(Hysteresis hysteresis) {
    return new Measurement(nowMs, current, limit, ladder, dryRun, hysteresis);
  }
}
