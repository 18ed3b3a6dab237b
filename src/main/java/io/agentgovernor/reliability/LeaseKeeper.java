package io.agentgovernor.reliability;

import com.hazelcast.cluster.Member;
import io.agentgovernor.bus.Addresses;
import io.agentgovernor.bus.Handlers;
import io.agentgovernor.bus.Json;
import io.agentgovernor.cluster.ClusterMembers;
import io.agentgovernor.cluster.DaemonThreads;
import io.agentgovernor.cluster.NodeLease;
import io.agentgovernor.agent.RuntimeContext;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps this node's {@link NodeLease}: every quarter lease it asks each peer whether it still
 * counts this process as a member; once enough peers say yes to make a majority (this node
 * included) of the largest set of governor nodes that ever confirmed together, the oldest member
 * among them ({@link LeaseRound}), the lease is extended to one lease after the moment the round
 * began. A node cut off from the majority, or
 * stopped, gets no such answers and its lease runs out within {@code failover.leaseMs}; regaining
 * it first runs a fencing pass (copies the registry now places elsewhere are stopped), so a stale
 * copy never runs again.
 *
 * <p>Peers count towards the quorum only once they have answered (a node that is still starting
 * does not make the others lose their lease), and a peer that leaves gracefully is forgotten.
 */
public final class LeaseKeeper {

  private static final Logger LOG = LoggerFactory.getLogger(LeaseKeeper.class);
  static final long DEFAULT_LEASE_MS = 3_000;

  private final Vertx vertx;
  private final RuntimeContext node;
  private final NodeLease lease;
  private final long leaseMs;
  private final Supplier<Future<Void>> fence;
  private volatile int largestConfirmed = 1;
  private volatile int configuredQuorum;
  private MessageConsumer<Object> confirmations;
  /**
   * Renewal runs on a thread of its own, not on an event loop: a loaded node whose event loops
   * lagged more than a lease behind (2,000 agents deploying on 2 cores, `BreachLatency` with waves
   * of 1,000) lost its lease although nothing was wrong, and with it every dispatch and write. A
   * stopped process stops this thread too, so the lease still runs out when it should.
   */
  private ScheduledExecutorService ticker;
  private Context context;
  private final AtomicBoolean renewing = new AtomicBoolean();
  private final AtomicBoolean regaining = new AtomicBoolean();

  LeaseKeeper(Vertx vertx, RuntimeContext node, long leaseMs, int configuredQuorum, Supplier<Future<Void>> fence) {
    this.vertx = vertx;
    this.node = node;
    this.lease = node.lease();
    this.leaseMs = leaseMs;
    this.configuredQuorum = configuredQuorum;
    this.fence = fence;
  }

  /** The lease length from the failover section ({@code leaseMs}, default 3 s, 500 ms to 60 s). */
  public static long leaseMs(JsonObject failoverConfig) {
    Long configured = Json.optLong(failoverConfig, "leaseMs", "failover", 500, 60_000);
    return configured == null ? DEFAULT_LEASE_MS : configured;
  }

  Future<Void> start() {
    confirmations = vertx.eventBus().consumer(Addresses.onNode(Addresses.LEASE_CONFIRM, node.nodeId()),
        Handlers.json(request -> {
          String asking = Json.optString(request, "incarnation", "");
          boolean member = asking != null && ClusterMembers.liveIncarnations(node.hazelcast()).contains(asking);
          return Future.succeededFuture(LeaseRound.answer(member, ClusterMembers.localIncarnation(node.hazelcast()),
              ClusterMembers.oldestIncarnation(node.hazelcast()), node.nodeId()));
        }));
    context = vertx.getOrCreateContext();
    return confirmations.completion().onSuccess(v -> {
      lease.startKeeping(leaseMs);
      ticker = Executors.newSingleThreadScheduledExecutor(DaemonThreads.named("governor-lease-" + node.nodeId()));
      ticker.scheduleAtFixedRate(this::renewQuietly, 0, Math.max(100, leaseMs / 4), TimeUnit.MILLISECONDS);
    });
  }

  Future<Void> stop() {
    if (ticker != null) {
      ticker.shutdownNow();
    }
    return confirmations == null ? Future.succeededFuture() : confirmations.unregister();
  }

  /** A failed round must not end the schedule (an exception would cancel every later run). */
  private void renewQuietly() {
    try {
      renew();
    } catch (RuntimeException e) {
      renewing.set(false);
      LOG.warn("lease renewal round failed: {}", e.toString());
    }
  }

  /** A peer left gracefully: it no longer counts towards the majority. */
  void peerLeft() {
    largestConfirmed = Math.max(1, largestConfirmed - 1);
  }

  private int quorum() {
    return configuredQuorum > 0 ? configuredQuorum : largestConfirmed / 2 + 1;
  }

  /** One round, on the lease thread; the peers' answers arrive on event loops. */
  private void renew() {
    if (!renewing.compareAndSet(false, true)) {
      return; // the last round is still waiting for answers
    }
    long began = System.nanoTime();
    List<String> peers = new ArrayList<>();
    String self = ClusterMembers.localIncarnation(node.hazelcast());
    for (Member m : node.hazelcast().getCluster().getMembers()) {
      String id = ClusterMembers.nodeIdOf(m);
      if (!m.localMember() && id != null) {
        peers.add(id);
      }
    }
    LeaseRound round = new LeaseRound(self, ClusterMembers.oldestIncarnation(node.hazelcast()));
    AtomicBoolean granted = new AtomicBoolean();
    List<Future<?>> answers = new ArrayList<>();
    for (String peer : peers) {
      answers.add(vertx.eventBus().<JsonObject>request(Addresses.onNode(Addresses.LEASE_CONFIRM, peer),
              new JsonObject().put("incarnation", self), new DeliveryOptions().setSendTimeout(Math.max(100, leaseMs / 2)))
          .onSuccess(reply -> {
            if (round.add(reply.body(), quorum()) && granted.compareAndSet(false, true)) {
              grant(began);
            }
          }));
    }
    if (round.granted(quorum()) && granted.compareAndSet(false, true)) {
      grant(began);
    }
    if (answers.isEmpty()) {
      renewing.set(false);
      return;
    }
    Future.join(answers).onComplete(ar -> {
      largestConfirmed = Math.max(largestConfirmed, 1 + round.confirmed());
      renewing.set(false);
    });
  }

  /** Extends a held lease at once; a lost one only after the fencing pass, which runs on the verticle's context. */
  private void grant(long began) {
    long until = began + leaseMs * 1_000_000L;
    if (lease.holds(System.nanoTime())) {
      lease.extendTo(until);
      return;
    }
    if (!regaining.compareAndSet(false, true)) {
      return; // a fencing pass is under way; a later round extends the lease once it is done
    }
    LOG.warn("node {} regains its lease: fencing stale copies first", node.nodeId());
    context.runOnContext(v -> fence.get().onComplete(ar -> {
      regaining.set(false);
      if (ar.failed()) {
        LOG.warn("fencing before regaining the lease failed ({}): the lease stays lost", ar.cause().toString());
        return;
      }
      lease.extendTo(until);
    }));
  }
}
