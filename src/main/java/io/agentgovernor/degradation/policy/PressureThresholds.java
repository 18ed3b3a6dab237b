package io.agentgovernor.degradation.policy;

import io.agentgovernor.bus.GovernorException;
import io.vertx.core.json.JsonObject;

/**
 * The pressure (usage over limit) above which each {@link PressureLevel} starts: a level holds
 * when pressure is strictly greater than its threshold. Thresholds must be finite, positive and
 * strictly increasing from minimal to emergency; anything else is refused at load with a message
 * naming the fault.
 */
public record PressureThresholds(double minimal, double moderate, double aggressive, double emergency) {

  public PressureThresholds {
    check("minimal", minimal);
    check("moderate", moderate);
    check("aggressive", aggressive);
    check("emergency", emergency);
    if (!(minimal < moderate && moderate < aggressive && aggressive < emergency)) {
      throw GovernorException.invalid("pressure thresholds must increase strictly from minimal to emergency, got "
          + minimal + ", " + moderate + ", " + aggressive + ", " + emergency);
    }
  }

  /** The seed's thresholds: 0.9, 1.0, 1.2, 1.5. */
  public static PressureThresholds ofDefaults() {
    return new PressureThresholds(0.9, 1.0, 1.2, 1.5);
  }

  /**
   * Reads {@code {"minimal": 0.9, ...}}; absent levels keep their default, unknown level names and
   * non-numbers are refused.
   */
  public static PressureThresholds fromJson(JsonObject json) {
    PressureThresholds d = ofDefaults();
    double[] t = {d.minimal, d.moderate, d.aggressive, d.emergency};
    for (String field : json.fieldNames()) {
      PressureLevel level = PressureLevel.parse(field);
      if (level == PressureLevel.NONE) {
        throw GovernorException.invalid("pressure level 'none' has no threshold");
      }
      if (!(json.getValue(field) instanceof Number n)) {
        throw GovernorException.invalid("pressure threshold '" + field + "' must be a number");
      }
      t[level.ordinal() - 1] = n.doubleValue();
    }
    return new PressureThresholds(t[0], t[1], t[2], t[3]);
  }

  /** The threshold above which {@code level} starts; 0 for {@code NONE}. */
  public double of(PressureLevel level) {
    return switch (level) {
      case NONE -> 0;
      case MINIMAL -> minimal;
      case MODERATE -> moderate;
      case AGGRESSIVE -> aggressive;
      case EMERGENCY -> emergency;
    };
  }

  /** The deepest level whose threshold {@code pressure} exceeds. */
  public PressureLevel levelFor(double pressure) {
    if (pressure > emergency) {
      return PressureLevel.EMERGENCY;
    }
    if (pressure > aggressive) {
      return PressureLevel.AGGRESSIVE;
    }
    if (pressure > moderate) {
      return PressureLevel.MODERATE;
    }
    return pressure > minimal ? PressureLevel.MINIMAL : PressureLevel.NONE;
  }

  public JsonObject toJson() {
    return new JsonObject().put("minimal", minimal).put("moderate", moderate).put("aggressive", aggressive)
        .put("emergency", emergency);
  }

  private static void check(String name, double value) {
    if (!Double.isFinite(value) || value <= 0) {
      throw GovernorException.invalid("pressure threshold '" + name + "' must be a finite number > 0, got " + value);
    }
  }
}
