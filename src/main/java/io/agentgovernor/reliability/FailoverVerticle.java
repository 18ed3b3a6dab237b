package io.agentgovernor.reliability;

import com.hazelcast.cluster.MembershipEvent;
import com.hazelcast.cluster.MembershipListener;
import com.hazelcast.core.LifecycleEvent;
import io.agentgovernor.bus.Events;
import io.agentgovernor.bus.LocalFirst;
import io.agentgovernor.bus.ControlCommand;
import io.agentgovernor.agent.AgentState;
import io.agentgovernor.agent.LocalAgent;
import io.agentgovernor.bus.Addresses;
import io.agentgovernor.bus.ErrorCode;
import io.agentgovernor.bus.Json;
import io.agentgovernor.agent.Placement;
import io.agentgovernor.agent.Registry;
import io.agentgovernor.cluster.ClusterMembers;
import io.agentgovernor.agent.RuntimeContext;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Agents outlive their node. Three duties, on every node:
 * <ul>
 *   <li>snapshots: every {@code failover.snapshotIntervalMs} (default 5 s) the state of each local
 *       agent with restart policy {@code on-node-loss} goes to the cluster-wide
 *       snapshots map (persisted with the store);</li>
 *   <li>the sweep, by the oldest member only (one decider, so one restart): registry entries whose
 *       process is no longer a cluster member (liveness from Hazelcast membership: the
 *       registration names the incarnation of the process that holds the agent, see
 *       {@link ClusterMembers}) are restarted — {@code on-node-loss} agents spread over the live
 *       nodes with the most spare memory, from the snapshot of the lost copy's epoch; the
 *       registry's compare-and-set claim makes each restart happen once even if two sweeps
 *       overlap. A lost process's agents are restarted only {@code failover.restartDelayMs}
 *       (default: the lease plus 1 s) after it was first missed, so a copy that is only cut off
 *       has stopped under its lost lease before its successor starts. Agents with no room are
 *       marked {@code pending} and placed when capacity appears; {@code never} agents are marked
 *       {@code terminated}, and such a registration is removed (with its snapshot, and the quota
 *       its deploy created) {@code failover.terminatedRetentionMs} (default 1 h) after it was
 *       marked. It runs when a member leaves and every {@code failover.sweepIntervalMs}
 *       (default 2 s);</li>
 *   <li>the lease ({@link LeaseKeeper}): agents are dispatched only while a majority confirms this
 *       node as a member;</li>
 *   <li>fencing: a node that was cut off (paused, partitioned) and comes back stops its own copies
 *       of agents the registry now places elsewhere or under a newer epoch, before it regains its
 *       lease, so no agent runs twice.</li>
 * </ul>
 *
 * <p>Quorum: a dead peer and a partition look the same from inside. Only a side that still holds
 * a majority of the largest cluster seen (members that left gracefully are forgotten) restarts
 * agents; a minority suspends its own agents and neither sweeps nor resumes them until it is back
 * in the majority, where fencing decides which copies live on. {@code failover.quorum} sets the
 * number of members needed explicitly (1 = always act: availability over consistency, e.g. for a
 * two-node cluster).
 */
public final class FailoverVerticle extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(FailoverVerticle.class);
  private static final long DEPLOYING_GRACE_MS = 30_000;
  private static final long SWEEP_STUCK_MS = 10_000;
  private static final int TERMINATE_BATCH = 200;
  private static final long FORGET_MISSING_MS = 3_600_000;
  private static final int RESTARTS_IN_FLIGHT = 96;

  private final RuntimeContext node;
  private final Registry registry;
  /** When the running sweep began (0: none); a sweep stuck on the network longer than that is not waited for. */
  private final AtomicLong sweepingSince = new AtomicLong();
  private final Set<String> isolationSuspended = ConcurrentHashMap.newKeySet();
  /** Holder ({@link Placement#holder()}: an incarnation, or a node for old registrations) → when it was first known missing. */
  private final Map<String, Long> missingSince = new ConcurrentHashMap<>();
  /** Ids of lost {@code never} agents being marked terminated ({@link #terminateLater}). */
  private final Set<String> terminating = ConcurrentHashMap.newKeySet();
  /** Ids of terminated registrations past their retention being removed ({@link #forgetLater}). */
  private final Set<String> forgetting = ConcurrentHashMap.newKeySet();
  private volatile int largestSeen = 1;
  private volatile boolean isolated;
  private volatile boolean sweepAgain;
  private int configuredQuorum;
  private long restartDelayMs;
  private long terminatedRetentionMs;
  private LeaseKeeper leaseKeeper;
  private UUID membershipRegistration;
  private UUID lifecycleRegistration;

  public FailoverVerticle(RuntimeContext node) {
    this.node = node;
    this.registry = node.registry();
  }

  /** The {@code failover} section, checked. */
  private record Settings(long snapshotEvery, long sweepEvery, int quorum, long fenceEvery, long leaseMs,
                          long restartDelayMs, long terminatedRetentionMs) {
    static Settings fromJson(JsonObject config) {
      long leaseMs = LeaseKeeper.leaseMs(config);
      return new Settings(
          orDefault(Json.optLong(config, "snapshotIntervalMs", "failover", 100, 3_600_000), 5_000),
          orDefault(Json.optLong(config, "sweepIntervalMs", "failover", 100, 600_000), 2_000),
          (int) orDefault(Json.optLong(config, "quorum", "failover", 0, 1000), 0),
          orDefault(Json.optLong(config, "fenceIntervalMs", "failover", 1_000, 3_600_000), 30_000),
          leaseMs,
          orDefault(Json.optLong(config, "restartDelayMs", "failover", leaseMs, 600_000), leaseMs + 1_000),
          orDefault(Json.optLong(config, "terminatedRetentionMs", "failover", 1_000, 30L * 86_400_000), 3_600_000));
    }
  }

  /** Checks the {@code failover} section; throws naming the fault. */
  public static void validate(JsonObject failover) {
    Settings.fromJson(failover);
  }

  @Override
  public Future<?> start() {
    Settings settings = Settings.fromJson(config());
    long snapshotEvery = settings.snapshotEvery();
    long sweepEvery = settings.sweepEvery();
    configuredQuorum = settings.quorum();
    long fenceEvery = settings.fenceEvery();
    long leaseMs = settings.leaseMs();
    restartDelayMs = settings.restartDelayMs();
    terminatedRetentionMs = settings.terminatedRetentionMs();
    leaseKeeper = new LeaseKeeper(vertx, node, leaseMs, configuredQuorum, () -> fence(true));
    return vertx.executeBlocking(this::listenToCluster).compose(v -> leaseKeeper.start()).onSuccess(v -> {
      vertx.setTimer(500, t -> adoptOwn());
      vertx.setPeriodic(snapshotEvery, id -> snapshotAll());
      vertx.setPeriodic(sweepEvery, id -> sweep());
      // a safety net only: a node that was cut off fences before it regains its lease
      vertx.setPeriodic(fenceEvery, id -> fence(false));
    });
  }

  @Override
  public Future<?> stop() {
    return leaseKeeper.stop().compose(v -> vertx.executeBlocking(() -> {
      node.hazelcast().getCluster().removeMembershipListener(membershipRegistration);
      node.hazelcast().getLifecycleService().removeLifecycleListener(lifecycleRegistration);
      return null;
    }));
  }

  private Void listenToCluster() {
    membershipRegistration = node.hazelcast().getCluster().addMembershipListener(new MembershipListener() {
      @Override
      public void memberAdded(MembershipEvent event) {
        largestSeen = Math.max(largestSeen, event.getMembers().size());
        vertx.runOnContext(v -> checkQuorum());
      }

      @Override
      public void memberRemoved(MembershipEvent event) {
        String incarnation = ClusterMembers.incarnationOf(event.getMember());
        if (incarnation != null) {
          missingSince.putIfAbsent(incarnation, System.currentTimeMillis());
        }
        vertx.runOnContext(v -> {
          checkQuorum();
          vertx.setTimer(200, t -> sweep());
          vertx.setTimer(restartDelayMs + 100, t -> sweep()); // once its copies must have stopped
        });
      }
    });
    largestSeen = Math.max(largestSeen, node.hazelcast().getCluster().getMembers().size());
    vertx.eventBus().<Object>consumer(Addresses.EVENTS, m -> {
      if (!(m.body() instanceof JsonObject e)) {
        return; // not a governor event: nothing to learn from it
      }
      if ("node".equals(e.getString("type")) && "leaving".equals(e.getString("event"))
          && !node.nodeId().equals(e.getString("node"))) {
        largestSeen = Math.max(1, largestSeen - 1); // a graceful leave is no failure to outvote
        leaseKeeper.peerLeft();
      }
    });
    lifecycleRegistration = node.hazelcast().getLifecycleService().addLifecycleListener(event -> {
      if (event.getState() == LifecycleEvent.LifecycleState.MERGED) {
        registry.reload();
        vertx.runOnContext(v -> {
          checkQuorum();
          fence(true);
        });
      }
    });
    return null;
  }

  // ---- snapshots ----

  private void snapshotAll() {
    for (LocalAgent h : node.localAgents().all()) {
      if (!"on-node-loss".equals(h.restartPolicy()) || h.state() == AgentState.DEPLOYING
          || h.state() == AgentState.MIGRATING || h.state() == AgentState.TERMINATING) {
        continue;
      }
      long epoch = h.epoch();
      h.onContext(() -> h.agent().snapshot())
          .compose(snapshot -> Future.fromCompletionStage(
              registry.saveSnapshotAsync(h.id(), epoch, node.clock().millis(), node.nodeId(), snapshot), context))
          .onSuccess(saved -> {
            if (!saved) {
              LOG.warn("snapshot of {} refused: a newer copy (epoch above {}) owns it", h.id(), epoch);
            }
          })
          .onFailure(e -> LOG.debug("snapshot of {} skipped: {}", h.id(), e.getMessage()));
    }
  }

  // ---- the sweep ----

  /** Members needed to act: the configured quorum, or a majority of the largest cluster seen. */
  private int quorum() {
    return configuredQuorum > 0 ? configuredQuorum : largestSeen / 2 + 1;
  }

  private void checkQuorum() {
    boolean minority = node.hazelcast().getCluster().getMembers().size() < quorum();
    if (minority && !isolated) {
      isolated = true;
      LOG.warn("node {} is in a minority ({} of {} members seen): suspending its agents until it rejoins",
          node.nodeId(), node.hazelcast().getCluster().getMembers().size(), largestSeen);
      node.localAgents().all().forEach(h -> control(ControlCommand.suspend(h.id())).onSuccess(r -> isolationSuspended.add(h.id())));
    } else if (!minority && isolated) {
      isolated = false;
      LOG.info("node {} is back in the majority", node.nodeId());
      fence(true).onComplete(ar -> {
        isolationSuspended.forEach(id -> {
          if (node.localAgents().get(id) != null) {
            control(ControlCommand.resume(id));
          }
        });
        isolationSuspended.clear();
      });
    }
  }

  private Future<JsonObject> control(ControlCommand command) {
    return vertx.eventBus().<JsonObject>request(Addresses.onNode(Addresses.RUNTIME_CONTROL, node.nodeId()),
        command.toJson()).map(m -> m.body());
  }

  private boolean oldestMember() {
    String oldest = ClusterMembers.oldestIncarnation(node.hazelcast());
    return oldest != null && oldest.equals(ClusterMembers.localIncarnation(node.hazelcast()));
  }

  private void sweep() {
    long now = System.currentTimeMillis();
    long since = sweepingSince.get();
    if (isolated || !oldestMember()) {
      return;
    }
    if ((since != 0 && now - since < SWEEP_STUCK_MS) || !sweepingSince.compareAndSet(since, now)) {
      sweepAgain = true; // one is running: look again right after it
      return;
    }
    sweepAgain = false;
    vertx.executeBlocking(this::findOrphans, false)
        .compose(found -> {
          terminateLater(found.lost(), now);
          forgetLater(found.expired());
          return restartAll(found.orphans());
        })
        .onComplete(ar -> {
          if (ar.failed()) {
            LOG.warn("failover sweep failed: {}", ar.cause().toString());
          }
          sweepingSince.compareAndSet(now, 0);
          if (sweepAgain) {
            vertx.runOnContext(v -> sweep());
          }
        });
  }

  /**
   * Restarts orphans with at most {@value #RESTARTS_IN_FLIGHT} under way at once (a new one starts
   * as each finishes), spread over the live nodes with the most spare memory: a lost node may have
   * held thousands, and starting them all at once, or all on one node, would time out deploys on
   * the survivors and leave agents pending.
   */
  private Future<Void> restartAll(List<JsonObject> orphans) {
    if (orphans.isEmpty()) {
      return Future.succeededFuture();
    }
    return targets().compose(targets -> {
      Promise<Void> done = Promise.promise();
      AtomicInteger next = new AtomicInteger();
      AtomicInteger finished = new AtomicInteger();
      Runnable[] startNext = new Runnable[1];
      startNext[0] = () -> {
        int i = next.getAndIncrement();
        if (i >= orphans.size()) {
          return;
        }
        restart(orphans.get(i), targets.isEmpty() ? null : targets.get(i % targets.size())).onComplete(ar -> {
          if (finished.incrementAndGet() == orphans.size()) {
            done.complete();
          } else {
            startNext[0].run();
          }
        });
      };
      for (int k = 0; k < Math.min(RESTARTS_IN_FLIGHT, orphans.size()); k++) {
        startNext[0].run();
      }
      return done.future();
    });
  }

  /** Live nodes by spare memory, most first (empty: none known, each restart asks the capacity part). */
  private Future<List<String>> targets() {
    Set<String> live = ClusterMembers.liveNodeIds(node.hazelcast());
    return LocalFirst.<JsonObject>request(vertx, Addresses.CAPACITY_NODES, new JsonObject())
        .map(reply -> {
          List<JsonObject> nodes = new ArrayList<>();
          reply.body().getJsonArray("items", new JsonArray()).forEach(o -> {
            if (o instanceof JsonObject n && live.contains(n.getString("nodeId"))) {
              nodes.add(n);
            }
          });
          nodes.sort(Comparator.comparingDouble((JsonObject n) ->
              n.getJsonObject("spare", new JsonObject()).getDouble("memory", 0.0)).reversed());
          return nodes.stream().map(n -> n.getString("nodeId")).toList();
        })
        .recover(e -> Future.succeededFuture(List.of()));
  }

  /**
   * What a sweep found: agents to restart, {@code never} agents to mark terminated, and terminated
   * registrations past their retention.
   */
  private record Found(List<JsonObject> orphans, List<JsonObject> lost, List<JsonObject> expired) {
  }

  /**
   * Marks lost {@code never} agents terminated on a worker of its own, beside the restarts and not
   * before them: a lost node may have held thousands (9,000 in {@code load-tests/cluster.sh}), one
   * compare-and-set each, and done inline they held back every restart for longer than the sweep's
   * stuck limit (the first agent ran again 29 s after the kill). Each id is marked by one such
   * job at a time; a sweep skips the ids under way.
   */
  private void terminateLater(List<JsonObject> lost, long now) {
    inBatches(lost.stream().filter(e -> terminating.add(e.getString("id"))).toList(), terminating,
        "marking lost agents terminated", batch -> {
          for (JsonObject entry : batch) {
            setState(entry.getString("stored"), entry, AgentState.TERMINATED, now,
                "node " + entry.getString("node") + " left the cluster");
          }
          return null;
        }, done -> { });
  }

  /**
   * Removes terminated registrations past {@code failover.terminatedRetentionMs}. Each remove is
   * fenced on the registration's epoch, so an id deployed again meanwhile (a new epoch) keeps its
   * registration; a removed one takes its snapshot with it, and the quota its deploy created
   * ({@code quotaCreated}) is deleted as an undeploy deletes it.
   */
  private void forgetLater(List<JsonObject> expired) {
    inBatches(expired.stream().filter(e -> forgetting.add(e.getString("id"))).toList(), forgetting,
        "removing terminated registrations",
        batch -> batch.stream().filter(e -> registry.remove(e.getString("id"), e.getLong("epoch", 0L))).toList(),
        removed -> {
          LOG.info("removed {} terminated registration(s) older than {} ms", removed.size(), terminatedRetentionMs);
          removed.stream().filter(e -> e.getBoolean("quotaCreated", false)).map(e -> e.getString("id"))
              .forEach(id -> LocalFirst.request(vertx, Addresses.QUOTA_DELETE, new JsonObject().put("agentId", id))
                  .onFailure(e -> LOG.debug("quota of removed agent {} not deleted: {}", id, e.getMessage())));
        });
  }

  /**
   * Runs {@code work} over {@code items} on a worker, {@value #TERMINATE_BATCH} per task, one task
   * after another (a lost node's 100,000 agents in one task would hold a worker for minutes), and
   * hands each task's result to {@code done}. An item's id leaves {@code underWay} when its batch
   * ends; if a task fails, the ids of the rest leave too, for a later sweep to find again.
   */
  private <T> void inBatches(List<JsonObject> items, Set<String> underWay, String what,
                             java.util.function.Function<List<JsonObject>, T> work,
                             java.util.function.Consumer<T> done) {
    if (items.isEmpty()) {
      return;
    }
    List<JsonObject> batch = items.subList(0, Math.min(items.size(), TERMINATE_BATCH));
    List<JsonObject> rest = items.subList(batch.size(), items.size());
    vertx.executeBlocking(() -> work.apply(batch), false).onComplete(ar -> {
      batch.forEach(e -> underWay.remove(e.getString("id")));
      if (ar.failed()) {
        LOG.warn("{} failed: {}", what, ar.cause().toString());
        rest.forEach(e -> underWay.remove(e.getString("id")));
        return;
      }
      done.accept(ar.result());
      inBatches(rest, underWay, what, work, done);
    });
  }

  /**
   * Blocking: the registrations whose process has been missing from the cluster for at least the
   * restart delay, each with its stored value ({@code "stored"}) for the compare-and-set.
   */
  private Found findOrphans() {
    Set<String> liveIncarnations = ClusterMembers.liveIncarnations(node.hazelcast());
    Set<String> liveNodes = ClusterMembers.liveNodeIds(node.hazelcast());
    long now = System.currentTimeMillis();
    missingSince.keySet().removeIf(k -> isLive(k, liveIncarnations, liveNodes));
    missingSince.values().removeIf(t -> now - t > FORGET_MISSING_MS);
    long nextDue = Long.MAX_VALUE;
    Set<String> due = new HashSet<>();
    List<JsonObject> expired = new ArrayList<>();
    // candidates from this node's placements (no scan of the whole map over the network while
    // partitions move after a loss), walked by holder: the agents of live processes are skipped
    // by the thousand; each candidate is then read back exactly for the CAS
    for (Map.Entry<String, Set<String>> held : registry.idsByHolder().entrySet()) {
      String holder = held.getKey();
      boolean terminated = Registry.TERMINATED.equals(holder);
      if (!terminated && isLive(holder, liveIncarnations, liveNodes)) {
        continue;
      }
      for (String id : held.getValue()) {
        Placement candidate = registry.placement(id);
        if (candidate == null) {
          continue; // gone since the index was read
        }
        if (AgentState.TERMINATED.wireName().equals(candidate.state())) {
          if (candidate.since() >= 0 && now - candidate.since() >= terminatedRetentionMs
              && !forgetting.contains(candidate.id())) {
            expired.add(candidate.toJson());
          }
          continue;
        }
        String key = candidate.holder();
        if (key == null || isLive(key, liveIncarnations, liveNodes) || terminating.contains(candidate.id())) {
          continue;
        }
        long missing = missingSince.computeIfAbsent(key, k -> now);
        if (now - missing < restartDelayMs) {
          nextDue = Math.min(nextDue, missing + restartDelayMs);
          continue;
        }
        due.add(candidate.id());
      }
    }
    if (nextDue != Long.MAX_VALUE) {
      vertx.setTimer(Math.max(50, nextDue - now + 50), t -> sweep());
    }
    List<JsonObject> orphans = new ArrayList<>();
    List<JsonObject> lost = new ArrayList<>();
    if (due.isEmpty()) {
      return new Found(orphans, lost, expired);
    }
    long readStart = System.nanoTime();
    Map<String, String> stored = registry.stored(due);
    long readMs = (System.nanoTime() - readStart) / 1_000_000;
    for (Map.Entry<String, String> e : stored.entrySet()) {
      JsonObject entry = new JsonObject(e.getValue());
      String state = entry.getString("state");
      if (isLive(entry, liveIncarnations, liveNodes) || AgentState.TERMINATED.wireName().equals(state)
          || (entry.getString("incarnation") == null && AgentState.DEPLOYING.wireName().equals(state)
              && now - entry.getLong("since", 0L) < DEPLOYING_GRACE_MS)) {
        continue;
      }
      if ("on-node-loss".equals(entry.getString("restartPolicy"))) {
        orphans.add(entry.put("stored", e.getValue()));
      } else {
        lost.add(entry.put("stored", e.getValue()));
      }
    }
    if (!orphans.isEmpty() || !lost.isEmpty()) {
      LOG.info("failover sweep: {} registrations of lost processes (read in {} ms): {} to restart, {} to mark terminated",
          due.size(), readMs, orphans.size(), lost.size());
    }
    return new Found(orphans, lost, expired);
  }

  /** Whether a {@link Placement#holder() holder} is alive: its process, or its node when it names no process. */
  private static boolean isLive(String holder, Set<String> liveIncarnations, Set<String> liveNodes) {
    String node = Placement.nodeOfHolder(holder);
    return node != null ? liveNodes.contains(node) : liveIncarnations.contains(holder);
  }

  private static boolean isLive(JsonObject entry, Set<String> liveIncarnations, Set<String> liveNodes) {
    String holder = Placement.holder(entry.getString("incarnation"), entry.getString("node"));
    return holder != null && isLive(holder, liveIncarnations, liveNodes);
  }

  /** Restarts one orphan on the given node (or the capacity part's pick), from the lost copy's snapshot. */
  private Future<Object> restart(JsonObject orphan, String preferred) {
    String id = orphan.getString("id");
    String from = orphan.getString("node");
    long epoch = Registry.snapshotEpoch(orphan);
    Future<String> target = preferred != null ? Future.succeededFuture(preferred)
        : LocalFirst.<JsonObject>request(vertx, Addresses.CAPACITY_TARGET,
            new JsonObject().put("resource", "memory").put("amount", 0)).map(r -> r.body().getString("nodeId"));
    return target
        .compose(nodeId -> vertx.executeBlocking(() -> registry.snapshotOf(id, epoch), false)
            .compose(snapshot -> deployOn(nodeId, orphan, snapshot)))
        .onSuccess(agent -> {
          LOG.info("agent {} of lost node {} restarted on {}", id, from, ((JsonObject) agent).getString("node"));
          publish(id, "failover", new JsonObject().put("from", from).put("to", ((JsonObject) agent).getString("node")));
        })
        .recover(e -> {
          if (e instanceof ReplyException r && r.failureCode() == ErrorCode.ALREADY_EXISTS.failureCode()) {
            return Future.succeededFuture(); // restarted by an overlapping sweep: once is enough
          }
          LOG.warn("agent {} of lost node {} is pending: {}", id, from, e.getMessage());
          return markPending(orphan).map(v -> null);
        });
  }

  private Future<Object> deployOn(String target, JsonObject orphan, JsonObject snapshot) {
    JsonObject request = new JsonObject().put("id", orphan.getString("id")).put("type", orphan.getString("type"))
        .put("group", orphan.getString("group")).put("config", orphan.getJsonObject("config", new JsonObject()))
        .put("restartPolicy", "on-node-loss").put("quotaCreated", orphan.getBoolean("quotaCreated", false))
        .put("replaces", orphan.getString("stored"));
    if (snapshot != null) {
      request.put("snapshot", snapshot);
    }
    return vertx.eventBus().request(Addresses.onNode(Addresses.AGENT_DEPLOY, target), request,
        new DeliveryOptions().setSendTimeout(30_000)).map(m -> m.body());
  }

  private Future<Void> markPending(JsonObject orphan) {
    if (AgentState.PENDING.wireName().equals(orphan.getString("state"))) {
      return Future.succeededFuture();
    }
    long now = node.clock().millis();
    return vertx.executeBlocking(() -> {
      setState(orphan.getString("stored"), orphan, AgentState.PENDING, now, null);
      return null;
    }, false);
  }

  /**
   * Blocking. Rewrites a registration that is still exactly {@code stored} with {@code state} since
   * {@code now} (and {@code reason}, if any); whether it did (another write may have come first).
   */
  private boolean setState(String stored, JsonObject entry, AgentState state, long now, String reason) {
    JsonObject next = entry.copy().put("state", state.wireName()).put("since", now);
    next.remove("stored");
    if (reason != null) {
      next.put("reason", reason);
    }
    return registry.replace(stored, next);
  }

  /**
   * After a restart with the same node id, the store still holds this node's registrations (of
   * its previous process) while none of its agents runs: restart its {@code on-node-loss} agents
   * here from their snapshots and mark the others terminated.
   */
  private void adoptOwn() {
    String self = ClusterMembers.localIncarnation(node.hazelcast());
    vertx.executeBlocking(() -> {
      List<JsonObject> own = new ArrayList<>();
      long now = node.clock().millis();
      for (Placement candidate : List.copyOf(registry.placements())) {
        String id = candidate.id();
        if (!node.nodeId().equals(candidate.node()) || self.equals(candidate.incarnation())
            || node.localAgents().get(id) != null) {
          continue;
        }
        String stored = registry.stored(id);
        if (stored == null) {
          continue;
        }
        JsonObject entry = new JsonObject(stored);
        if (!node.nodeId().equals(entry.getString("node")) || self.equals(entry.getString("incarnation"))
            || AgentState.TERMINATED.wireName().equals(entry.getString("state"))) {
          continue;
        }
        if ("on-node-loss".equals(entry.getString("restartPolicy"))) {
          own.add(entry.put("stored", stored));
        } else {
          setState(stored, entry, AgentState.TERMINATED, now, "node " + node.nodeId() + " restarted");
        }
      }
      return own;
    }, false).onSuccess(own -> own.forEach(entry -> vertx.executeBlocking(
            () -> registry.snapshotOf(entry.getString("id"), Registry.snapshotEpoch(entry)), false)
        .compose(snapshot -> deployOn(node.nodeId(), entry, snapshot))
        .onSuccess(agent -> publish(entry.getString("id"), "restored", new JsonObject()))
        .onFailure(e -> LOG.warn("agent {} not restored: {}", entry.getString("id"), e.getMessage()))));
  }

  // ---- fencing ----

  /**
   * Stops this node's copies of agents whose registration names another node or a newer epoch
   * (the agent was restarted elsewhere while this node was cut off). {@code always}: also while
   * isolated (before the lease is regained).
   */
  private Future<Void> fence(boolean always) {
    Map<String, Long> local = new HashMap<>();
    node.localAgents().all().forEach(h -> {
      if (h.state() != AgentState.DEPLOYING && h.state() != AgentState.MIGRATING) {
        local.put(h.id(), h.epoch());
      }
    });
    if (local.isEmpty() || (isolated && !always)) {
      return Future.succeededFuture();
    }
    // The periodic safety net asks this node's copy of the placements first (current within
    // milliseconds by the registry's events, reconciled every 15 s) and reads the map only for the
    // copies that copy doubts: reading and parsing every local registration every 30 s was ~35 % of
    // an idle 100,000-agent node's CPU samples. After a partition or a pause (always) the copy itself
    // may be behind: then every registration is read.
    Set<String> toRead = always ? local.keySet() : doubted(local);
    if (toRead.isEmpty()) {
      return Future.succeededFuture();
    }
    return vertx.executeBlocking(() -> registry.stored(toRead), false).compose(entries -> {
      List<Future<?>> fenced = new ArrayList<>();
      for (Map.Entry<String, Long> copy : local.entrySet()) {
        String stored = entries.get(copy.getKey());
        if (stored == null) {
          continue;
        }
        JsonObject entry = new JsonObject(stored);
        String owner = entry.getString("node");
        long epoch = entry.getLong("epoch", 0L);
        if ((owner != null && !owner.equals(node.nodeId())) || epoch != copy.getValue()) {
          LOG.warn("agent {} now lives on {} (epoch {}, this copy {}): stopping this node's copy",
              copy.getKey(), owner, epoch, copy.getValue());
          isolationSuspended.remove(copy.getKey());
          fenced.add(control(ControlCommand.fence(copy.getKey(), owner)));
        }
      }
      return Future.join(fenced).mapEmpty();
    });
  }

  /** The local copies whose placement, as this node knows it, names another node or epoch (or none). */
  private Set<String> doubted(Map<String, Long> local) {
    Set<String> doubted = new HashSet<>();
    local.forEach((id, epoch) -> {
      Placement p = registry.placement(id);
      if (p == null || !node.nodeId().equals(p.node()) || p.epoch() != epoch) {
        doubted.add(id);
      }
    });
    return doubted;
  }

  private void publish(String id, String event, JsonObject fields) {
    vertx.eventBus().publish(Addresses.EVENTS, Events.agent(id, node.nodeId(), node.clock().millis(), event)
        .mergeIn(fields));
  }

  private static long orDefault(Long v, long d) {
    return v == null ? d : v;
  }
}
