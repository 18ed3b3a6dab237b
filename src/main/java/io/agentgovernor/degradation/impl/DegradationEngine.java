package io.agentgovernor.degradation.impl;

import com.hazelcast.config.Config;
import io.agentgovernor.cluster.BoundedAppend;
import io.agentgovernor.bus.Events;
import io.agentgovernor.bus.Addresses;
import io.agentgovernor.bus.Json;
import io.agentgovernor.degradation.DegradationSettings;
import io.agentgovernor.degradation.policy.NodePressure;
import io.agentgovernor.monitor.SampleBatch;
import io.agentgovernor.agent.RuntimeContext;
import io.agentgovernor.quota.CompiledQuota;
import io.agentgovernor.quota.Resource;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Adapts the degradation policy to this node: every sample batch goes through the agents' own
 * pressure ({@link AgentTracks}) and the node's ({@link NodeShedding}); the {@link Effect}s they
 * return are carried out by {@link AgentCommands}, published as feed events and kept in the
 * {@link DegradationStore}. Runs on the degradation verticle's event loop only.
 */
public final class DegradationEngine {

  private static final Logger LOG = LoggerFactory.getLogger(DegradationEngine.class);

  private final Vertx vertx;
  private final RuntimeContext node;
  private final DegradationSettings settings;
  private final AgentTracks agents;
  private final NodeShedding shedding;
  private final NodeProbe probe;
  private final AgentCommands commands;
  private final DegradationStore store;
  /**
   * What this node last wrote to the status map, per key, and when: an entry is written again only
   * when it changed or half its time-to-live has passed, not with every sample (a storm of 1,000
   * pressed agents at a 100 ms interval was 10,000 map writes a second, and made breach-to-action
   * 14x slower: load-tests/breach-latency.sh 10000 1000).
   */
  private final Map<String, Written> published = new HashMap<>();
  private NodePressure lastRead;

  /** A status entry as this node last wrote it (encoded), when, and what it was built from (null: always rebuilt). */
  private record Written(String entry, long atMs, Object version) {
  }

  public DegradationEngine(Vertx vertx, RuntimeContext node, DegradationSettings settings) {
    this.vertx = vertx;
    this.node = node;
    this.settings = settings;
    this.agents = new AgentTracks(settings);
    this.shedding = new NodeShedding(node.nodeId(), settings);
    this.probe = new NodeProbe(settings.node());
    this.commands = new AgentCommands(vertx);
    this.store = new DegradationStore(vertx, node.hazelcast(), settings.historyPerAgent());
  }

  /** The configuration of the maps degradation keeps: its history's values as objects ({@link BoundedAppend#configure}). */
  public static void configureMaps(Config hz, int backupCount) {
    BoundedAppend.configure(hz, DegradationStore.HISTORY, backupCount);
  }

  /** How late an event loop's probe timer fired (ms); called on that loop. */
  public void eventLoopLate(long ms) {
    probe.late(ms);
  }

  /** The highest heap in use after a collection seen so far (bytes), for measurements. */
  public long peakHeapAfterGc() {
    return probe.peakHeapAfterGc();
  }

  public void onBatch(SampleBatch batch) {
    long now = batch.time();
    List<Effect> effects = new ArrayList<>();
    for (int i = 0; i < batch.size(); i++) {
      CompiledQuota quota = batch.quota(i); // as the monitor checked the sample: no lookup per agent
      if (quota == null || !agents.concerns(batch, i, quota)) {
        continue;
      }
      String agentId = batch.agentId(i);
      for (int k = 0; k < quota.limitCount(); k++) {
        Resource r = quota.resourceAt(k);
        List<Effect> fx = agents.onSample(agentId, r, batch.get(i, r), quota.limitAt(k), now);
        if (!fx.isEmpty()) {
          effects.addAll(fx);
        }
      }
    }
    if (settings.node().enabled()) {
      lastRead = probe.read();
      effects.addAll(shedding.onPressure(lastRead, batch, now));
    }
    agents.retain(id -> node.localAgents().get(id) != null);
    shedding.retain(id -> node.localAgents().get(id) != null);
    commands.retain(id -> node.localAgents().get(id) != null);
    effects.forEach(e -> execute(e, now));
    publishStatus(Math.max(10_000, batch.intervalMs() * 10));
  }

  private void execute(Effect effect, long now) {
    if (effect instanceof Effect.Event e) {
      event(e.type(), e.body(), now);
    } else if (effect instanceof Effect.Apply a) {
      commands.apply(a.track().agentId(), a.plan().strategies())
          .onSuccess(outcomes -> {
            long at = node.clock().millis();
            a.track().acknowledged(a.plan(), outcomes, at).forEach(x -> execute(x, at));
            // An unsupported answer is judged at once, not at the next sample.
            a.track().feedback(a.plan().baselineUsage(), at).forEach(x -> execute(x, at));
          });
    } else if (effect instanceof Effect.Lift l) {
      if (!heldElsewhere(l.track(), l.step().strategy().wireName())) {
        commands.set(l.track().agentId(), l.step(), false).onSuccess(o -> logIfNot(o, l.track(), "lift"));
      }
    } else if (effect instanceof Effect.Reapply r) {
      commands.set(r.track().agentId(), r.step(), true).onSuccess(o -> logIfNot(o, r.track(), "re-apply"));
    } else if (effect instanceof Effect.HandOver h) {
      handOver(h, now);
    }
  }

  private void handOver(Effect.HandOver h, long now) {
    boolean throttle = settings.handOverAction().equals("throttle");
    String action = !h.undo() ? settings.handOverAction() : throttle ? "throttle" : "resume";
    JsonObject params = throttle ? new JsonObject().put("factor", h.undo() ? 1.0 : settings.handOverFactor()) : null;
    ResourceTrack t = h.track();
    commands.enforce(t.agentId(), action, params, "degradation: " + h.reason())
        .onSuccess(outcome -> event(h.undo() ? Events.RECOVERY : Events.DEGRADATION, new JsonObject()
            .put("event", h.undo() ? "enforcement_lifted" : "enforcement").put("agentId", t.agentId())
            .put("resource", t.resource().name()).put("source", t.source()).put("action", action)
            .put("params", params).put("outcome", outcome).put("reason", h.reason()), node.clock().millis()));
  }

  /** Another track of the same agent still needs the strategy: lifting it would undo that one's relief. */
  private boolean heldElsewhere(ResourceTrack track, String strategy) {
    for (AgentTracks.Pressed p : agents.all()) {
      if (p.track() != track && p.track().agentId().equals(track.agentId()) && p.track().holds(strategy)) {
        return true;
      }
    }
    return shedding.tracks().stream().anyMatch(t -> t != track && t.agentId().equals(track.agentId())
        && t.holds(strategy));
  }

  private void logIfNot(String outcome, ResourceTrack track, String what) {
    if (!"applied".equals(outcome)) {
      LOG.debug("{} of a strategy on {}: {}", what, track.agentId(), outcome);
    }
  }

  private void event(String type, JsonObject body, long now) {
    String agentId = body.getString("agentId");
    JsonObject event = Events.of(type, agentId, node.nodeId(), now).mergeIn(body);
    vertx.eventBus().publish(Addresses.EVENTS, event);
    String key = agentId != null ? agentId : "node:" + node.nodeId();
    store.append(key, event);
  }

  private void publishStatus(long ttlMs) {
    long now = System.currentTimeMillis();
    Map<String, String> changed = new LinkedHashMap<>();
    Set<String> live = new HashSet<>();
    JsonObject nodeEntry = shedding.toJson().put("kind", "node");
    if (lastRead != null) {
      nodeEntry.put("dimensions", lastRead.toJson()).put("heapAfterGcBytes", lastRead.heapUsedAfterGcBytes())
          .put("heapMaxBytes", lastRead.heapMaxBytes()).put("peakHeapAfterGcBytes", probe.peakHeapAfterGc());
    }
    String nodeKey = "node:" + node.nodeId();
    live.add(nodeKey);
    offer(changed, nodeKey, published.get(nodeKey), null, nodeEntry, now, ttlMs);
    for (AgentTracks.Pressed p : agents.all()) {
      offerTrack(changed, live, p.track(), p.machine().level().wireName(), now, ttlMs);
    }
    for (ResourceTrack t : shedding.tracks()) {
      offerTrack(changed, live, t, t.plan() == null ? "none" : t.plan().level().wireName(), now, ttlMs);
    }
    List<String> ended = published.keySet().stream().filter(k -> !live.contains(k)).toList();
    ended.forEach(published::remove);
    if (changed.isEmpty() && ended.isEmpty()) {
      return;
    }
    vertx.executeBlocking(() -> {
      store.publish(changed, ended, ttlMs);
      return null;
    }, false).onFailure(e -> {
      // written again with the next sample
      changed.keySet().forEach(published::remove);
      LOG.debug("degradation status not stored: {}", e.toString());
    });
  }

  /** A track's entry: not even built while what it is built from is unchanged and its renewal is not due. */
  private void offerTrack(Map<String, String> changed, Set<String> live, ResourceTrack t, String level, long now,
                          long ttlMs) {
    String k = t.statusKey();
    live.add(k);
    Object version = t.statusVersion(level);
    Written last = published.get(k);
    if (last != null && now - last.atMs() < ttlMs / 2 && version.equals(last.version())) {
      return;
    }
    offer(changed, k, last, version, status(t, level), now, ttlMs);
  }

  /**
   * Marks an entry to write when its encoding changed or half its time-to-live has passed;
   * {@code last} is what was written for {@code k} (null: nothing yet).
   */
  private void offer(Map<String, String> changed, String k, Written last, Object version, JsonObject json, long now,
                     long ttlMs) {
    // compared encoded: JsonObject.equals wraps every value it compares and cost more than this
    String entry = json.encode();
    if (last == null || now - last.atMs() >= ttlMs / 2 || !last.entry().equals(entry)) {
      changed.put(k, entry);
      published.put(k, new Written(entry, now, version));
    } else {
      published.put(k, new Written(entry, last.atMs(), version));
    }
  }

  private JsonObject status(ResourceTrack t, String level) {
    return t.toJson().put("kind", "agent").put("level", level).put("node", node.nodeId());
  }

  // ---- queries, answered from the cluster-wide store ----

  /** Writes the history events not yet written (before the node stops). */
  public Future<Void> flushHistory() {
    return store.flush();
  }

  /** {@code {"nodes": [{"node", "level", "pressure"}], "agents": [{"agentId", "resource", "level", "plan", ...}]}}. */
  public Future<JsonObject> status(JsonObject request) {
    return vertx.executeBlocking(store::status, false).map(entries -> {
      JsonArray nodes = new JsonArray();
      JsonArray agentsOut = new JsonArray();
      entries.stream().sorted(java.util.Comparator.comparing(JsonObject::encode)).forEach(e -> {
        String kind = (String) e.remove("kind");
        (("node".equals(kind)) ? nodes : agentsOut).add(e);
      });
      return new JsonObject().put("nodes", nodes).put("agents", agentsOut);
    });
  }

  /** {@code {"plans": [RecoveryPlan], "history": [event]}}; {@code agentId} narrows both to one agent. */
  public Future<JsonObject> recoveryStatus(JsonObject request) {
    String agentId = Json.optString(request, "agentId", "");
    return store.flush().transform(flushed -> vertx.executeBlocking(() -> new Object[] {store.status(),
        store.history(agentId)}, false)).map(r -> {
      JsonArray plans = new JsonArray();
      @SuppressWarnings("unchecked") List<JsonObject> entries = (List<JsonObject>) r[0];
      entries.stream().filter(e -> e.getJsonObject("recovery") != null)
          .filter(e -> agentId == null || agentId.equals(e.getString("agentId")))
          .forEach(e -> plans.add(e.getJsonObject("recovery").put("source", e.getString("source"))
              .put("node", e.getString("node"))));
      @SuppressWarnings("unchecked") List<JsonObject> history = (List<JsonObject>) r[1];
      return new JsonObject().put("plans", plans).put("history", new JsonArray(new ArrayList<>(history)));
    });
  }
}
