package io.agentgovernor.enforcement.impl;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;
import io.agentgovernor.cluster.MapMirror;
import io.agentgovernor.monitor.SampleBatch;
import io.agentgovernor.quota.Resource;
import io.vertx.core.json.JsonObject;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Group usage summed over the whole cluster: each node publishes the per-group sums of its own
 * agents to a Hazelcast map ({@value #MAP}, nodeId → {@code {group: {resource: n}}}, expiring
 * when a node stops publishing) and mirrors every node's entry, so the cluster total of a group is
 * a local sum, never a network round trip.
 */
final class GroupTotals {

  static final String MAP = "governor.group-usage";
  private static final long TTL_MS = 10_000;

  private final IMap<String, String> map;
  private final Map<String, JsonObject> byNode = new ConcurrentHashMap<>();
  private final MapMirror mirror;

  GroupTotals(HazelcastInstance hazelcast) {
    this.map = hazelcast.getMap(MAP);
    this.mirror = new MapMirror(map, MapMirror.Target.json(byNode));
  }

  /** Blocking. */
  void start() {
    mirror.start();
  }

  /** Blocking. */
  void stop() {
    mirror.stop();
  }

  /** Per group and built-in resource, the sums over these samples. */
  static JsonObject localSums(SampleBatch batch) {
    Map<String, double[]> sums = new HashMap<>();
    String lastGroup = null;
    double[] run = null;
    for (int s = 0; s < batch.size(); s++) {
      String group = batch.group(s);
      if (run == null || !java.util.Objects.equals(group, lastGroup)) { // runs of one group are common: one map lookup per run
        lastGroup = group;
        run = sums.computeIfAbsent(group, g -> new double[Resource.BUILT_IN_COUNT]);
      }
      for (int i = 0; i < run.length; i++) {
        run[i] += batch.usage(s, i);
      }
    }
    JsonObject json = new JsonObject();
    sums.forEach((group, sum) -> {
      JsonObject r = new JsonObject();
      for (Resource res : Resource.BUILT_IN) {
        r.put(res.name(), sum[res.index()]);
      }
      json.put(group, r);
    });
    return json;
  }

  /** Blocking: publishes this node's sums (and keeps its local copy current at once). */
  void publish(String nodeId, JsonObject sums) {
    byNode.put(nodeId, sums);
    map.set(nodeId, sums.encode(), TTL_MS, TimeUnit.MILLISECONDS);
  }

  /** The cluster-wide usage of a group's resource. */
  double clusterUsage(String group, String resource) {
    double total = 0;
    for (JsonObject node : byNode.values()) {
      JsonObject g = node.getJsonObject(group);
      if (g != null) {
        total += g.getDouble(resource, 0.0);
      }
    }
    return total;
  }
}
