package io.agentgovernor.agent;

import com.hazelcast.core.HazelcastInstance;
import io.agentgovernor.agent.impl.AgentRegistry;
import io.vertx.core.json.JsonObject;
import java.util.Collection;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletionStage;

/**
 * The cluster-wide agent registry and the agents' failover snapshots: the only way any part reads
 * or writes the {@code governor.agents} and {@code governor.snapshots} maps. Entries are
 * {@code {"id", "type", "group", "node", "incarnation", "epoch", "version", "state", "deployedAt",
 * "config", "since", "quotaCreated", ...}}. A node keeps of every agent of the cluster only its
 * {@link Placement}; a whole registration is read from the map ({@link #stored}).
 *
 * <p>Fencing: every claim of an id (deploy, migration, restart after a node loss) gives the
 * registration a new {@code epoch}, larger than the one it replaces; every later write of its
 * registration or snapshot is checked against it on the key's partition, so a copy that was paused
 * or cut off while the agent was restarted elsewhere can write nothing any more. {@code version}
 * grows with every write (mirrors and the split-brain merge keep the newest).
 * Blocking methods say so: call them from a worker.
 */
public interface Registry {

  /** The registry of this Hazelcast member (started by the agent runtime). */
  static Registry create(HazelcastInstance hazelcast) {
    return new AgentRegistry(hazelcast);
  }

  /** Blocking. Starts mirroring the registry locally. */
  void start();

  /** Reads the whole registry again, in the background: after a split-brain merge. */
  void reload();

  /** Blocking. */
  void stop();

  /**
   * The epoch whose snapshot a registration's agent restarts from: its own, or, for the claim of a
   * restart or move that has not started yet, the epoch of the copy it took over from.
   */
  static long snapshotEpoch(JsonObject entry) {
    return entry.getLong("snapshotEpoch", entry.getLong("epoch", 0L));
  }

  /**
   * What this node holds of an entry, as JSON: its {@link Placement#toJson placement} (no config),
   * or null; read the whole registration with {@link #stored}.
   */
  JsonObject entry(String id);

  /** The node an agent lives on, or null. */
  String nodeOf(String id);

  /** Where an agent is and in what state, or null. */
  Placement placement(String id);

  /** The placements of all agents of the cluster (live view). */
  Collection<Placement> placements();

  /** The key under which {@link #idsByHolder} files terminated agents, whoever held them. */
  String TERMINATED = "terminated";

  /**
   * The ids of the cluster's agents by {@link Placement#holder() holder}, terminated ones under
   * {@link #TERMINATED} and those naming no holder left out (live view, kept with the placements):
   * what looks for the agents of lost processes walks the holders, not every agent. An id seen
   * here may have moved on by the time its placement is read; read the placement to decide.
   */
  Map<String, Set<String>> idsByHolder();

  /**
   * Blocking. Claims an id with a new epoch: null if claimed (the entry then holds its epoch), or
   * the stored entry already there (as stored).
   */
  String claim(JsonObject entry);

  /**
   * Blocking. Takes over an id whose stored entry is still exactly {@code staleStored} (e.g. of a
   * dead node), with an epoch above the stale one; the entry then holds its epoch.
   */
  boolean takeOver(String staleStored, JsonObject entry);

  /**
   * Blocking. Undoes a {@link #takeOver} whose copy did not start: if the id still holds the
   * claim's {@code epoch}, the registration it replaced comes back (with that registration's own
   * epoch, so the lost copy's snapshot stays the one to restart from, and a newer version), and
   * whoever restarts or keeps the agent finds it as before. Whether it did.
   */
  boolean handBack(String id, long epoch, String previousStored);

  /**
   * Blocking. Rewrites the registration of a copy that holds {@code entry}'s epoch; false (nothing
   * written) when another copy owns the id now or it is gone.
   */
  boolean update(JsonObject entry);

  /**
   * Blocking. Replaces an entry that is still exactly {@code staleStored} with {@code next}, the
   * epoch kept and the version advanced (the failover part marking a lost agent pending or
   * terminated); whether it did.
   */
  boolean replace(String staleStored, JsonObject next);

  /**
   * Blocking. Removes the registration of the copy with this epoch (and its snapshot); false if
   * another copy owns the id, true once none of this copy is left (also when it was gone already).
   */
  boolean remove(String id, long epoch);

  /** The raw stored value (blocking), for compare-and-set with {@link #replace} / {@link #takeOver}. */
  String stored(String id);

  /** Blocking. The raw stored values of several ids (those present). */
  Map<String, String> stored(Set<String> ids);

  /**
   * Blocking. Stores an agent's state for failover, tagged with the epoch of the copy that took
   * it; refused (false) if a newer copy's snapshot is there.
   */
  boolean saveSnapshot(String id, long epoch, long time, String nodeId, JsonObject snapshot);

  /**
   * {@link #saveSnapshot} without blocking a thread: the periodic snapshots of a node's agents
   * (thousands) must not fill the worker pool that failover needs right after a member's loss.
   */
  CompletionStage<Boolean> saveSnapshotAsync(String id, long epoch, long time, String nodeId, JsonObject snapshot);

  /**
   * Blocking. The state to restart a lost copy from: the snapshot taken by the copy with this
   * epoch, or null (none, or only one of another copy, which must not be restored).
   */
  JsonObject snapshotOf(String id, long epoch);

  /** Blocking. When and by which copy the agent's last snapshot was taken: {@code {"time", "epoch", "node"}}, or null. */
  JsonObject snapshotInfo(String id);
}
