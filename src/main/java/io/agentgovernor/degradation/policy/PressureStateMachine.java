package io.agentgovernor.degradation.policy;

import io.agentgovernor.bus.GovernorException;
import java.util.Objects;
import java.util.Optional;

/**
 * The pressure level of one agent's resource, or of one node, as an explicit state machine.
 *
 * <p>Up: at once, to the deepest level the pressure exceeds (waiting would let memory run out).
 * Down: one level at a time, and only after the pressure has stayed under the current level's
 * threshold minus the margin for the hold time; each further step down needs a new hold. A
 * pressure that hovers around a threshold therefore moves the level up once and then holds it.
 *
 * <p>Time comes in with each sample (tests pass numbers, nobody sleeps). Not thread-safe: one
 * machine per key, driven by one sampler.
 */
public final class PressureStateMachine {

  private static final long NEVER = Long.MIN_VALUE;

  private final String key;
  private final PressureConfig config;
  private PressureLevel level = PressureLevel.NONE;
  private long underSinceMs = NEVER;

  public PressureStateMachine(String key, PressureConfig config) {
    this.key = Objects.requireNonNull(key, "key");
    this.config = Objects.requireNonNull(config, "config");
  }

  /** A machine for one agent's resource: key {@code agentId/resource}. */
  public static PressureStateMachine forAgent(String agentId, String resource, PressureConfig config) {
    return new PressureStateMachine(agentId + "/" + resource, config);
  }

  /** A machine for a whole node: key {@code node:<nodeId>}. */
  public static PressureStateMachine forNode(String nodeId, PressureConfig config) {
    return new PressureStateMachine("node:" + nodeId, config);
  }

  public String key() {
    return key;
  }

  public PressureLevel level() {
    return level;
  }

  /** Feeds one pressure sample (usage / limit); returns the transition it causes, if any. */
  public Optional<LevelTransition> update(long nowMs, double pressure) {
    if (!Double.isFinite(pressure) || pressure < 0) {
      throw GovernorException.invalid("pressure must be finite and >= 0, got " + pressure);
    }
    PressureLevel indicated = config.thresholds().levelFor(pressure);
    if (indicated.ordinal() > level.ordinal()) {
      underSinceMs = NEVER;
      return Optional.of(moveTo(indicated, pressure, nowMs,
          "pressure " + pressure + " > " + config.thresholds().of(indicated)));
    }
    if (indicated == level) {
      underSinceMs = NEVER;
      return Optional.empty();
    }
    return stepDownAfterHold(nowMs, pressure);
  }

  private Optional<LevelTransition> stepDownAfterHold(long nowMs, double pressure) {
    double bar = config.thresholds().of(level) - config.margin();
    if (pressure >= bar) {
      underSinceMs = NEVER;
      return Optional.empty();
    }
    if (underSinceMs == NEVER) {
      underSinceMs = nowMs;
    }
    long held = nowMs - underSinceMs;
    if (held < config.downHoldMs()) {
      return Optional.empty();
    }
    // The next level down needs its own hold, measured from now.
    underSinceMs = nowMs;
    return Optional.of(moveTo(level.shallower(), pressure, nowMs,
        "pressure " + pressure + " < " + bar + " for " + held + " ms"));
  }

  private LevelTransition moveTo(PressureLevel target, double pressure, long nowMs, String reason) {
    if (!level.canMoveTo(target)) {
      throw new IllegalStateException(key + ": pressure level cannot move from " + level + " to " + target);
    }
    LevelTransition t = new LevelTransition(key, level, target, pressure, nowMs, reason);
    level = target;
    return t;
  }
}
