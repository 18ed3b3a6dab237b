package io.agentgovernor.quota.impl;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;
import io.agentgovernor.cluster.MapMirror;
import io.agentgovernor.cluster.Maps;
import io.agentgovernor.quota.Quota;
import io.agentgovernor.quota.QuotaGroup;
import io.agentgovernor.quota.QuotaIndex;
import io.vertx.core.json.JsonObject;

/**
 * The quota and group maps in Hazelcast, and the mirrors that keep a {@link QuotaIndex} current.
 * Every method blocks on the network: call from a worker ({@code executeBlocking}).
 */
final class QuotaStore {

  private final IMap<String, String> quotas;
  private final IMap<String, String> groups;
  private final MapMirror quotaMirror;
  private final MapMirror groupMirror;

  QuotaStore(HazelcastInstance hazelcast, QuotaIndex index) {
    this.quotas = hazelcast.getMap(Maps.QUOTAS);
    this.groups = hazelcast.getMap(Maps.GROUPS);
    this.groupMirror = new MapMirror(groups, MapMirror.Target.parsed(v -> QuotaGroup.fromJson(new JsonObject(v)),
        index::applyGroup, index::applyGroupIfAbsent, index::removeGroup, index::clearGroups));
    this.quotaMirror = new MapMirror(quotas, MapMirror.Target.parsed(v -> Quota.fromJson(new JsonObject(v)),
        index::apply, index::applyIfAbsent, index::remove, index::clearQuotas));
  }

  /** Starts mirroring; groups first, so every quota's group is known when the quotas load. */
  void startMirrors() {
    groupMirror.start();
    quotaMirror.start();
  }

  void stopMirrors() {
    quotaMirror.stop();
    groupMirror.stop();
  }

  /** Stores the group unless one of that name exists (seeding from configuration). */
  boolean seedGroup(QuotaGroup group) {
    return groups.putIfAbsent(group.name(), group.toJson().encode()) == null;
  }

  void putGroup(QuotaGroup group) {
    groups.set(group.name(), group.toJson().encode());
  }

  QuotaGroup group(String name) {
    String json = groups.get(name);
    return json == null ? null : QuotaGroup.fromJson(new JsonObject(json));
  }

  /** Stored JSON of a quota, or null. */
  String quotaJson(String agentId) {
    return quotas.get(agentId);
  }

  /** True if created, false if a quota for that agent exists. */
  boolean create(Quota quota) {
    return quotas.putIfAbsent(quota.agentId(), quota.toJson().encode()) == null;
  }

  /** Compare-and-set on the stored JSON: false if someone else changed it meanwhile. */
  boolean replace(String agentId, String expectedJson, Quota updated) {
    return quotas.replace(agentId, expectedJson, updated.toJson().encode());
  }

  /** The removed quota's JSON, or null if there was none. */
  String delete(String agentId) {
    return quotas.remove(agentId);
  }
}
