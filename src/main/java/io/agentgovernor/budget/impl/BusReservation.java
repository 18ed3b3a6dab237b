package io.agentgovernor.budget.impl;

import io.agentgovernor.budget.Denial;
import io.agentgovernor.budget.Reservation;
import io.agentgovernor.budget.ReserveOptions;
import io.agentgovernor.bus.Addresses;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.json.JsonObject;

/** A reservation made over the event bus, from this node's budget part; settled the same way. */
public final class BusReservation implements Reservation {

  private static final long SETTLE_TIMEOUT_MS = 10_000;

  private final Vertx vertx;
  private final JsonObject reply;

  private BusReservation(Vertx vertx, JsonObject reply) {
    this.vertx = vertx;
    this.reply = reply;
  }

  /** Reserves through the budget part of {@code nodeId} (the agent's own node: grants are local there). */
  public static Future<Reservation> reserve(Vertx vertx, String nodeId, String agentId, String group, long epoch,
                                            String resource, long amount, ReserveOptions options) {
    JsonObject request = new JsonObject().put("agentId", agentId).put("resource", resource).put("amount", amount)
        .put("epoch", epoch).put("wait", options.waitForRefill()).put("waitMs", options.waitMs());
    if (group != null) {
      request.put("group", group);
    }
    if (options.leaseMs() > 0) {
      request.put("leaseMs", options.leaseMs());
    }
    DeliveryOptions delivery = new DeliveryOptions().setSendTimeout(options.waitMs() + SETTLE_TIMEOUT_MS);
    return vertx.eventBus().<JsonObject>request(Addresses.onNode(Addresses.BUDGET_RESERVE, nodeId), request, delivery)
        .map(m -> new BusReservation(vertx, m.body()));
  }

  @Override
  public Status status() {
    return "granted".equals(reply.getString("status")) ? Status.GRANTED : Status.DENIED;
  }

  @Override
  public String id() {
    return reply.getString("id");
  }

  @Override
  public String resource() {
    return reply.getString("resource");
  }

  @Override
  public long amount() {
    return reply.getLong("amount", 0L);
  }

  @Override
  public long expiresAt() {
    return reply.getLong("expiresAt", 0L);
  }

  @Override
  public Denial denial() {
    JsonObject d = reply.getJsonObject("denial");
    return d == null ? null : Denial.fromJson(d);
  }

  @Override
  public long queuedMs() {
    return reply.getLong("queuedMs", 0L);
  }

  /** The budget part's reply as it came (with the node and the budgets that granted). */
  @Override
  public JsonObject toJson() {
    return reply.copy();
  }

  @Override
  public Future<JsonObject> commit(long actual) {
    if (actual < 0) {
      return Future.failedFuture(new IllegalArgumentException("actual must be >= 0"));
    }
    return settle(new JsonObject().put("id", id()).put("actual", actual));
  }

  @Override
  public Future<JsonObject> release() {
    return settle(new JsonObject().put("id", id()));
  }

  private Future<JsonObject> settle(JsonObject request) {
    if (!granted()) {
      return Future.failedFuture(new IllegalStateException("a denied reservation has nothing to settle"));
    }
    String node = BudgetLedger.nodeOf(id());
    return vertx.eventBus().<JsonObject>request(Addresses.onNode(Addresses.BUDGET_SETTLE, node), request,
        new DeliveryOptions().setSendTimeout(SETTLE_TIMEOUT_MS)).map(m -> m.body());
  }
}
