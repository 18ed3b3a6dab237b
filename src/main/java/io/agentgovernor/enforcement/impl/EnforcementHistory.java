package io.agentgovernor.enforcement.impl;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.EntryProcessor;
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
    map.executeOnKey(agentId, new Append(event, PER_AGENT));
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

  /** Appends one event and trims to the bound; runs on the partition that owns the key. */
  static final class Append implements EntryProcessor<String, String, Object> {
    private static final long serialVersionUID = 1L;
    private final String event;
    private final int bound;

    Append(String event, int bound) {
      this.event = event;
      this.bound = bound;
    }

    @Override
    public Object process(Map.Entry<String, String> entry) {
      JsonArray events = entry.getValue() == null ? new JsonArray() : new JsonArray(entry.getValue());
      events.add(new JsonObject(event));
      while (events.size() > bound) {
        events.remove(0);
      }
      entry.setValue(events.encode());
      return null;
    }
  }
}
