package io.agentgovernor.enforcement.impl;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.Map;

/**
 * Enforcement history, cluster-wide and bounded: per agent the newest {@value #PER_AGENT} events
 * in a Hazelcast map (agentId → JSON array), appended in place on the key's owner by an entry
 * processor, so two nodes appending at once never lose an event. Blocking: call from a worker.
 */
public final class EnforcementHistory {

  /** Events kept per agent. */
  public static final int PER_AGENT = 200;
  static final String MAP = "governor.enforcement";

  private final IMap<String, String> map;

  public EnforcementHistory(HazelcastInstance hazelcast) {
    this.map = hazelcast.getMap(MAP);
  }

  /** Appends an encoded event. */
  public void append(String agentId, String event) {
    map.executeOnKey(agentId, new io.agentgovernor.cluster.BoundedAppend(event, PER_AGENT));
  }

  /** Newest first. */
  public JsonArray events(String agentId) {
    String stored = map.get(agentId);
    JsonArray oldestFirst = stored == null ? new JsonArray() : new JsonArray(stored);
    JsonArray newestFirst = new JsonArray();
    for (int i = oldestFirst.size() - 1; i >= 0; i--) {
      newestFirst.add(oldestFirst.getValue(i));
    }
    return newestFirst;
  }
}
