package io.agentgovernor.degradation.impl;

import io.agentgovernor.bus.Events;
import io.agentgovernor.degradation.DegradationSettings;
import io.agentgovernor.degradation.policy.DegradationPlanner;
import io.agentgovernor.degradation.policy.LevelTransition;
import io.agentgovernor.degradation.policy.PressureLevel;
import io.agentgovernor.degradation.policy.PressureStateMachine;
import io.agentgovernor.degradation.policy.RecoveryPlanner;
import io.agentgovernor.monitor.SampleBatch;
import io.agentgovernor.quota.CompiledQuota;
import io.agentgovernor.quota.Limit;
import io.agentgovernor.quota.Resource;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * Every agent's own pressure on this node: per agent and limited resource a
 * {@link PressureStateMachine} on usage over the hard limit, and the {@link ResourceTrack} it
 * drives. Entering a deeper level plans it; the level falling to none starts the recovery.
 */
final class AgentTracks {

  private record TrackKey(String agentId, String resource) {
  }

  /** A machine and its track, for one agent's resource. */
  record Pressed(PressureStateMachine machine, ResourceTrack track) {
  }

  private final DegradationSettings settings;
  private final DegradationPlanner planner;
  private final RecoveryPlanner recoveryPlanner;
  private final Map<TrackKey, Pressed> byKey = new LinkedHashMap<>();
  /** Tracks per agent in {@code byKey}: an agent with none and no pressure costs no key built (see {@link #concerns}). */
  private final Map<String, Integer> tracksPerAgent = new HashMap<>();

  AgentTracks(DegradationSettings settings) {
    this.settings = settings;
    this.planner = new DegradationPlanner(settings.plans());
    this.recoveryPlanner = new RecoveryPlanner(settings.recovery());
  }

  Collection<Pressed> all() {
    return byKey.values();
  }

  /**
   * Whether sample {@code i} of a batch needs {@link #onSample} for its limits: one of them is
   * pressed beyond the minimal level, or the agent has a track already. Read from the batch's
   * columns; the agent's id is looked up only when no limit is pressed and some agent has a track,
   * so the common case (nothing pressed anywhere) touches neither the id nor a map: with every
   * limit of every agent looked up by id, that hash lookup was most of degradation's cost per
   * interval (JFR, 10,000 busy agents).
   */
  boolean concerns(SampleBatch batch, int i, CompiledQuota quota) {
    double minimal = settings.agentPressure().thresholds().minimal();
    for (int k = 0; k < quota.limitCount(); k++) {
      if (pressure(batch.get(i, quota.resourceAt(k)), quota.limitAt(k)) > minimal) {
        return true;
      }
    }
    return !tracksPerAgent.isEmpty() && tracksPerAgent.containsKey(batch.agentId(i));
  }

  private static double pressure(double usage, Limit limit) {
    return limit.hard() <= 0 ? 0 : usage / limit.hard();
  }

  /**
   * One sample of one resource. Recovery first, so a returning violation rolls back before the
   * machine sees it; then the level; then the feedback on the plan in force.
   */
  List<Effect> onSample(String agentId, Resource resource, double usage, Limit limit, long nowMs) {
    double pressure = pressure(usage, limit);
    if (pressure <= settings.agentPressure().thresholds().minimal() && !tracksPerAgent.containsKey(agentId)) {
      return List.of(); // the common case: nothing pressed and nothing to remember
    }
    TrackKey key = new TrackKey(agentId, resource.name()); // both strings' hashes are cached: no new string hashed
    Pressed p = byKey.get(key);
    if (p == null) {
      if (pressure <= settings.agentPressure().thresholds().minimal()) {
        return List.of(); // nothing pressed and nothing to remember
      }
      p = new Pressed(PressureStateMachine.forAgent(agentId, resource.name(), settings.agentPressure()),
          new ResourceTrack(agentId, resource, "agent", planner, recoveryPlanner));
      byKey.put(key, p);
      tracksPerAgent.merge(agentId, 1, Integer::sum);
    }
    List<Effect> effects = new ArrayList<>(p.track().recover(usage, nowMs));
    Optional<LevelTransition> t = p.machine().update(nowMs, pressure);
    if (t.isPresent()) {
      effects.add(levelEvent(agentId, resource, t.get()));
      if (t.get().isUp()) {
        effects.addAll(p.track().degrade(t.get().to(), usage, nowMs));
      } else if (t.get().to() == PressureLevel.NONE) {
        effects.addAll(p.track().startRecovery(limit.hard(), usage, nowMs));
      }
    }
    effects.addAll(p.track().feedback(usage, nowMs));
    if (p.machine().level() == PressureLevel.NONE && p.track().idle()) {
      byKey.remove(key);
      tracksPerAgent.computeIfPresent(agentId, (id, n) -> n <= 1 ? null : n - 1);
    }
    return effects;
  }

  /** Forgets agents that are gone from this node. */
  void retain(Predicate<String> alive) {
    byKey.values().removeIf(p -> !alive.test(p.track().agentId()));
    tracksPerAgent.keySet().removeIf(id -> !alive.test(id));
  }

  static Effect levelEvent(String agentId, Resource resource, LevelTransition t) {
    return new Effect.Event(Events.DEGRADATION, new JsonObject().put("event", "level").put("agentId", agentId)
        .put("resource", resource.name()).put("source", "agent").put("from", t.from().wireName())
        .put("level", t.to().wireName()).put("pressure", t.pressure()).put("reason", t.reason()));
  }
}
