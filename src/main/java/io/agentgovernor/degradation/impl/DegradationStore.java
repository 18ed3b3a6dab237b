package io.agentgovernor.degradation.impl;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;
import io.agentgovernor.cluster.BatchedAppends;
import io.agentgovernor.cluster.BoundedAppend;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Degradation state, cluster-wide, so any node answers the status queries without asking its
 * peers. {@value #STATUS}: what is degraded now, {@code node:<id>} and
 * {@code agent:<id>/<resource>/<source>} → JSON, written by the owning node when an entry changes
 * and renewed before its time-to-live runs out, so the entries of a node that dies expire. {@value #HISTORY}: per
 * agent (and per node) the newest {@code perKey} degradation and recovery events, appended in place
 * by an entry processor, in batches every {@value BatchedAppends#FLUSH_MS} ms ({@link BatchedAppends}). Blocking
 * (but {@link #append} and {@link #flush}): call from a worker.
 */
final class DegradationStore {

  static final String STATUS = "governor.degradation.status";
  static final String HISTORY = "governor.degradation.history";

  private final IMap<String, String> status;
  private final IMap<String, String> history;
  private final BatchedAppends appends;
  private final int perKey;

  DegradationStore(Vertx vertx, HazelcastInstance hazelcast, int perKey) {
    this.perKey = perKey;
    this.status = hazelcast.getMap(STATUS);
    this.history = hazelcast.getMap(HISTORY);
    this.appends = new BatchedAppends(vertx, history, perKey, BatchedAppends.FLUSH_MS, "degradation");
  }

  /** Writes this node's live entries (encoded) with a time-to-live and removes the ones that ended. */
  void publish(Map<String, String> live, List<String> ended, long ttlMs) {
    live.forEach((k, v) -> status.set(k, v, ttlMs, TimeUnit.MILLISECONDS));
    ended.forEach(status::delete);
  }

  /** Non-blocking: written within {@value BatchedAppends#FLUSH_MS} ms. */
  void append(String key, JsonObject event) {
    appends.add(key, event.encode());
  }

  /** Writes the events appended so far; completes once they are stored. */
  Future<Void> flush() {
    return appends.flush();
  }

  List<JsonObject> status() {
    List<JsonObject> out = new ArrayList<>();
    status.values().forEach(v -> out.add(new JsonObject(v)));
    return out;
  }

  /** Oldest first, across every key (or one key). */
  List<JsonObject> history(String key) {
    List<JsonObject> out = new ArrayList<>();
    (key == null ? history.values() : java.util.Collections.singletonList(history.get(key))).forEach(v -> {
      out.addAll(BoundedAppend.events(v, perKey));
    });
    out.sort(Comparator.comparingLong(e -> e.getLong("time", 0L)));
    return out;
  }
}
