package io.agentgovernor.bus;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.json.JsonObject;
import java.util.function.Function;

/**
 * Requests about one agent can reach any node. A part registers two consumers per such address:
 * the cluster-wide one, which answers for this node's agents and forwards the rest to the owner's
 * node-specific form ({@link Addresses#onNode}), and that node-specific one. The owner is looked
 * up in the node's local copy of the registry, so routing costs no Hazelcast round trip.
 */
public final class AgentRouting {

  private static final long FORWARD_TIMEOUT_MS = 15_000;

  private final Vertx vertx;
  private final String nodeId;
  private final Function<String, String> ownerOf;

  /** @param ownerOf agent id → node id, or null when the agent is unknown */
  public AgentRouting(Vertx vertx, String nodeId, Function<String, String> ownerOf) {
    this.vertx = vertx;
    this.nodeId = nodeId;
    this.ownerOf = ownerOf;
  }

  /** Registers both consumers; completes once both are registered cluster-wide. */
  public Future<?> register(String address, String idField, Function<JsonObject, Future<?>> local) {
    return Future.all(
        vertx.eventBus().consumer(address, Handlers.json(request -> route(address, idField, request, local))).completion(),
        vertx.eventBus().consumer(Addresses.onNode(address, nodeId), Handlers.json(local)).completion());
  }

  private Future<?> route(String address, String idField, JsonObject request, Function<JsonObject, Future<?>> local) {
    String id = Ids.require(Json.optString(request, idField, ""), idField);
    String owner = ownerOf.apply(id);
    if (owner == null) {
      throw GovernorException.notFound("agent", id);
    }
    return owner.equals(nodeId) ? local.apply(request) : forward(address, owner, request);
  }

  /** Sends the request to a node's own form of the address and relays its answer. */
  public Future<Object> forward(String address, String node, JsonObject request) {
    return vertx.eventBus().<Object>request(Addresses.onNode(address, node), request,
            new DeliveryOptions().setSendTimeout(FORWARD_TIMEOUT_MS))
        .map(reply -> reply.body())
        .recover(e -> Future.failedFuture(e instanceof ReplyException r && r.failureType() == ReplyFailure.NO_HANDLERS
            ? new GovernorException(ErrorCode.NOT_FOUND, "node '" + node + "' is not reachable") : e));
  }
}
