package io.agentgovernor.enforcement.policy;

import java.util.EnumSet;
import java.util.Set;

/**
 * Where one agent's resource stands in its escalation episode. Each constant declares the phases
 * it may move to, so an illegal move is a bug caught at once rather than a silent state.
 */
public enum EscalationPhase {
  /** Within hard (perhaps above soft, which only warns). */
  COMPLIANT {
    @Override
    public Set<EscalationPhase> next() {
      return EnumSet.of(TOLERATING, ESCALATING);
    }
  },
  /** Above hard, within burst, inside the burst window: recorded, no action. */
  TOLERATING {
    @Override
    public Set<EscalationPhase> next() {
      return EnumSet.of(COMPLIANT, ESCALATING);
    }
  },
  /** The ladder runs: due steps fire while the violation holds. */
  ESCALATING {
    @Override
    public Set<EscalationPhase> next() {
      return EnumSet.of(RECOVERING, TERMINATED);
    }
  },
  /** Back under hard; pending steps cancelled; applied actions wait for the hysteresis to lift. */
  RECOVERING {
    @Override
    public Set<EscalationPhase> next() {
      return EnumSet.of(COMPLIANT, ESCALATING);
    }
  },
  /** The agent was terminated: nothing more to decide. */
  TERMINATED {
    @Override
    public Set<EscalationPhase> next() {
      return EnumSet.noneOf(EscalationPhase.class);
    }
  };

  /** The phases this one may move to. */
  public abstract Set<EscalationPhase> next();

  public boolean canMoveTo(EscalationPhase target) {
    return next().contains(target);
  }
}
