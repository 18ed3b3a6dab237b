package io.agentgovernor.degradation.policy;

import io.agentgovernor.bus.GovernorException;

/**
 * Settings of a {@link PressureStateMachine}: the thresholds, and the hysteresis that keeps the
 * level from flapping around a threshold. Going down a level needs pressure under
 * {@code threshold(current level) - margin} without a break for {@code downHoldMs}; set either to
 * zero to rely on the other alone.
 */
public record PressureConfig(PressureThresholds thresholds, double margin, long downHoldMs) {

  public PressureConfig {
    if (thresholds == null) {
      throw GovernorException.invalid("pressure thresholds are required");
    }
    if (!Double.isFinite(margin) || margin < 0 || margin >= thresholds.minimal()) {
      throw GovernorException.invalid("pressure margin must be in [0, minimal threshold " + thresholds.minimal()
          + "), got " + margin);
    }
    if (downHoldMs < 0) {
      throw GovernorException.invalid("pressure downHoldMs must be >= 0, got " + downHoldMs);
    }
  }

  /** The seed's thresholds, a margin of 0.05 and a 30 s hold. */
  public static PressureConfig ofDefaults() {
    return custom().build();
  }

  public static Builder custom() {
    return new Builder();
  }

  /** A mutable builder; {@link #build()} validates. */
  public static final class Builder {
    private PressureThresholds thresholds = PressureThresholds.ofDefaults();
    private double margin = 0.05;
    private long downHoldMs = 30_000;

    private Builder() {
    }

    public Builder thresholds(double minimal, double moderate, double aggressive, double emergency) {
      this.thresholds = new PressureThresholds(minimal, moderate, aggressive, emergency);
      return this;
    }

    public Builder thresholds(PressureThresholds thresholds) {
      this.thresholds = thresholds;
      return this;
    }

    public Builder margin(double margin) {
      this.margin = margin;
      return this;
    }

    public Builder downHoldMs(long downHoldMs) {
      this.downHoldMs = downHoldMs;
      return this;
    }

    public PressureConfig build() {
      return new PressureConfig(thresholds, margin, downHoldMs);
    }
  }
}
