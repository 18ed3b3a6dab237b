package io.agentgovernor.monitor;

import io.agentgovernor.bus.Ids;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * Who in the cluster wants measurement events, as the feeds announce it on
 * {@link io.agentgovernor.bus.Addresses#FEED_INTEREST}: per feed, every agent or a set of agents,
 * for a lease (a feed that dies stops being served when its lease runs out). The monitor builds
 * the per-agent measurement JSON only for what someone wants. Pure: time is passed in.
 */
final class MeasurementInterest {

  /** Announcements name at most this many agents (a feed filter names at most 1,000 per subscriber). */
  private static final int MAX_AGENTS = 100_000;
  private static final long MAX_TTL_MS = 300_000;

  /** Every agent is wanted. */
  static final Set<String> ALL = Set.of("*");

  private record Lease(long expiresAt, Set<String> agents) {
  }

  private final Map<String, Lease> feeds = new HashMap<>();

  /** Takes one announcement {@code {"hub", "ttlMs", "agents"?}}; anything malformed is ignored. */
  void onAnnouncement(Object body, long now) {
    if (!(body instanceof JsonObject m) || !(m.getValue("hub") instanceof String hub) || !Ids.isValid(hub)
        || !(m.getValue("ttlMs") instanceof Number ttl)) {
      return;
    }
    long ttlMs = Math.min(MAX_TTL_MS, ttl.longValue());
    if (ttlMs <= 0) {
      feeds.remove(hub);
      return;
    }
    Set<String> agents;
    Object named = m.getValue("agents");
    if (named == null) {
      agents = ALL;
    } else if (named instanceof JsonArray array && array.size() <= MAX_AGENTS) {
      agents = new HashSet<>();
      for (Object a : array) {
        if (a instanceof String id) {
          agents.add(id);
        }
      }
    } else {
      return;
    }
    feeds.put(hub, new Lease(now + ttlMs, agents));
  }

  /** {@link #ALL}, the agents wanted, or an empty set when nobody wants measurements now. */
  Set<String> wanted(long now) {
    if (feeds.isEmpty()) {
      return Set.of();
    }
    feeds.values().removeIf(l -> l.expiresAt() <= now);
    Set<String> union = null;
    for (Lease l : feeds.values()) {
      if (l.agents() == ALL) {
        return ALL;
      }
      if (union == null) {
        union = new HashSet<>();
      }
      union.addAll(l.agents());
    }
    return union == null ? Set.of() : union;
  }
}
