package io.agentgovernor.degradation.impl;

import io.agentgovernor.degradation.policy.DegradationPlan;
import io.agentgovernor.degradation.policy.StrategyStep;
import io.vertx.core.json.JsonObject;

/** What a {@link ResourceTrack} asks its engine to carry out; the track itself never touches the bus. */
sealed interface Effect {

  /** Send every strategy of {@code plan} to the agent (active), and report the acknowledgements back. */
  record Apply(ResourceTrack track, DegradationPlan plan) implements Effect {
  }

  /** Lift one strategy (a recovery stage). */
  record Lift(ResourceTrack track, StrategyStep step) implements Effect {
  }

  /** Apply one strategy again (a rollback). */
  record Reapply(ResourceTrack track, StrategyStep step) implements Effect {
  }

  /** Hand the agent to enforcement; {@code undo} lifts that hand-over once the pressure is gone. */
  record HandOver(ResourceTrack track, boolean undo, String reason) implements Effect {
  }

  /** A feed and history event of {@code type} degradation or recovery. */
  record Event(String type, JsonObject body) implements Effect {
  }
}
