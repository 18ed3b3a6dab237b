package io.agentgovernor.analytics.impl;

import io.agentgovernor.analytics.recommend.Recommendation;
import io.agentgovernor.bus.ErrorCode;
import io.agentgovernor.bus.GovernorException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * One agent's analytics as stored cluster-wide (agentId → {@link #toJson()}): the patterns and
 * recommendations of its latest analysis, the recommendations applied before, and the violation
 * episodes and actions the analysis saw. Immutable; the pure transitions below are what the store
 * applies atomically.
 *
 * @param violations {@code [{"resource", "kind", "start"}]}, oldest first, as of the latest analysis
 * @param actions {@code [{"action", "resource", "outcome", "time"}]}, oldest first
 */
record AgentAnalytics(String agentId, String node, String group, long time, JsonObject patterns,
                      JsonArray violations, JsonArray actions, List<StoredRecommendation> items) {

  /** Applied recommendations kept per agent, newest first, so a second apply still finds them. */
  static final int APPLIED_KEPT = 20;

  /** The outcome of merging an analysis: the record to store and the recommendations it opened. */
  record Merge(AgentAnalytics record, List<StoredRecommendation> added) {
  }

  AgentAnalytics {
    items = List.copyOf(items);
  }

  /**
   * Merges a fresh analysis into the stored record (null when there is none). The fresh
   * recommendations replace the open ones; an open one of the same resource and type keeps its id
   * and creation time, so an operator holding the id can still apply it after a re-analysis.
   * Claimed and applied ones are kept (applied ones up to {@link #APPLIED_KEPT}); a fresh
   * recommendation identical to one of those is dropped: it is already in force or being applied.
   */
  static Merge merge(AgentAnalytics previous, AgentAnalyzer.Result fresh, String node, JsonArray violations,
                     JsonArray actions) {
    List<StoredRecommendation> old = previous == null ? List.of() : previous.items();
    List<StoredRecommendation> kept = new ArrayList<>();
    old.stream().filter(r -> r.status() == StoredRecommendation.Status.APPLYING).forEach(kept::add);
    old.stream().filter(r -> r.status() == StoredRecommendation.Status.APPLIED)
        .sorted(Comparator.comparingLong(StoredRecommendation::appliedAt).reversed())
        .limit(APPLIED_KEPT).forEach(kept::add);
    List<StoredRecommendation> open = new ArrayList<>();
    List<StoredRecommendation> added = new ArrayList<>();
    for (Recommendation rec : fresh.recommendations()) {
      if (kept.stream().anyMatch(k -> k.id().equals(rec.id()))) {
        continue;
      }
      StoredRecommendation same = old.stream().filter(r -> r.status() == StoredRecommendation.Status.OPEN
          && r.resource().equals(rec.resource()) && r.type().equals(rec.type().wireName())).findFirst().orElse(null);
      if (same != null) {
        open.add(same.refreshed(rec, fresh.time()));
      } else {
        StoredRecommendation created = StoredRecommendation.open(uniqueId(rec.id(), kept, open), rec, fresh.time());
        open.add(created);
        added.add(created);
      }
    }
    open.addAll(kept);
    JsonObject patterns = new JsonObject();
    fresh.patterns().forEach((resource, p) -> patterns.put(resource, p.toJson()));
    return new Merge(new AgentAnalytics(fresh.agentId(), node, fresh.group(), fresh.time(), patterns, violations,
        actions, open), added);
  }

  /** The policy's id is a hash of the suggestion; two items of one agent must still never share one. */
  private static String uniqueId(String id, List<StoredRecommendation> a, List<StoredRecommendation> b) {
    String candidate = id;
    for (int n = 2; contains(a, candidate) || contains(b, candidate); n++) {
      candidate = id + "-" + n;
    }
    return candidate;
  }

  private static boolean contains(List<StoredRecommendation> items, String id) {
    return items.stream().anyMatch(r -> r.id().equals(id));
  }

  StoredRecommendation item(String id) {
    return items.stream().filter(r -> r.id().equals(id)).findFirst().orElse(null);
  }

  /**
   * Claims a recommendation for applying. Fails NOT_FOUND for an unknown id and INVALID_STATE when
   * it is applied or another apply holds it.
   */
  AgentAnalytics claim(String id, long now, long claimTimeoutMs) {
    StoredRecommendation item = item(id);
    if (item == null) {
      throw GovernorException.notFound("recommendation", id);
    }
    if (!item.isClaimable(now, claimTimeoutMs)) {
      throw new GovernorException(ErrorCode.INVALID_STATE, "recommendation '" + id + "' is "
          + (item.status() == StoredRecommendation.Status.APPLIED ? "already applied" : "being applied"));
    }
    return with(id, r -> r.claimed(now));
  }

  AgentAnalytics with(String id, UnaryOperator<StoredRecommendation> change) {
    List<StoredRecommendation> changed = new ArrayList<>(items.size());
    items.forEach(r -> changed.add(r.id().equals(id) ? change.apply(r) : r));
    return new AgentAnalytics(agentId, node, group, time, patterns, violations, actions, changed);
  }

  JsonArray itemsJson() {
    JsonArray out = new JsonArray();
    items.forEach(r -> out.add(r.toJson()));
    return out;
  }

  JsonObject toJson() {
    return new JsonObject().put("agentId", agentId).put("node", node).put("group", group).put("time", time)
        .put("patterns", patterns).put("violations", violations).put("actions", actions).put("items", itemsJson());
  }

  static AgentAnalytics fromJson(JsonObject json) {
    List<StoredRecommendation> items = new ArrayList<>();
    JsonArray array = json.getJsonArray("items", new JsonArray());
    for (int i = 0; i < array.size(); i++) {
      items.add(StoredRecommendation.fromJson(array.getJsonObject(i)));
    }
    return new AgentAnalytics(json.getString("agentId"), json.getString("node"), json.getString("group"),
        json.getLong("time", 0L), json.getJsonObject("patterns", new JsonObject()),
        json.getJsonArray("violations", new JsonArray()), json.getJsonArray("actions", new JsonArray()), items);
  }
}
