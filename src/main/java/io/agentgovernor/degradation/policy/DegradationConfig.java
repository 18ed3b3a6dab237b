package io.agentgovernor.degradation.policy;

import io.agentgovernor.bus.GovernorException;
import java.util.EnumMap;
import java.util.Map;

/**
 * Settings of the {@link DegradationPlanner}: the {@link StrategyTable}, and per level the target
 * reduction, the timeline and the intensity passed to the agent.
 *
 * <p>Defaults: target reduction 5 % / 10 % / 20 % / 30 % and intensity 0.25 / 0.5 / 0.75 / 1 for
 * minimal / moderate / aggressive / emergency; 30 s to act at every level but emergency (15 s,
 * since the node or the agent is about to fail). Built with {@link #custom()} or {@link #ofDefaults()}.
 */
public record DegradationConfig(StrategyTable table, Map<PressureLevel, Double> targetReduction,
                                Map<PressureLevel, Long> timelineMs, Map<PressureLevel, Double> intensity) {

  public DegradationConfig {
    if (table == null) {
      throw GovernorException.invalid("a strategy table is required");
    }
    targetReduction = complete("targetReduction", targetReduction);
    timelineMs = complete("timelineMs", timelineMs);
    intensity = complete("intensity", intensity);
    for (PressureLevel l : targetReduction.keySet()) {
      double t = targetReduction.get(l);
      if (!(t > 0 && t < 1)) {
        throw GovernorException.invalid("targetReduction." + l.wireName() + " must be in (0, 1), got " + t);
      }
      if (timelineMs.get(l) < 0) {
        throw GovernorException.invalid("timelineMs." + l.wireName() + " must be >= 0, got " + timelineMs.get(l));
      }
      double i = intensity.get(l);
      if (!(i > 0 && i <= 1)) {
        throw GovernorException.invalid("intensity." + l.wireName() + " must be in (0, 1], got " + i);
      }
    }
  }

  public static DegradationConfig ofDefaults() {
    return custom().build();
  }

  public static Builder custom() {
    return new Builder();
  }

  private static <T> Map<PressureLevel, T> complete(String what, Map<PressureLevel, T> values) {
    if (values == null || values.containsKey(PressureLevel.NONE)) {
      throw GovernorException.invalid(what + " must be given per level, without 'none'");
    }
    for (PressureLevel l : PressureLevel.values()) {
      if (l != PressureLevel.NONE && values.get(l) == null) {
        throw GovernorException.invalid(what + " is missing level " + l.wireName());
      }
    }
    return Map.copyOf(values);
  }

  /** A mutable builder seeded with the defaults; {@link #build()} validates. */
  public static final class Builder {
    private StrategyTable table = StrategyTable.ofDefaults();
    private final Map<PressureLevel, Double> targetReduction = new EnumMap<>(Map.of(PressureLevel.MINIMAL, 0.05,
        PressureLevel.MODERATE, 0.10, PressureLevel.AGGRESSIVE, 0.20, PressureLevel.EMERGENCY, 0.30));
    private final Map<PressureLevel, Long> timelineMs = new EnumMap<>(Map.of(PressureLevel.MINIMAL, 30_000L,
        PressureLevel.MODERATE, 30_000L, PressureLevel.AGGRESSIVE, 30_000L, PressureLevel.EMERGENCY, 15_000L));
    private final Map<PressureLevel, Double> intensity = new EnumMap<>(Map.of(PressureLevel.MINIMAL, 0.25,
        PressureLevel.MODERATE, 0.5, PressureLevel.AGGRESSIVE, 0.75, PressureLevel.EMERGENCY, 1.0));

    private Builder() {
    }

    public Builder table(StrategyTable table) {
      this.table = table;
      return this;
    }

    public Builder targetReduction(PressureLevel level, double fraction) {
      targetReduction.put(level, fraction);
      return this;
    }

    public Builder timelineMs(PressureLevel level, long ms) {
      timelineMs.put(level, ms);
      return this;
    }

    public Builder intensity(PressureLevel level, double value) {
      intensity.put(level, value);
      return this;
    }

    public DegradationConfig build() {
      return new DegradationConfig(table, targetReduction, timelineMs, intensity);
    }
  }
}
