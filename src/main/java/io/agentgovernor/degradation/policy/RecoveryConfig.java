package io.agentgovernor.degradation.policy;

import io.agentgovernor.bus.GovernorException;
import io.vertx.core.json.JsonObject;
import java.util.Set;

/**
 * When a recovery stage may run: usage under {@code usageFraction × limit} (default 0.8), no
 * violation for {@code violationHoldMs} (default 60 s), and at least {@code stageIntervalMs}
 * (default 30 s) after the previous stage. Refused at construction with a clear message: a
 * fraction outside [0, 1] or a negative delay.
 */
public record RecoveryConfig(double usageFraction, long violationHoldMs, long stageIntervalMs) {

  private static final Set<String> FIELDS = Set.of("usageFraction", "violationHoldMs", "stageIntervalMs");

  public RecoveryConfig {
    if (!(usageFraction >= 0 && usageFraction <= 1)) {
      throw GovernorException.invalid("recovery usageFraction must be in [0, 1], got " + usageFraction);
    }
    if (violationHoldMs < 0) {
      throw GovernorException.invalid("recovery violationHoldMs must be >= 0, got " + violationHoldMs);
    }
    if (stageIntervalMs < 0) {
      throw GovernorException.invalid("recovery stageIntervalMs must be >= 0, got " + stageIntervalMs);
    }
  }

  public static RecoveryConfig ofDefaults() {
    return custom().build();
  }

  public static Builder custom() {
    return new Builder();
  }

  /** Reads the three fields over the defaults; unknown fields and non-numbers are refused. */
  public static RecoveryConfig fromJson(JsonObject json) {
    Builder b = custom();
    for (String field : json.fieldNames()) {
      if (!FIELDS.contains(field)) {
        throw GovernorException.invalid("recovery: unknown field '" + field + "': expected one of " + FIELDS);
      }
      if (!(json.getValue(field) instanceof Number n)) {
        throw GovernorException.invalid("recovery." + field + " must be a number");
      }
      switch (field) {
        case "usageFraction" -> b.usageFraction(n.doubleValue());
        case "violationHoldMs" -> b.violationHoldMs(n.longValue());
        default -> b.stageIntervalMs(n.longValue());
      }
    }
    return b.build();
  }

  /** A mutable builder; {@link #build()} validates. */
  public static final class Builder {
    private double usageFraction = 0.8;
    private long violationHoldMs = 60_000;
    private long stageIntervalMs = 30_000;

    private Builder() {
    }

    public Builder usageFraction(double usageFraction) {
      this.usageFraction = usageFraction;
      return this;
    }

    public Builder violationHoldMs(long violationHoldMs) {
      this.violationHoldMs = violationHoldMs;
      return this;
    }

    public Builder stageIntervalMs(long stageIntervalMs) {
      this.stageIntervalMs = stageIntervalMs;
      return this;
    }

    public RecoveryConfig build() {
      return new RecoveryConfig(usageFraction, violationHoldMs, stageIntervalMs);
    }
  }
}
