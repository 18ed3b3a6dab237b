package io.agentgovernor.agent.impl;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;
import io.agentgovernor.cluster.MapMirror;
import io.agentgovernor.cluster.Maps;
import io.vertx.core.json.JsonObject;
import java.util.Collection;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The cluster-wide agent registry: id → {@code {"id", "type", "group", "node", "state",
 * "deployedAt", "config", "since", "quotaCreated"}} in Hazelcast, mirrored locally for listing and
 * routing. Ids are claimed with {@code putIfAbsent}, so one id is live on one node at most.
 * Blocking methods say so: call them from a worker.
 */
public final class AgentRegistry {

  private final IMap<String, String> map;
  private final Map<String, JsonObject> local = new ConcurrentHashMap<>();
  private final MapMirror mirror;

  public AgentRegistry(HazelcastInstance hazelcast) {
    this.map = hazelcast.getMap(Maps.AGENTS);
    this.mirror = new MapMirror(hazelcast, map, MapMirror.Target.json(local));
  }

  /** Blocking. */
  public void start() {
    mirror.start();
  }

  /** Reads the whole registry again, in the background: after a split-brain merge. */
  public void reload() {
    mirror.reloadSoon();
  }

  /** Blocking. */
  public void stop() {
    mirror.stop();
  }

  /** The local copy of an entry, or null. */
  public JsonObject entry(String id) {
    JsonObject e = local.get(id);
    return e == null ? null : e.copy();
  }

  /** The node an agent lives on, or null. */
  public String nodeOf(String id) {
    JsonObject e = local.get(id);
    return e == null ? null : e.getString("node");
  }

  public Collection<JsonObject> entries() {
    return local.values();
  }

  /** Blocking. Claims an id: the stored entry already there (as stored), or null if claimed. */
  public String claim(JsonObject entry) {
    String previous = map.putIfAbsent(entry.getString("id"), entry.encode());
    if (previous == null) {
      local.put(entry.getString("id"), entry.copy());
    }
    return previous;
  }

  /** Blocking. Takes over an id whose stored entry is still exactly {@code staleStored} (e.g. of a dead node). */
  public boolean takeOver(String staleStored, JsonObject entry) {
    boolean replaced = map.replace(entry.getString("id"), staleStored, entry.encode());
    if (replaced) {
      local.put(entry.getString("id"), entry.copy());
    }
    return replaced;
  }

  /** Blocking. */
  public void put(JsonObject entry) {
    map.set(entry.getString("id"), entry.encode());
    local.put(entry.getString("id"), entry.copy());
  }

  /** Blocking. */
  public void remove(String id) {
    map.delete(id);
    local.remove(id);
  }

  /** The raw stored value (blocking), for compare-and-set. */
  public String stored(String id) {
    return map.get(id);
  }
}
