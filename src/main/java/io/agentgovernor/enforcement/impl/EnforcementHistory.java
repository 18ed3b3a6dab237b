package io.agentgovernor.enforcement.impl;

import com.hazelcast.config.Config;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;
import io.agentgovernor.cluster.BatchedAppends;
import io.agentgovernor.cluster.BoundedAppend;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;

/**
 * Enforcement history, cluster-wide and bounded: per agent the newest {@value #PER_AGENT} events
 * in a Hazelcast map (agentId → one encoded event per line), appended in place on the key's owner
 * by an entry processor, so two nodes appending at once never lose an event. Appends are batched
 * every {@value BatchedAppends#FLUSH_MS} ms ({@link BatchedAppends}); a read flushes this node's first.
 */
public final class EnforcementHistory {

  /** Events kept per agent. */
  public static final int PER_AGENT = 200;
  static final String MAP = "governor.enforcement";

  private final IMap<String, String> map;
  private final BatchedAppends appends;

  /** The history map's configuration (values kept as objects: see {@link BoundedAppend#configure}). */
  public static void configureMap(Config hz, int backupCount) {
    BoundedAppend.configure(hz, MAP, backupCount);
  }

  public EnforcementHistory(Vertx vertx, HazelcastInstance hazelcast) {
    this.map = hazelcast.getMap(MAP);
    this.appends = new BatchedAppends(vertx, map, PER_AGENT, BatchedAppends.FLUSH_MS, "enforcement");
  }

  /** Appends an encoded event (written within {@value BatchedAppends#FLUSH_MS} ms). Non-blocking. */
  public void append(String agentId, String event) {
    appends.add(agentId, event);
  }

  /** Writes the events appended so far; completes once they are stored. */
  public Future<Void> flush() {
    return appends.flush();
  }

  /** Newest first. Blocking: call from a worker, after {@link #flush()} to see this node's latest. */
  public JsonArray events(String agentId) {
    List<JsonObject> oldestFirst = BoundedAppend.events(map.get(agentId), PER_AGENT);
    JsonArray newestFirst = new JsonArray();
    for (int i = oldestFirst.size() - 1; i >= 0; i--) {
      newestFirst.add(oldestFirst.get(i));
    }
    return newestFirst;
  }
}
