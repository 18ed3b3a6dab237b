package io.agentgovernor.agent.impl;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;
import io.agentgovernor.agent.AgentState;
import io.agentgovernor.agent.Placement;
import io.agentgovernor.cluster.ClusterMembers;
import io.agentgovernor.cluster.MapMirror;
import io.agentgovernor.cluster.Maps;
import io.agentgovernor.cluster.VersionedWrites;
import io.agentgovernor.cluster.Versions;
import io.vertx.core.json.JsonObject;
import java.util.Collection;
import java.util.Collections;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The cluster-wide agent registry: id → {@code {"id", "type", "group", "node", "incarnation",
 * "epoch", "version", "state", "deployedAt", "config", "since", "quotaCreated", ...}} in
 * Hazelcast, and the agents' snapshots for failover.
 *
 * <p>What a node keeps: of every agent of the cluster, its own included, only its {@link Placement}
 * (node, state, group, ...: routing, failover and listing filters), kept current from the map's
 * events and reconciled ({@link MapMirror}). A whole registration (config, deploy time, ...) is
 * read from the map when needed ({@link #stored}); the agent's own node has it in the agent's
 * handle. A placement instead of the parsed registration saves ~1.16 KB of heap per agent
 * (docs/ARCHITECTURE.md).
 *
 * <p>Fencing: every claim of an id (deploy, migration, restart after a node loss) gives the
 * registration a new {@code epoch}, larger than the one it replaces; the copy of the agent that
 * made the claim carries that epoch, and every later write of its registration or snapshot is
 * checked against it on the key's partition ({@link FencedWrites}). A copy that was paused or cut
 * off while the agent was restarted elsewhere can therefore write nothing any more. {@code version}
 * grows with every write (mirrors and the split-brain merge keep the newest), {@code incarnation}
 * names the process that holds the agent (see {@link ClusterMembers}).
 * Blocking methods say so: call them from a worker.
 */
public final class AgentRegistry implements io.agentgovernor.agent.Registry {

  /** The flake-id generator epochs come from: cluster-unique, growing with time. */
  static final String EPOCHS = "governor.epochs";

  private final HazelcastInstance hazelcast;
  private final IMap<String, String> map;
  private final IMap<String, String> snapshots;
  /** Every agent of the cluster. */
  private final Map<String, Placement> placements = new ConcurrentHashMap<>();
  /** The same ids by holder ({@link #idsByHolder}), changed inside each change of {@code placements}. */
  private final Map<String, Set<String>> byHolder = new ConcurrentHashMap<>();
  private final MapMirror mirror;

  public AgentRegistry(HazelcastInstance hazelcast) {
    this.hazelcast = hazelcast;
    this.map = hazelcast.getMap(Maps.AGENTS);
    this.snapshots = hazelcast.getMap(Maps.SNAPSHOTS);
    this.mirror = new MapMirror(hazelcast, map, MapMirror.Target.parsed(JsonObject::new, this::hold,
        this::forget, this::forgetAll, placements::containsKey));
  }

  private void hold(JsonObject entry) {
    Placement placement = Placement.of(entry);
    placements.compute(placement.id(), (id, old) -> {
      if (old != null) {
        unfile(old);
      }
      file(placement);
      return placement;
    });
  }

  private void forget(String id) {
    placements.computeIfPresent(id, (k, old) -> {
      unfile(old);
      return null;
    });
  }

  private void forgetAll() {
    placements.keySet().forEach(this::forget);
  }

  private static String fileKey(Placement p) {
    return AgentState.TERMINATED.wireName().equals(p.state()) ? TERMINATED : p.holder();
  }

  private void file(Placement p) {
    String key = fileKey(p);
    if (key != null) {
      byHolder.compute(key, (k, ids) -> { // inside compute: an unfile emptying the set cannot drop this add
        Set<String> held = ids == null ? ConcurrentHashMap.newKeySet() : ids;
        held.add(p.id());
        return held;
      });
    }
  }

  private void unfile(Placement p) {
    String key = fileKey(p);
    if (key != null) {
      byHolder.computeIfPresent(key, (k, ids) -> {
        ids.remove(p.id());
        return ids.isEmpty() ? null : ids;
      });
    }
  }

  /** Blocking. */
  @Override
  public void start() {
    mirror.start();
  }

  /** Reads the whole registry again, in the background: after a split-brain merge. */
  @Override
  public void reload() {
    mirror.reloadSoon();
  }

  /** Blocking. */
  @Override
  public void stop() {
    mirror.stop();
  }

  @Override
  public JsonObject entry(String id) {
    Placement p = placements.get(id);
    return p == null ? null : p.toJson();
  }

  @Override
  public String nodeOf(String id) {
    Placement p = placements.get(id);
    return p == null ? null : p.node();
  }

  @Override
  public Placement placement(String id) {
    return placements.get(id);
  }

  @Override
  public Collection<Placement> placements() {
    return placements.values();
  }

  @Override
  public Map<String, Set<String>> idsByHolder() {
    return Collections.unmodifiableMap(byHolder);
  }

  /**
   * Blocking. Claims an id with a new epoch: null if claimed (the entry then holds its epoch), or
   * the stored entry already there (as stored).
   *
   * <p>Claims, takeovers and failover marks are entry processors that recognise their own value
   * ({@link FencedWrites#claim}, {@link VersionedWrites#replace}): when the key's owner dies after
   * applying one, Hazelcast runs it again at the new owner, and a plain putIfAbsent or replace
   * would then answer "someone else holds it" for the write that took effect, leaving an agent
   * registered to a copy that never starts.
   */
  @Override
  public String claim(JsonObject entry) {
    stamp(entry, nextEpoch(0), Versions.next(0, System.currentTimeMillis()));
    String previous = map.executeOnKey(entry.getString("id"), FencedWrites.claim(entry.encode()));
    if (previous == null) {
      hold(entry);
    }
    return previous;
  }

  /**
   * Blocking. Takes over an id whose stored entry is still exactly {@code staleStored} (e.g. of a
   * dead node), with an epoch above the stale one; the entry then holds its epoch.
   */
  @Override
  public boolean takeOver(String staleStored, JsonObject entry) {
    stamp(entry, nextEpoch(FencedWrites.epochOf(staleStored)),
        Versions.next(FencedWrites.versionOf(staleStored), System.currentTimeMillis()));
    boolean replaced = compareAndSet(entry.getString("id"), staleStored, entry.encode());
    if (replaced) {
      hold(entry);
    }
    return replaced;
  }

  @Override
  public boolean handBack(String id, long epoch, String previousStored) {
    String restored = map.executeOnKey(id, FencedWrites.handBack(previousStored, epoch, System.currentTimeMillis()));
    if (restored != null) {
      hold(new JsonObject(restored));
    }
    return restored != null;
  }

  /**
   * Blocking. Rewrites the registration of a copy that holds {@code entry}'s epoch; false (nothing
   * written) when another copy owns the id now or it is gone.
   */
  @Override
  public boolean update(JsonObject entry) {
    long epoch = entry.getLong("epoch", 0L);
    entry.put("incarnation", ClusterMembers.localIncarnation(hazelcast));
    String stored = map.executeOnKey(entry.getString("id"), FencedWrites.update(entry.encode(), epoch, System.currentTimeMillis()));
    if (stored != null) {
      hold(new JsonObject(stored));
    }
    return stored != null;
  }

  /**
   * Blocking. Replaces an entry that is still exactly {@code staleStored} with {@code next}, the
   * epoch kept and the version advanced (the failover part marking a lost agent pending or
   * terminated); whether it did.
   */
  @Override
  public boolean replace(String staleStored, JsonObject next) {
    next.put("epoch", FencedWrites.epochOf(staleStored)).put("version",
        Versions.next(FencedWrites.versionOf(staleStored), System.currentTimeMillis()));
    return compareAndSet(next.getString("id"), staleStored, next.encode());
  }

  private boolean compareAndSet(String id, String expected, String value) {
    return map.executeOnKey(id, VersionedWrites.replace(expected, value, Long.MAX_VALUE)) != null;
  }

  /**
   * Blocking. Removes the registration of the copy with this epoch and its snapshot; false if
   * another copy owns the id (its registration, and the snapshot it may restart from, stay).
   * Both writes are fenced processors whose retry at a new owner answers as the first run: a
   * remove that took effect is not reported as refused, nor its snapshot left behind.
   */
  @Override
  public boolean remove(String id, long epoch) {
    if (!map.executeOnKey(id, FencedWrites.remove(epoch))) {
      return false;
    }
    forget(id);
    snapshots.executeOnKey(id, FencedWrites.dropSnapshot(epoch));
    return true;
  }

  /** The raw stored value (blocking), for compare-and-set. */
  @Override
  public String stored(String id) {
    return map.get(id);
  }

  /** Blocking. The raw stored values of several ids (those present). */
  @Override
  public Map<String, String> stored(java.util.Set<String> ids) {
    return map.getAll(ids);
  }

  /**
   * Blocking. Stores an agent's state for failover, tagged with the epoch of the copy that took
   * it; refused (false) if a newer copy's snapshot is there.
   */
  @Override
  public boolean saveSnapshot(String id, long epoch, long time, String nodeId, JsonObject snapshot) {
    return snapshots.executeOnKey(id, FencedWrites.snapshot(snapshotValue(epoch, time, nodeId, snapshot), epoch));
  }

  /**
   * {@link #saveSnapshot} without blocking a thread: the periodic snapshots of a node's agents
   * (thousands) must not fill the worker pool that failover needs right after a member's loss,
   * when writes to the lost member's partitions wait for their backups to be promoted.
   */
  @Override
  public java.util.concurrent.CompletionStage<Boolean> saveSnapshotAsync(String id, long epoch, long time, String nodeId,
                                                                          JsonObject snapshot) {
    return snapshots.submitToKey(id, FencedWrites.snapshot(snapshotValue(epoch, time, nodeId, snapshot), epoch));
  }

  private static String snapshotValue(long epoch, long time, String nodeId, JsonObject snapshot) {
    return new JsonObject().put("time", time).put("node", nodeId).put("epoch", epoch).put("snapshot", snapshot).encode();
  }

  /**
   * Blocking. The state to restart a lost copy from: the snapshot taken by the copy with this
   * epoch, or null (none, or only one of another copy, which must not be restored).
   */
  @Override
  public JsonObject snapshotOf(String id, long epoch) {
    String stored = snapshots.get(id);
    if (stored == null) {
      return null;
    }
    JsonObject value = new JsonObject(stored);
    return value.getLong("epoch", 0L) == epoch ? value.getJsonObject("snapshot") : null;
  }

  /** Blocking. When and by which copy the agent's last snapshot was taken: {@code {"time", "epoch", "node"}}, or null. */
  @Override
  public JsonObject snapshotInfo(String id) {
    String stored = snapshots.get(id);
    if (stored == null) {
      return null;
    }
    JsonObject value = new JsonObject(stored);
    return new JsonObject().put("time", value.getLong("time")).put("epoch", value.getLong("epoch", 0L))
        .put("node", value.getString("node"));
  }

  private void stamp(JsonObject entry, long epoch, long version) {
    entry.put("epoch", epoch).put("version", version).put("incarnation", ClusterMembers.localIncarnation(hazelcast));
  }

  private long nextEpoch(long above) {
    return Math.max(hazelcast.getFlakeIdGenerator(EPOCHS).newId(), above + 1);
  }
}
