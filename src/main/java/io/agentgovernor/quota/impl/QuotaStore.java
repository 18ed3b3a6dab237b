package io.agentgovernor.quota.impl;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;
import io.agentgovernor.bus.ErrorCode;
import io.agentgovernor.bus.GovernorException;
import io.agentgovernor.cluster.MapMirror;
import io.agentgovernor.cluster.Maps;
import io.agentgovernor.cluster.VersionedWrites;
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
  private final java.time.Clock clock;

  QuotaStore(HazelcastInstance hazelcast, QuotaIndex index, java.time.Clock clock) {
    this.clock = clock;
    this.quotas = hazelcast.getMap(Maps.QUOTAS);
    this.groups = hazelcast.getMap(Maps.GROUPS);
    this.groupMirror = new MapMirror(hazelcast, groups, MapMirror.Target.parsed(
        v -> QuotaGroup.fromJson(new JsonObject(v)), index::applyGroup, index::removeGroup, index::clearGroups,
        name -> index.group(name) != null));
    // the index holds every quota whole, so a pass can write back one the map lost (MapMirror)
    this.quotaMirror = new MapMirror(hazelcast, quotas, MapMirror.Target.parsed(
        v -> Quota.fromJson(new JsonObject(v)), index::apply, index::remove, index::clearQuotas,
        agentId -> index.quota(agentId) != null), agentId -> {
          Quota held = index.quota(agentId);
          return held == null ? null : held.toJson().encode();
        });
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

  /**
   * Seeds a group from configuration, beside the fingerprint of the configured definition it came
   * from, so the latest intention wins: a group stored from this same definition is kept with its
   * run-time changes, one from another definition (or from before fingerprints) is replaced
   * ({@link VersionedWrites#configured}).
   */
  VersionedWrites.Seeded seedGroup(QuotaGroup group) {
    return VersionedWrites.Seeded.valueOf(groups.executeOnKey(group.name(),
        VersionedWrites.configured(group.toJson().encode(), fingerprint(group), clock.millis(), Long.MAX_VALUE)));
  }

  /** A fingerprint of a configured group's definition (hex of the first 8 bytes of its SHA-256). */
  static String fingerprint(QuotaGroup group) {
    return VersionedWrites.fingerprint(group.toJson().encode());
  }

  /**
   * Stores a group at the next version (the stored JSON carries a {@code "version"}; the group
   * itself does not), so the mirrors and a split-brain merge order its changes. The fingerprint of
   * the configured definition stays, so a restart with the same configuration keeps this change.
   * Fenced by the writer's lease like quota writes ({@code deadlineMillis}).
   */
  void putGroup(QuotaGroup group, long deadlineMillis) {
    VersionedWrites.onTime(groups.executeOnKey(group.name(),
        VersionedWrites.configured(group.toJson().encode(), null, clock.millis(), deadlineMillis)));
  }

  QuotaGroup group(String name) {
    String json = groups.get(name);
    return json == null ? null : QuotaGroup.fromJson(new JsonObject(json));
  }

  /** Every group as stored (a handful: read whole). */
  java.util.List<QuotaGroup> groups() {
    return groups.values().stream().map(v -> QuotaGroup.fromJson(new JsonObject(v))).toList();
  }

  /** Stored JSON of a live quota, or null (none, or deleted). */
  String quotaJson(String agentId) {
    String json = quotas.get(agentId);
    return Maps.isTombstone(json) ? null : json;
  }

  /**
   * Stores a new quota unless a live one exists. Over a tombstone the quota gets a version above
   * it, so versions of an agent's quota keep growing across deletes.
   *
   * @return the quota as stored, or null if one for that agent exists
   */
  Quota create(Quota quota, long deadlineMillis) {
    String stored = VersionedWrites.onTime(quotas.executeOnKey(quota.agentId(), VersionedWrites.create(quota.toJson().encode(), deadlineMillis)));
    return stored == null ? null : Quota.fromJson(new JsonObject(stored));
  }

  /** Compare-and-set on the stored JSON: false if someone else changed it meanwhile. */
  boolean replace(String agentId, String expectedJson, Quota updated, long deadlineMillis) {
    return VersionedWrites.onTime(quotas.executeOnKey(agentId,
        VersionedWrites.replace(expectedJson, updated.toJson().encode(), deadlineMillis))) != null;
  }

  /**
   * Replaces the quota with a tombstone; the removed quota's JSON (the tombstone, for a Hazelcast
   * retry of this delete that took effect), or null if there was none.
   */
  String delete(String agentId, long deadlineMillis) {
    return VersionedWrites.onTime(quotas.executeOnKey(agentId, VersionedWrites.bury(clock.millis(), deadlineMillis)));
  }

  /** The mirror of the quota map (for its reconciliation figures). */
  MapMirror quotaMirror() {
    return quotaMirror;
  }
}
