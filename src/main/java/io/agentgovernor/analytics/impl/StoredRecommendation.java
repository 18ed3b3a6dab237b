package io.agentgovernor.analytics.impl;

import io.agentgovernor.analytics.recommend.Recommendation;
import io.vertx.core.json.JsonObject;
import java.util.Locale;

/**
 * A recommendation as the cluster keeps it: the policy's {@link Recommendation} JSON with the
 * stored id, and where it stands. Immutable; every change makes a new one.
 *
 * @param body the recommendation's JSON ({@code id}, {@code resource}, {@code type}, {@code current},
 *     {@code suggested}, {@code rationale}, {@code evidence}, {@code confidence})
 * @param claimedAt when an apply claimed it (status APPLYING), else 0
 * @param appliedLimit the limit really applied: the suggestion, or a step towards it under auto-apply
 */
record StoredRecommendation(String id, JsonObject body, Status status, long createdAt, long updatedAt,
                            long claimedAt, long appliedAt, String appliedBy, JsonObject appliedLimit,
                            long quotaVersion) {

  /** Where a recommendation stands: open until someone applies it. */
  enum Status {
    OPEN, APPLYING, APPLIED;

    String wireName() {
      return name().toLowerCase(Locale.ROOT);
    }

    static Status parse(String s) {
      return s == null ? OPEN : valueOf(s.toUpperCase(Locale.ROOT));
    }
  }

  static StoredRecommendation open(String id, Recommendation rec, long now) {
    return new StoredRecommendation(id, rec.toJson().put("id", id), Status.OPEN, now, now, 0, 0, null, null, 0);
  }

  String resource() {
    return body.getString("resource");
  }

  String type() {
    return body.getString("type");
  }

  double confidence() {
    return body.getDouble("confidence", 0.0);
  }

  JsonObject suggested() {
    return body.getJsonObject("suggested");
  }

  /** The same recommendation (same id and creation) with the content of a newer analysis. */
  StoredRecommendation refreshed(Recommendation rec, long now) {
    return new StoredRecommendation(id, rec.toJson().put("id", id), status, createdAt, now, claimedAt, appliedAt,
        appliedBy, appliedLimit, quotaVersion);
  }

  StoredRecommendation claimed(long now) {
    return new StoredRecommendation(id, body, Status.APPLYING, createdAt, updatedAt, now, 0, null, null, 0);
  }

  StoredRecommendation released() {
    return new StoredRecommendation(id, body, Status.OPEN, createdAt, updatedAt, 0, 0, null, null, 0);
  }

  StoredRecommendation applied(long now, String by, JsonObject limit, long version) {
    return new StoredRecommendation(id, body, Status.APPLIED, createdAt, updatedAt, claimedAt, now, by, limit, version);
  }

  /** An apply that claimed it but neither finished nor released it (its node died) frees it after a while. */
  boolean isClaimable(long now, long claimTimeoutMs) {
    return status == Status.OPEN || status == Status.APPLYING && now - claimedAt > claimTimeoutMs;
  }

  JsonObject toJson() {
    JsonObject json = body.copy().put("id", id).put("status", status.wireName()).put("createdAt", createdAt)
        .put("updatedAt", updatedAt);
    if (status == Status.APPLYING) {
      json.put("claimedAt", claimedAt);
    }
    if (status == Status.APPLIED) {
      json.put("appliedAt", appliedAt).put("appliedBy", appliedBy).put("appliedLimit", appliedLimit)
          .put("quotaVersion", quotaVersion);
    }
    return json;
  }

  static StoredRecommendation fromJson(JsonObject json) {
    JsonObject body = json.copy();
    for (String field : new String[] {"status", "updatedAt", "claimedAt", "appliedAt", "appliedBy", "appliedLimit",
        "quotaVersion"}) {
      body.remove(field);
    }
    return new StoredRecommendation(json.getString("id"), body, Status.parse(json.getString("status")),
        json.getLong("createdAt", 0L), json.getLong("updatedAt", 0L), json.getLong("claimedAt", 0L),
        json.getLong("appliedAt", 0L), json.getString("appliedBy"), json.getJsonObject("appliedLimit"),
        json.getLong("quotaVersion", 0L));
  }
}
