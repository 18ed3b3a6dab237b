package io.agentgovernor.bus;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;

/**
 * A request to a part that runs on every node and answers from the cluster's maps (quotas, groups,
 * capacity, the admin API's parts): to this node's consumer, and to the cluster's only if this node
 * has none (a part switched off here).
 *
 * <p>Why not plain {@code request}: Vert.x spreads a request over every node's consumers of the
 * address, and for a while after a node dies (about 20 s in {@code load-tests/cluster.sh}) its
 * consumers are still listed; a request handed to one of them is dropped and its sender waits out
 * the whole timeout (30 s by default). A restart of a lost node's agents went through such requests
 * (the deploy's quota creation), and a third of them stalled for 30 s, then timed out. Asking this
 * node's own part needs no network hop either.
 *
 * <p>Also for the per-agent addresses ({@link AgentRouting}: runtime control, enforcement actions):
 * this node's consumer knows the agent's node and forwards there at once (or answers, for its own
 * agents). A plain request went to each node's consumer in turn (Vert.x picks a node per send), so
 * in a cluster of two half the commands enforcement sent its own agents went to the peer and were
 * routed back ({@code LocalControlIT}: 10 of 20).
 */
public final class LocalFirst {

  private LocalFirst() {
  }

  public static <T> Future<Message<T>> request(Vertx vertx, String address, Object body, DeliveryOptions options) {
    DeliveryOptions local = new DeliveryOptions(options).setLocalOnly(true);
    return vertx.eventBus().<T>request(address, body, local).recover(e ->
        e instanceof ReplyException r && r.failureType() == ReplyFailure.NO_HANDLERS
            ? vertx.eventBus().<T>request(address, body, options)
            : Future.failedFuture(e));
  }

  public static <T> Future<Message<T>> request(Vertx vertx, String address, Object body) {
    return request(vertx, address, body, new DeliveryOptions());
  }
}
