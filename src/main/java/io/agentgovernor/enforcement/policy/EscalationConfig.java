package io.agentgovernor.enforcement.policy;

import io.agentgovernor.bus.GovernorException;
import io.agentgovernor.quota.ActionType;
import io.agentgovernor.quota.LadderStep;
import java.util.List;

/**
 * Node-wide settings of the {@link EscalationPolicy}: how often a soft violation may warn, the
 * default hysteresis for lifting actions, and the ladder used where neither the measurement nor
 * the limit names one.
 *
 * <p>Built with {@link #custom()} (validated on {@code build()}) or {@link #ofDefaults()}.
 */
public record EscalationConfig(long warnIntervalMs, Hysteresis hysteresis, List<LadderStep> defaultLadder) {

  /**
   * Our default ladder: warn at once, throttle after 30 s, suspend after 5 min, terminate after 10
   * min. The delays are the seed's escalation delays chained into one ladder; the seed itself runs
   * only a limit's one {@code enforcement_action}, after that action's delay (a seed-style limit
   * means exactly that: see {@code quota.SeedForm}).
   */
  public static final List<LadderStep> DEFAULT_LADDER = List.of(
      LadderStep.of(ActionType.WARN, 0),
      LadderStep.of(ActionType.THROTTLE, 30_000),
      LadderStep.of(ActionType.SUSPEND, 300_000),
      LadderStep.of(ActionType.TERMINATE, 600_000));

  public static final long DEFAULT_WARN_INTERVAL_MS = 60_000;

  public EscalationConfig {
    if (warnIntervalMs < 0) {
      throw GovernorException.invalid("warnIntervalMs must be >= 0, got " + warnIntervalMs);
    }
    if (hysteresis == null) {
      throw GovernorException.invalid("hysteresis is required");
    }
    if (defaultLadder == null || defaultLadder.isEmpty()) {
      throw GovernorException.invalid("the default ladder needs at least one step");
    }
    defaultLadder = List.copyOf(defaultLadder);
    for (int i = 1; i < defaultLadder.size(); i++) {
      if (defaultLadder.get(i).afterMs() < defaultLadder.get(i - 1).afterMs()) {
        throw GovernorException.invalid("default ladder steps must be in order of afterMs (step " + i
            + " comes before step " + (i - 1) + ")");
      }
    }
  }

  public static EscalationConfig ofDefaults() {
    return custom().build();
  }

  public static Builder custom() {
    return new Builder();
  }

  /** A mutable builder; {@link #build()} validates. */
  public static final class Builder {
    private long warnIntervalMs = DEFAULT_WARN_INTERVAL_MS;
    private Hysteresis hysteresis = Hysteresis.ofDefaults();
    private List<LadderStep> defaultLadder = DEFAULT_LADDER;

    private Builder() {
    }

    public Builder warnIntervalMs(long warnIntervalMs) {
      this.warnIntervalMs = warnIntervalMs;
      return this;
    }

    public Builder hysteresis(double fraction, long holdMs) {
      this.hysteresis = new Hysteresis(fraction, holdMs);
      return this;
    }

    public Builder defaultLadder(List<LadderStep> defaultLadder) {
      this.defaultLadder = defaultLadder;
      return this;
    }

    public EscalationConfig build() {
      return new EscalationConfig(warnIntervalMs, hysteresis, defaultLadder);
    }
  }
}
