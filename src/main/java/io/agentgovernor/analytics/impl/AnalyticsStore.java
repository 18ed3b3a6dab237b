package io.agentgovernor.analytics.impl;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;
import io.agentgovernor.bus.ErrorCode;
import io.agentgovernor.bus.GovernorException;
import io.vertx.core.json.JsonObject;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;

/**
 * The analytics results of every agent, cluster-wide: a Hazelcast map agentId → {@link AgentAnalytics}
 * JSON. Each agent's entry is changed only by compare-and-set, one agent at a time, so the analysis
 * of one node, an operator's apply on another and an auto-apply never lose each other's writes, and
 * no write ever touches another agent's entry. Entries not refreshed within the retention expire.
 * Blocking: call from a worker.
 */
final class AnalyticsStore {

  static final String MAP = "governor.analytics";
  private static final int CAS_RETRIES = 10;

  private final IMap<String, String> map;
  private final long retentionMs;

  AnalyticsStore(HazelcastInstance hazelcast, long retentionMs) {
    this.map = hazelcast.getMap(MAP);
    this.retentionMs = retentionMs;
  }

  AgentAnalytics get(String agentId) {
    String json = map.get(agentId);
    return json == null ? null : AgentAnalytics.fromJson(new JsonObject(json));
  }

  Map<String, AgentAnalytics> getAll(Set<String> agentIds) {
    Map<String, AgentAnalytics> out = new HashMap<>();
    map.getAll(agentIds).forEach((id, json) -> out.put(id, AgentAnalytics.fromJson(new JsonObject(json))));
    return out;
  }

  Collection<String> agentIds() {
    return map.keySet();
  }

  /**
   * Changes one agent's entry atomically: {@code change} gets the stored record (null when there
   * is none) and returns the new one; it may run more than once and may throw to abort.
   *
   * <p>A write that answered "not written" may have taken effect: when the key's owner dies after
   * applying it (backup included), Hazelcast runs it again at the new owner, where the entry no
   * longer holds the expected value. So the next round first looks for the value it tried to
   * write: found, that write is this update's, and {@code change} is not applied a second time
   * (a recommendation's claim would otherwise fail as "being applied" by itself).
   *
   * @return the record written
   */
  AgentAnalytics update(String agentId, UnaryOperator<AgentAnalytics> change) {
    String tried = null;
    AgentAnalytics triedRecord = null;
    for (int attempt = 0; attempt < CAS_RETRIES; attempt++) {
      String stored = map.get(agentId);
      if (tried != null && tried.equals(stored)) {
        map.setTtl(agentId, retentionMs, TimeUnit.MILLISECONDS);
        return triedRecord;
      }
      AgentAnalytics next = change.apply(stored == null ? null : AgentAnalytics.fromJson(new JsonObject(stored)));
      String json = next.toJson().encode();
      boolean written = stored == null
          ? map.putIfAbsent(agentId, json, retentionMs, TimeUnit.MILLISECONDS) == null
          : map.replace(agentId, stored, json);
      if (written) {
        if (stored != null) {
          // a replace does not promise to keep the entry's time to live, so it is set again
          map.setTtl(agentId, retentionMs, TimeUnit.MILLISECONDS);
        }
        return next;
      }
      tried = json;
      triedRecord = next;
    }
    throw new GovernorException(ErrorCode.VERSION_CONFLICT, "analytics of agent '" + agentId
        + "' kept changing; try again");
  }
}
