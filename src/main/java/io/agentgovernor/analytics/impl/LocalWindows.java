package io.agentgovernor.analytics.impl;

import io.agentgovernor.analytics.recommend.RecommendationConfig;
import io.agentgovernor.monitor.SampleBatch;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The windows of this node's agents, fed by the node's sample batches and by the enforcement
 * events of this node. A window outlives its agent by one window length, so an agent terminated
 * and deployed again under the same id still has its termination counted (that is when memory
 * needs its bump). Single-threaded: the analytics verticle's event loop.
 */
final class LocalWindows {

  private final String nodeId;
  private final long resolutionMs;
  private final long windowMs;
  private final RecommendationConfig recommendations;
  private final Map<String, AgentWindow> windows = new HashMap<>();
  /**
   * The window found for each slot of the last batch. The monitor keeps an agent in its slot while
   * it stays, with the same id string, so a slot whose id is that very string (identity, not
   * equality) has its window without a hash lookup: at 100,000 agents those lookups, a cache miss
   * or two each, were most of this part's cost per interval.
   */
  private AgentWindow[] bySlot = new AgentWindow[0];

  LocalWindows(String nodeId, long resolutionMs, long windowMs, RecommendationConfig recommendations) {
    this.nodeId = nodeId;
    this.resolutionMs = resolutionMs;
    this.windowMs = windowMs;
    this.recommendations = recommendations;
  }

  void onBatch(SampleBatch batch) {
    int n = batch.size();
    if (bySlot.length < n) {
      bySlot = Arrays.copyOf(bySlot, Math.max(n, bySlot.length * 2));
    }
    for (int i = 0; i < n; i++) {
      String id = batch.agentId(i);
      AgentWindow w = bySlot[i];
      if (w == null || w.agentId() != id) {
        w = windows.get(id); // not computeIfAbsent: its capturing lambda was an allocation per agent and sample
        if (w == null) {
          w = new AgentWindow(id, resolutionMs, recommendations);
          windows.put(id, w);
        }
        bySlot[i] = w;
      }
      w.add(batch, i);
    }
  }

  /** Takes the enforcement events of this node's agents; the rest are other nodes' business. */
  void onEvent(JsonObject event) {
    if (!"enforcement".equals(event.getString("type")) || !nodeId.equals(event.getString("node"))
        || !(event.getValue("agentId") instanceof String agentId) || !(event.getValue("time") instanceof Number time)
        || event.getString("action") == null) {
      return;
    }
    windows.computeIfAbsent(agentId, id -> new AgentWindow(id, resolutionMs, recommendations)).addAction(new AgentWindow.ActionSeen(
        event.getString("action"), event.getString("resource"), event.getString("outcome"), time.longValue()));
  }

  /** The ids of the agents seen within the window; windows older than that are dropped. */
  List<String> agentIds(long now) {
    if (windows.values().removeIf(w -> w.lastSeen() < now - windowMs)) {
      Arrays.fill(bySlot, null); // a dropped window must not be found through its old slot
    }
    return new ArrayList<>(windows.keySet());
  }

  AgentWindow get(String agentId) {
    return windows.get(agentId);
  }

  int size() {
    return windows.size();
  }

  /** The episodes of a window as stored with the results. */
  static JsonArray episodesJson(AgentSnapshot s) {
    JsonArray out = new JsonArray();
    s.episodes().forEach(e -> out.add(new JsonObject().put("resource", e.resource()).put("kind", e.kind())
        .put("start", e.start())));
    return out;
  }

  static JsonArray actionsJson(AgentSnapshot s) {
    JsonArray out = new JsonArray();
    s.actions().forEach(a -> out.add(new JsonObject().put("action", a.action()).put("resource", a.resource())
        .put("outcome", a.outcome()).put("time", a.time())));
    return out;
  }
}
