package io.agentgovernor.bridge;

import io.agentgovernor.agent.LocalAgent;
import io.agentgovernor.agent.RuntimeContext;
import io.agentgovernor.budget.Budget;
import io.agentgovernor.budget.Reservation;
import io.agentgovernor.budget.ReserveOptions;
import io.agentgovernor.bus.Addresses;
import io.agentgovernor.bus.GovernorException;
import io.agentgovernor.bus.Ids;
import io.agentgovernor.bus.Json;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.json.JsonObject;
import java.util.Set;

/**
 * An outside agent's budget requests over the bridge: reserve, commit, release, for itself only
 * (the frame policy has checked the body's {@code id} is the connection's agent). A reservation
 * is the agent's own {@code AgentContext.reserve}; a commit or release is the budget part's
 * {@link Addresses#BUDGET_SETTLE} with the agent's id, so it settles that agent's reservations
 * only. Nothing here keeps state: what is reserved lives in the granting node's ledger, and a
 * reservation the client never settles is charged in full when its lease ends.
 */
final class BridgeBudgets {

  private static final Set<String> RESERVE_FIELDS = Set.of("id", "resource", "amount", "leaseMs", "wait", "waitMs");
  private static final Set<String> COMMIT_FIELDS = Set.of("id", "reservation", "actual");
  private static final Set<String> RELEASE_FIELDS = Set.of("id", "reservation");
  private static final long SETTLE_TIMEOUT_MS = 10_000;
  /** The longest lease or wait a request may name; the node's own bounds ({@code budgets.*}) apply within it. */
  private static final long MAX_MS = 86_400_000L;

  private final Vertx vertx;
  private final RuntimeContext node;

  BridgeBudgets(Vertx vertx, RuntimeContext node) {
    this.vertx = vertx;
    this.node = node;
  }

  /** A reserve frame's body: the reply is the reservation, granted or denied (with why). */
  Future<JsonObject> reserve(String agentId, JsonObject body) {
    try {
      fields(body, RESERVE_FIELDS, BridgeVerticle.RESERVE);
      String resource = Budget.requireResource(Json.optString(body, "resource", "body"));
      Long amount = Json.optLong(body, "amount", "body", 1, Long.MAX_VALUE / 4);
      if (amount == null) {
        throw GovernorException.invalid("body.amount is required: a whole number >= 1");
      }
      Long leaseMs = Json.optLong(body, "leaseMs", "body", 1, MAX_MS);
      boolean wait = Boolean.TRUE.equals(Json.optBoolean(body, "wait", "body"));
      Long waitMs = Json.optLong(body, "waitMs", "body", 0, MAX_MS);
      ReserveOptions options = new ReserveOptions(leaseMs == null ? 0 : leaseMs, wait,
          waitMs == null ? ReserveOptions.defaults().waitMs() : waitMs);
      LocalAgent handle = ownAgent(agentId);
      return handle.onContext(() -> handle.context().reserve(resource, amount, options))
          .compose(f -> f).map(Reservation::toJson);
    } catch (GovernorException e) {
      return Future.failedFuture(e);
    }
  }

  /** A commit frame's body ({@code actual} required: a commit without it is a mistake, not a release). */
  Future<JsonObject> commit(String agentId, JsonObject body) {
    try {
      fields(body, COMMIT_FIELDS, BridgeVerticle.COMMIT);
      Long actual = Json.optLong(body, "actual", "body", 0, Long.MAX_VALUE / 4);
      if (actual == null) {
        throw GovernorException.invalid("body.actual is required: what was really spent, a whole number >= 0");
      }
      return settle(agentId, body, actual);
    } catch (GovernorException e) {
      return Future.failedFuture(e);
    }
  }

  Future<JsonObject> release(String agentId, JsonObject body) {
    try {
      fields(body, RELEASE_FIELDS, BridgeVerticle.RELEASE);
      return settle(agentId, body, null);
    } catch (GovernorException e) {
      return Future.failedFuture(e);
    }
  }

  private Future<JsonObject> settle(String agentId, JsonObject body, Long actual) {
    String id = Ids.require(Json.optString(body, "reservation", "body"), "body.reservation");
    ownAgent(agentId);
    JsonObject request = new JsonObject().put("id", id).put("agentId", agentId);
    if (actual != null) {
      request.put("actual", actual);
    }
    return vertx.eventBus().<JsonObject>request(Addresses.BUDGET_SETTLE, request,
        new DeliveryOptions().setSendTimeout(SETTLE_TIMEOUT_MS)).map(m -> m.body());
  }

  /** The connection's agent, running on this node as an outside agent. */
  private LocalAgent ownAgent(String agentId) {
    LocalAgent handle = node.localAgents().get(agentId);
    if (handle == null || !(handle.agent() instanceof ExternalAgent)) {
      throw GovernorException.notFound("outside agent", agentId);
    }
    return handle;
  }

  private static void fields(JsonObject body, Set<String> allowed, String address) {
    for (String field : body.fieldNames()) {
      if (!allowed.contains(field)) {
        throw GovernorException.invalid("unknown field '" + field + "' (" + address + " takes " + new java.util.TreeSet<>(allowed) + ")");
      }
    }
  }
}
