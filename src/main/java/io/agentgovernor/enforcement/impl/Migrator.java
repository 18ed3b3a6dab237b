package io.agentgovernor.enforcement.impl;

import io.agentgovernor.bus.ControlCommand;
import io.agentgovernor.bus.Addresses;
import io.agentgovernor.bus.LocalFirst;
import io.agentgovernor.bus.ErrorCode;
import io.agentgovernor.bus.GovernorException;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonObject;

/**
 * The {@code migrate} action: picks the peer whose published spare capacity for the violated
 * resource is largest and still fits the agent's current use ({@link Addresses#CAPACITY_TARGET}),
 * then has the runtime move the agent there ({@code migrate_out}). No peer fits: fails with
 * NOT_FOUND, and the caller falls back to suspending the agent.
 */
final class Migrator {

  private final Vertx vertx;
  private final String nodeId;

  Migrator(Vertx vertx, String nodeId) {
    this.vertx = vertx;
    this.nodeId = nodeId;
  }

  Future<JsonObject> migrate(String agentId, String resource, double amount) {
    JsonObject ask = new JsonObject().put("resource", resource == null ? "memory" : resource)
        .put("amount", Math.max(0, amount)).put("exclude", nodeId);
    return LocalFirst.<JsonObject>request(vertx, Addresses.CAPACITY_TARGET, ask)
        .recover(e -> Future.failedFuture(e instanceof ReplyException r
            && r.failureCode() == ErrorCode.NOT_FOUND.failureCode()
            ? new GovernorException(ErrorCode.NOT_FOUND, "no peer fits: " + r.getMessage()) : e))
        .compose(target -> move(agentId, target.body().getString("nodeId")));
  }

  /** Moves an agent to a chosen node. */
  Future<JsonObject> move(String agentId, String target) {
    return LocalFirst.<JsonObject>request(vertx, Addresses.RUNTIME_CONTROL, ControlCommand.migrateOut(agentId, target).toJson(),
        new DeliveryOptions().setSendTimeout(60_000)).map(m -> m.body());
  }
}
