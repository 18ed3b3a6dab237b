package io.agentgovernor.degradation.impl;

import io.agentgovernor.bus.Events;
import io.agentgovernor.degradation.DegradationSettings;
import io.agentgovernor.degradation.policy.AgentLoad;
import io.agentgovernor.degradation.policy.DegradationPlanner;
import io.agentgovernor.degradation.policy.LevelTransition;
import io.agentgovernor.degradation.policy.LoadShedder;
import io.agentgovernor.degradation.policy.NodePressure;
import io.agentgovernor.degradation.policy.PressureLevel;
import io.agentgovernor.degradation.policy.PressureStateMachine;
import io.agentgovernor.degradation.policy.RecoveryPlanner;
import io.agentgovernor.degradation.policy.SheddingPlan;
import io.agentgovernor.monitor.AgentSample;
import io.agentgovernor.monitor.SampleBatch;
import io.agentgovernor.quota.Resource;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The node's own pressure and load shedding by criticality. The node's level comes from its most
 * pressed dimension; while it is above none, a shedding round every level timeline picks agents
 * with the {@link LoadShedder} (lowest priority first, at most {@code maxShare} of the undegraded
 * ones) and degrades their share of the pressed dimension (heap: memory; cpu and event loop: cpu).
 * Agent usage is put in pressure units (a share of max heap, of all cores, of the event-loop
 * delay by CPU share) so it is comparable with the node's pressure. When the node's level falls to
 * none, every agent it degraded recovers in stages, judged on the node's pressure against its
 * minimal threshold. When every agent is degraded and the node is still pressed, a round deepens
 * one agent's plan instead, lowest priority first.
 */
final class NodeShedding {

  private final String nodeId;
  private final DegradationSettings settings;
  private final PressureStateMachine machine;
  private final LoadShedder shedder;
  private final DegradationPlanner planner;
  private final RecoveryPlanner recoveryPlanner;
  private final Map<String, ResourceTrack> tracks = new LinkedHashMap<>();
  private long nextRoundAtMs;
  private double pressure;

  NodeShedding(String nodeId, DegradationSettings settings) {
    this.nodeId = nodeId;
    this.settings = settings;
    this.machine = PressureStateMachine.forNode(nodeId, settings.node().pressure());
    this.shedder = new LoadShedder(settings.node().maxShare());
    this.planner = new DegradationPlanner(settings.plans());
    this.recoveryPlanner = new RecoveryPlanner(settings.recovery());
  }

  PressureLevel level() {
    return machine.level();
  }

  double pressure() {
    return pressure;
  }

  Collection<ResourceTrack> tracks() {
    return tracks.values();
  }

  List<Effect> onPressure(NodePressure np, SampleBatch batch, long nowMs) {
    pressure = np.pressure();
    double threshold = settings.node().pressure().thresholds().minimal();
    List<Effect> effects = new ArrayList<>();
    tracks.values().forEach(t -> effects.addAll(t.recover(pressure, nowMs)));
    Optional<LevelTransition> t = machine.update(nowMs, pressure);
    t.ifPresent(x -> effects.add(new Effect.Event(Events.DEGRADATION, new JsonObject().put("event", "node_level")
        .put("from", x.from().wireName()).put("level", x.to().wireName()).put("pressure", pressure)
        .put("dimensions", np.toJson()).put("reason", x.reason()))));
    // rows only for the agents tracked here (none, unless the node was pressed): at 100,000 agents a
    // row and a map entry for every sample were 100,000 objects an interval
    Map<String, AgentSample> byId = tracks.isEmpty() ? Map.of() : tracked(batch);
    if (t.isPresent() && t.get().to() == PressureLevel.NONE) {
      tracks.values().forEach(tr -> effects.addAll(tr.startRecovery(threshold,
          byId.containsKey(tr.agentId()) ? byId.get(tr.agentId()).get(tr.resource()) : 0, nowMs)));
    }
    Resource resource = dominant(np) == Dimension.HEAP ? Resource.MEMORY : Resource.CPU;
    if (machine.level() != PressureLevel.NONE) {
      for (ResourceTrack tr : tracks.values()) {
        AgentSample s = byId.get(tr.agentId());
        if (s != null) {
          if (t.isPresent() && t.get().isUp()) {
            effects.addAll(tr.degrade(machine.level(), s.get(tr.resource()), nowMs));
          }
          effects.addAll(tr.feedback(s.get(tr.resource()), nowMs));
        }
      }
      if (nowMs >= nextRoundAtMs) {
        effects.addAll(shed(np, resource, batch.samples(), nowMs));
      }
    }
    tracks.values().removeIf(ResourceTrack::idle);
    return effects;
  }

  /** The rows of the tracked agents in the batch, by id. */
  private Map<String, AgentSample> tracked(SampleBatch batch) {
    Map<String, AgentSample> byId = new HashMap<>();
    for (int i = 0; i < batch.size(); i++) {
      if (tracks.containsKey(batch.agentId(i))) {
        byId.put(batch.agentId(i), batch.sample(i));
      }
    }
    return byId;
  }

  private List<Effect> shed(NodePressure np, Resource resource, List<AgentSample> samples, long nowMs) {
    PressureLevel level = machine.level();
    nextRoundAtMs = nowMs + settings.plans().timelineMs().get(level);
    double totalCpu = samples.stream().mapToDouble(s -> s.get(Resource.CPU)).sum();
    List<AgentLoad> loads = new ArrayList<>();
    for (AgentSample s : samples) {
      ResourceTrack tr = tracks.get(s.agentId());
      loads.add(new AgentLoad(s.agentId(), s.priority(), inPressureUnits(np, s, totalCpu),
          tr != null && !tr.idle()));
    }
    SheddingPlan plan = shedder.select(pressure, settings.node().pressure().thresholds().minimal(), loads,
        settings.plans().targetReduction().get(level));
    List<Effect> effects = new ArrayList<>();
    if (plan.selected().isEmpty()) {
      return deepenOne(samples, level, nowMs);
    }
    effects.add(new Effect.Event(Events.DEGRADATION, new JsonObject().put("event", "shedding").put("level", level.wireName())
        .put("resource", resource.name()).put("shedding", plan.toJson())));
    for (AgentLoad a : plan.selected()) {
      ResourceTrack tr = tracks.computeIfAbsent(a.agentId(),
          id -> new ResourceTrack(id, resource, "node", planner, recoveryPlanner));
      AgentSample s = samples.stream().filter(x -> x.agentId().equals(a.agentId())).findFirst().orElseThrow();
      effects.addAll(tr.degrade(level, s.get(tr.resource()), nowMs));
    }
    return effects;
  }

  /**
   * Every agent is degraded and the node is still pressed: deepen the plan of one of them, the
   * lowest priority first, so relief keeps coming one agent per round and never all at once.
   */
  private List<Effect> deepenOne(List<AgentSample> samples, PressureLevel level, long nowMs) {
    List<AgentSample> byPriority = new ArrayList<>(samples);
    byPriority.sort(java.util.Comparator.comparingInt(AgentSample::priority).thenComparing(AgentSample::agentId));
    for (AgentSample s : byPriority) {
      ResourceTrack tr = tracks.get(s.agentId());
      if (tr != null && tr.plan() != null && tr.recovery() == null && !tr.plan().level().isDeepest()) {
        List<Effect> effects = new ArrayList<>(List.of(new Effect.Event(Events.DEGRADATION, new JsonObject()
            .put("event", "shedding").put("level", level.wireName()).put("resource", tr.resource().name())
            .put("shedding", new JsonObject().put("deepen", s.agentId())))));
        effects.addAll(tr.degrade(tr.plan().level().deeper(), s.get(tr.resource()), nowMs));
        return effects;
      }
    }
    return List.of();
  }

  private double inPressureUnits(NodePressure np, AgentSample s, double totalCpu) {
    return switch (dominant(np)) {
      case HEAP -> s.get(Resource.MEMORY) / np.heapMaxBytes();
      case CPU -> s.get(Resource.CPU) / (100.0 * NodeProbe.cores());
      case EVENT_LOOP -> totalCpu <= 0 ? 0 : s.get(Resource.CPU) / totalCpu * np.eventLoopRatio();
    };
  }

  private enum Dimension { HEAP, CPU, EVENT_LOOP }

  private static Dimension dominant(NodePressure np) {
    if (np.heapRatio() >= np.cpuLoad() && np.heapRatio() >= np.eventLoopRatio()) {
      return Dimension.HEAP;
    }
    return np.cpuLoad() >= np.eventLoopRatio() ? Dimension.CPU : Dimension.EVENT_LOOP;
  }

  /** Forgets agents that are gone from this node. */
  void retain(java.util.function.Predicate<String> alive) {
    tracks.keySet().removeIf(id -> !alive.test(id));
  }

  JsonObject toJson() {
    return new JsonObject().put("node", nodeId).put("level", machine.level().wireName()).put("pressure", pressure);
  }
}
