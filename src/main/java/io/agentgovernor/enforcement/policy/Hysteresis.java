package io.agentgovernor.enforcement.policy;

import io.agentgovernor.bus.GovernorException;

/**
 * When a throttle or a suspension may be lifted after a hard violation: usage must stay under
 * {@code fraction × hard} for {@code holdMs} without a break.
 *
 * <p>Lifting at the first sample under the limit would let an agent that sits just at its limit
 * flap between throttled and free every interval; the band and the hold make a lift mean that
 * the pressure is really gone.
 *
 * @param fraction the share of the hard limit usage must stay under, in (0, 1]
 * @param holdMs how long usage must stay under it, {@code >= 0}
 */
public record Hysteresis(double fraction, long holdMs) {

  public static final double DEFAULT_FRACTION = 0.9;
  public static final long DEFAULT_HOLD_MS = 10_000;

  public Hysteresis {
    if (!(fraction > 0 && fraction <= 1)) {
      throw GovernorException.invalid("hysteresis fraction must be in (0, 1], got " + fraction);
    }
    if (holdMs < 0) {
      throw GovernorException.invalid("hysteresis holdMs must be >= 0, got " + holdMs);
    }
  }

  /** Usage under 0.9 of hard for 10 s. */
  public static Hysteresis ofDefaults() {
    return new Hysteresis(DEFAULT_FRACTION, DEFAULT_HOLD_MS);
  }
}
