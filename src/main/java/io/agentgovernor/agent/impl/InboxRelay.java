package io.agentgovernor.agent.impl;

import io.agentgovernor.bus.Addresses;
import io.agentgovernor.bus.ErrorCode;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonObject;
import java.util.EnumSet;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Gives the messages a fenced copy of an agent had accepted but never handled to the agent's live
 * copy, one at a time and in order. A node frozen (SIGSTOP, a long GC) right after acknowledging a
 * message still holds it when it wakes to find the agent restarted elsewhere from a snapshot that
 * predates it; dropping it there loses an acknowledged message (`JepsenIT` seed 7).
 * <ul>
 *   <li>A one-way message is sent again as the API sends one: {@link Addresses#AGENT_SEND} on the
 *       owner's node (or wherever this node's registry routes it), which queues it in the live
 *       copy's inbox, or passes it on, and acknowledges. A refusal that says the message was not
 *       taken (no handler, the agent starting or moving, its inbox full, its node without lease)
 *       is retried with backoff until {@link #DEADLINE_MS} after the fence, then counted lost; a
 *       timeout is not retried, as the message may have been taken (seen in {@code FaultIT}: right
 *       after the frozen node merged back, the first one's acknowledgement took over 15 s while the
 *       message was counted), and is counted unconfirmed; any other failure is counted lost.</li>
 *   <li>A request goes to the owner's inbox with its reply relayed, as a migration forwards it; a
 *       failure reaches its sender, which may send it again. So does a one-way message whose body
 *       is no JSON value (another codec), unacknowledged.</li>
 * </ul>
 * Runs on the runtime's context; {@link #close} completes with the outcome once nothing is left.
 */
final class InboxRelay {

  private static final Logger LOG = LoggerFactory.getLogger(InboxRelay.class);
  static final long DEADLINE_MS = 30_000;
  private static final long SEND_TIMEOUT_MS = 15_000;
  private static final Set<ErrorCode> NOT_TAKEN = EnumSet.of(ErrorCode.UNAVAILABLE, ErrorCode.NOT_FOUND,
      ErrorCode.INVALID_STATE, ErrorCode.RATE_LIMITED);

  private final Vertx vertx;
  private final Context home;
  private final String agentId;
  /** The live copy's node, or null: then each attempt is routed by this node's registry. */
  private final String owner;
  /** The live copy's inbox, and the address that takes a message for it with an acknowledgement. */
  private final String ownerInbox;
  private final String ownerSend;
  private final long deadline;
  private final Queue<Message<Object>> pending = new ConcurrentLinkedQueue<>();
  private final Promise<JsonObject> done = Promise.promise();
  private boolean sending;
  private boolean closed;
  private int handedOver;
  private int unconfirmed;
  private int lost;

  InboxRelay(Vertx vertx, Context home, String agentId, String owner) {
    this.vertx = vertx;
    this.home = home;
    this.agentId = agentId;
    this.owner = owner;
    this.ownerInbox = owner == null ? Addresses.agentInbox(agentId) : Addresses.onNode(Addresses.agentInbox(agentId), owner);
    this.ownerSend = owner == null ? Addresses.AGENT_SEND : Addresses.onNode(Addresses.AGENT_SEND, owner);
    this.deadline = System.nanoTime() + DEADLINE_MS * 1_000_000;
  }

  /** Takes a message of the fenced copy, from any thread. */
  void accept(Message<Object> m) {
    pending.add(m);
    home.runOnContext(v -> next());
  }

  /**
   * No more messages come (the copy is stopped): completes with {@code {"to", "handedOver",
   * "unconfirmed", "lost"}} once every message taken was sent on or given up.
   */
  Future<JsonObject> close() {
    home.runOnContext(v -> {
      closed = true;
      next();
    });
    return done.future();
  }

  private void next() {
    if (sending) {
      return;
    }
    Message<Object> m = pending.poll();
    if (m == null) {
      if (closed) {
        done.tryComplete(new JsonObject().put("to", owner).put("handedOver", handedOver)
            .put("unconfirmed", unconfirmed).put("lost", lost));
      }
      return;
    }
    sending = true;
    send(m, 0).onComplete(ar -> {
      if (ar.succeeded()) {
        handedOver++;
      } else if (ErrorCode.of(ar.cause()) == ErrorCode.TIMEOUT) {
        unconfirmed++;
        LOG.warn("a message accepted by the fenced copy of {} was sent to its live copy, unacknowledged: {}", agentId,
            ar.cause().getMessage());
      } else {
        lost++;
        LOG.warn("a message accepted by the fenced copy of {} was not handed to its live copy: {}", agentId,
            ar.cause().getMessage());
      }
      sending = false;
      next();
    });
  }

  private Future<Void> send(Message<Object> m, int attempt) {
    if (m.replyAddress() != null || !jsonValue(m.body())) {
      // a request: its reply relayed to its sender; a body of another codec cannot ride in the
      // AGENT_SEND request: sent on as it is, unacknowledged
      AgentContextImpl.forward(vertx, ownerInbox, m);
      return Future.succeededFuture();
    }
    return vertx.eventBus().request(ownerSend, new JsonObject().put("id", agentId).put("body", m.body()),
            new DeliveryOptions().setSendTimeout(SEND_TIMEOUT_MS))
        .<Void>mapEmpty()
        .recover(e -> {
          if (!NOT_TAKEN.contains(ErrorCode.of(e)) || System.nanoTime() - deadline >= 0) {
            return Future.failedFuture(e);
          }
          return vertx.timer(Math.min(2_000, 100L << Math.min(attempt, 5))).compose(v -> send(m, attempt + 1));
        });
  }

  private static boolean jsonValue(Object body) {
    return body == null || body instanceof JsonObject || body instanceof io.vertx.core.json.JsonArray
        || body instanceof String || body instanceof Number || body instanceof Boolean;
  }
}
