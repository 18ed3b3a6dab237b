package io.agentgovernor.analytics.impl;

import io.agentgovernor.bus.Events;
import io.agentgovernor.analytics.recommend.StepGuard;
import io.agentgovernor.bus.Addresses;
import io.agentgovernor.bus.LocalFirst;
import io.agentgovernor.bus.GovernorException;
import io.agentgovernor.agent.RuntimeContext;
import io.agentgovernor.quota.Limit;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies a stored recommendation to the agent's quota, live: claim it (so two applies never both
 * run), replace that one resource's limit through {@link Addresses#QUOTA_UPDATE} with the quota's
 * group, priority, dry-run flag and other limits unchanged and its version as the precondition,
 * then mark it applied (who, when, the limit, the quota version) and publish a
 * {@code recommendation} event. A failed update releases the claim. The quota part updates every
 * node's index, so enforcement uses the new limit from its next sample on.
 */
final class RecommendationApplier {

  private static final Logger LOG = LoggerFactory.getLogger(RecommendationApplier.class);
  private static final long CLAIM_TIMEOUT_MS = 60_000;
  private static final DeliveryOptions REQUEST = new DeliveryOptions().setSendTimeout(10_000);

  private final Vertx vertx;
  private final RuntimeContext node;
  private final AnalyticsStore store;

  RecommendationApplier(Vertx vertx, RuntimeContext node, AnalyticsStore store) {
    this.vertx = vertx;
    this.node = node;
    this.store = store;
  }

  /**
   * @param by who applies it (an operator's name, or {@code auto-apply})
   * @param maxChange null to apply the suggestion as it is, else the largest relative step
   * @return the new Quota JSON
   */
  Future<JsonObject> apply(String agentId, String recommendationId, String by, Double maxChange) {
    return vertx.executeBlocking(() -> claim(agentId, recommendationId), false)
        .compose(item -> updateQuota(agentId, item, maxChange)
            .compose(quota -> markApplied(agentId, item, by, quota))
            .recover(failure -> release(agentId, recommendationId).transform(x -> Future.failedFuture(failure))));
  }

  private StoredRecommendation claim(String agentId, String id) {
    if (store.get(agentId) == null) {
      throw node.registry().entry(agentId) == null ? GovernorException.notFound("agent", agentId)
          : GovernorException.notFound("recommendation", id);
    }
    long now = node.clock().millis();
    return store.update(agentId, stored -> stored.claim(id, now, CLAIM_TIMEOUT_MS)).item(id);
  }

  private Future<JsonObject> updateQuota(String agentId, StoredRecommendation item, Double maxChange) {
    return LocalFirst.<JsonObject>request(vertx, Addresses.QUOTA_GET, new JsonObject().put("agentId", agentId), REQUEST)
        .compose(reply -> {
          JsonObject quota = reply.body();
          JsonObject limits = quota.getJsonObject("limits").copy();
          Limit target = target(limits.getJsonObject(item.resource()), item, maxChange);
          limits.put(item.resource(), target.toJson());
          JsonObject update = new JsonObject().put("agentId", agentId).put("group", quota.getString("group"))
              .put("priority", quota.getInteger("priority")).put("dryRun", quota.getBoolean("dryRun"))
              .put("version", quota.getLong("version")).put("limits", limits);
          return LocalFirst.<JsonObject>request(vertx, Addresses.QUOTA_UPDATE, update, REQUEST);
        })
        .map(reply -> reply.body());
  }

  /** The suggestion, or under auto-apply a step from the limit in force towards it. */
  static Limit target(JsonObject currentJson, StoredRecommendation item, Double maxChange) {
    Limit suggested = Limit.fromJson(item.suggested(), "suggested");
    if (maxChange == null || currentJson == null) {
      return suggested;
    }
    return StepGuard.step(Limit.fromJson(currentJson, "current"), suggested, maxChange);
  }

  private Future<JsonObject> markApplied(String agentId, StoredRecommendation item, String by, JsonObject quota) {
    long now = node.clock().millis();
    JsonObject limit = quota.getJsonObject("limits").getJsonObject(item.resource());
    long version = quota.getLong("version");
    return vertx.executeBlocking(() -> store.update(agentId, stored -> {
          if (stored == null) {
            throw GovernorException.notFound("analytics of agent", agentId);
          }
          return stored.with(item.id(), r -> r.applied(now, by, limit, version));
        }), false)
        .map(stored -> {
          vertx.eventBus().publish(Addresses.EVENTS, Events.recommendation(agentId, node.nodeId(), now, "applied")
              .put("recommendationId", item.id()).put("resource", item.resource()).put("appliedBy", by)
              .put("limit", limit).put("quotaVersion", version));
          return quota;
        });
  }

  private Future<Void> release(String agentId, String id) {
    return vertx.executeBlocking(() -> store.update(agentId, stored -> {
      if (stored == null) {
        throw GovernorException.notFound("analytics of agent", agentId);
      }
      StoredRecommendation item = stored.item(id);
      return item != null && item.status() == StoredRecommendation.Status.APPLYING
          ? stored.with(id, StoredRecommendation::released) : stored;
    }), false).<Void>mapEmpty().recover(e -> {
      LOG.warn("claim on recommendation {} of {} not released: {}", id, agentId, e.toString());
      return Future.succeededFuture();
    });
  }
}
