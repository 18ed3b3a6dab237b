package io.agentgovernor.degradation.policy;

import io.agentgovernor.bus.GovernorException;
import java.util.Arrays;
import java.util.Locale;

/**
 * How hard a resource is pressed (usage over limit), from {@code NONE} to {@code EMERGENCY}.
 * The thresholds (the seed's: minimal > 0.9, moderate > 1.0, aggressive > 1.2, emergency > 1.5)
 * live in {@link PressureThresholds}, so they can be configured.
 *
 * <p>Transitions: pressure may rise any number of levels at once (danger is acted on at once),
 * but falls one level at a time ({@link #canMoveTo}), so recovery is gradual and observable.
 */
public enum PressureLevel {
  NONE,
  MINIMAL,
  MODERATE,
  AGGRESSIVE,
  EMERGENCY;

  private static final PressureLevel[] VALUES = values();

  // computed once: the name is read for every pressed track on every sample (degradation status)
  private final String wireName = name().toLowerCase(Locale.ROOT);

  public String wireName() {
    return wireName;
  }

  /** One level deeper, or this one when already the deepest. */
  public PressureLevel deeper() {
    return this == EMERGENCY ? this : VALUES[ordinal() + 1];
  }

  /** One level shallower, or {@code NONE}. */
  public PressureLevel shallower() {
    return this == NONE ? this : VALUES[ordinal() - 1];
  }

  public boolean isDeepest() {
    return this == EMERGENCY;
  }

  /** Up to any deeper level; down only to the next shallower one. */
  public boolean canMoveTo(PressureLevel target) {
    return target.ordinal() > ordinal() || (this != NONE && target == shallower());
  }

  /** Parses a wire name such as {@code moderate}; unknown names fail with a message listing the valid ones. */
  public static PressureLevel parse(String name) {
    for (PressureLevel level : VALUES) {
      if (level.wireName().equals(name)) {
        return level;
      }
    }
    throw GovernorException.invalid("unknown pressure level '" + name + "': expected one of "
        + Arrays.stream(VALUES).map(PressureLevel::wireName).toList());
  }
}
