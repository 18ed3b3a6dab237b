package io.agentgovernor.quota;

import io.agentgovernor.bus.ErrorCode;
import io.agentgovernor.bus.GovernorException;
import java.util.Arrays;
import java.util.Locale;

/** The actions an escalation ladder (or an operator) can take on an agent. */
public enum ActionType {
  WARN,
  THROTTLE,
  SUSPEND,
  RESUME,
  TERMINATE,
  SCALE_DOWN,
  MIGRATE,
  CUSTOM;

  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** Parses a wire name such as {@code scale_down}; unknown names fail with UNKNOWN_ACTION. */
  public static ActionType parse(String name) {
    if (name != null) {
      for (ActionType t : values()) {
        if (t.wireName().equals(name)) {
          return t;
        }
      }
    }
    throw new GovernorException(ErrorCode.UNKNOWN_ACTION, "unknown action '" + name + "': expected one of "
        + Arrays.stream(values()).map(ActionType::wireName).toList());
  }
}
