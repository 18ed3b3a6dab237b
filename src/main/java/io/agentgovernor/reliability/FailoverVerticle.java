package io.agentgovernor.reliability;

import com.hazelcast.cluster.Member;
import com.hazelcast.cluster.MembershipEvent;
import com.hazelcast.cluster.MembershipListener;
import com.hazelcast.core.LifecycleEvent;
import com.hazelcast.map.IMap;
import io.agentgovernor.agent.AgentState;
import io.agentgovernor.agent.impl.AgentHandle;
import io.agentgovernor.bus.Addresses;
import io.agentgovernor.bus.ErrorCode;
import io.agentgovernor.bus.Json;
import io.agentgovernor.cluster.Maps;
import io.agentgovernor.node.NodeContext;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Agents outlive their node. Three duties, on every node:
 * <ul>
 *   <li>snapshots: every {@code failover.snapshotIntervalMs} (default 5 s) the state of each local
 *       agent with restart policy {@code on-node-loss} goes to the cluster-wide
 *       {@link Maps#SNAPSHOTS} map (persisted with the store);</li>
 *   <li>the sweep, by the oldest member only (one decider, so one restart): registry entries whose
 *       node is no longer alive are restarted — {@code on-node-loss} agents on the live node with
 *       the most spare memory, from their last snapshot; the registry's compare-and-set claim
 *       makes each restart happen once even if two sweeps overlap. Agents with no room are marked
 *       {@code pending} and placed when capacity appears; {@code never} agents are marked
 *       {@code terminated}. It runs at once when a member leaves and every
 *       {@code failover.sweepIntervalMs} (default 2 s);</li>
 *   <li>fencing: a node that was cut off (paused, partitioned) and comes back stops its own copies
 *       of agents the registry now places elsewhere, so no agent runs twice.</li>
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
  private static final int RESTART_BATCH = 32;

  private final NodeContext node;
  /** When the running sweep began (0: none); a sweep stuck on the network longer than 20 s is not waited for. */
  private final java.util.concurrent.atomic.AtomicLong sweepingSince = new java.util.concurrent.atomic.AtomicLong();
  private final Set<String> isolationSuspended = java.util.concurrent.ConcurrentHashMap.newKeySet();
  private volatile int largestSeen = 1;
  private volatile boolean isolated;
  private int configuredQuorum;
  private IMap<String, String> snapshots;
  private IMap<String, String> registryMap;
  private IMap<String, String> nodes;
  private UUID membershipRegistration;
  private UUID lifecycleRegistration;

  public FailoverVerticle(NodeContext node) {
    this.node = node;
  }

  @Override
  public Future<?> start() {
    long snapshotEvery = orDefault(Json.optLong(config(), "snapshotIntervalMs", "failover", 100, 3_600_000), 5_000);
    long sweepEvery = orDefault(Json.optLong(config(), "sweepIntervalMs", "failover", 100, 600_000), 2_000);
    configuredQuorum = (int) orDefault(Json.optLong(config(), "quorum", "failover", 0, 1000), 0);
    snapshots = node.hazelcast().getMap(Maps.SNAPSHOTS);
    registryMap = node.hazelcast().getMap(Maps.AGENTS);
    nodes = node.hazelcast().getMap(Maps.NODES);
    return vertx.executeBlocking(this::listenToCluster).onSuccess(v -> {
      vertx.setTimer(500, t -> adoptOwn());
      vertx.setPeriodic(snapshotEvery, id -> snapshotAll());
      vertx.setPeriodic(sweepEvery, id -> sweep());
      vertx.setPeriodic(Math.max(sweepEvery, 5_000), id -> fence());
    });
  }

  @Override
  public Future<?> stop() {
    return vertx.executeBlocking(() -> {
      node.hazelcast().getCluster().removeMembershipListener(membershipRegistration);
      node.hazelcast().getLifecycleService().removeLifecycleListener(lifecycleRegistration);
      return null;
    });
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
        // the capacity part drops the dead node's entry on the same event; sweep right after
        vertx.runOnContext(v -> {
          checkQuorum();
          vertx.setTimer(200, t -> sweep());
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
      }
    });
    lifecycleRegistration = node.hazelcast().getLifecycleService().addLifecycleListener(event -> {
      if (event.getState() == LifecycleEvent.LifecycleState.MERGED) {
        node.registry().reload();
        vertx.runOnContext(v -> {
          checkQuorum();
          fence();
        });
      }
    });
    return null;
  }

  // ---- snapshots ----

  private void snapshotAll() {
    for (AgentHandle h : node.localAgents().all()) {
      if (!"on-node-loss".equals(h.restartPolicy()) || h.state() == AgentState.DEPLOYING
          || h.state() == AgentState.MIGRATING || h.state() == AgentState.TERMINATING) {
        continue;
      }
      h.context().onContext(() -> h.agent().snapshot())
          .compose(snapshot -> {
            String value = new JsonObject().put("time", node.clock().millis()).put("node", node.nodeId())
                .put("snapshot", snapshot).encode();
            return vertx.executeBlocking(() -> {
              snapshots.set(h.id(), value);
              return null;
            }, false);
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
      node.localAgents().all().forEach(h -> control(h.id(), "suspend").onSuccess(r -> isolationSuspended.add(h.id())));
    } else if (!minority && isolated) {
      isolated = false;
      LOG.info("node {} is back in the majority", node.nodeId());
      fence().onComplete(ar -> {
        isolationSuspended.forEach(id -> {
          if (node.localAgents().get(id) != null) {
            control(id, "resume");
          }
        });
        isolationSuspended.clear();
      });
    }
  }

  private Future<JsonObject> control(String agentId, String command) {
    return vertx.eventBus().<JsonObject>request(Addresses.onNode(Addresses.RUNTIME_CONTROL, node.nodeId()),
        new JsonObject().put("agentId", agentId).put("command", command)).map(m -> m.body());
  }

  private boolean oldestMember() {
    Set<Member> members = node.hazelcast().getCluster().getMembers();
    return !members.isEmpty() && members.iterator().next().localMember();
  }

  private void sweep() {
    long now = System.currentTimeMillis();
    long since = sweepingSince.get();
    if (isolated || !oldestMember() || (since != 0 && now - since < 20_000) || !sweepingSince.compareAndSet(since, now)) {
      return;
    }
    vertx.executeBlocking(this::findOrphans, false)
        .compose(this::restartInBatches)
        .onComplete(ar -> sweepingSince.compareAndSet(now, 0));
  }

  /**
   * Restarts orphans {@value #RESTART_BATCH} at a time: a lost node may have held thousands, and
   * starting them all at once would time out deploys on the survivors and leave agents pending.
   */
  private Future<Void> restartInBatches(List<JsonObject> orphans) {
    Future<Void> chain = Future.succeededFuture();
    for (int from = 0; from < orphans.size(); from += RESTART_BATCH) {
      List<JsonObject> batch = orphans.subList(from, Math.min(orphans.size(), from + RESTART_BATCH));
      chain = chain.compose(v -> Future.join(batch.stream().map(this::restart).toList()).<Void>mapEmpty()
          .recover(e -> Future.succeededFuture()));
    }
    return chain;
  }

  /** Blocking: the registry entries whose node is gone; {@code never} agents are marked terminated here. */
  private List<JsonObject> findOrphans() {
    Set<String> live = new HashSet<>(nodes.keySet());
    long now = node.clock().millis();
    List<JsonObject> orphans = new ArrayList<>();
    // candidates from this node's own copy of the registry (no scan of the whole map over the
    // network while partitions move after a loss); each is then read back exactly for the CAS
    for (JsonObject candidate : node.registry().entries()) {
      String candidateOwner = candidate.getString("node");
      if (candidateOwner == null || live.contains(candidateOwner)) {
        continue;
      }
      String storedValue = registryMap.get(candidate.getString("id"));
      if (storedValue == null) {
        continue;
      }
      Map.Entry<String, String> e = Map.entry(candidate.getString("id"), storedValue);
      JsonObject entry = new JsonObject(e.getValue());
      String owner = entry.getString("node");
      String state = entry.getString("state");
      if (owner == null || live.contains(owner) || AgentState.TERMINATED.wireName().equals(state)
          || (AgentState.DEPLOYING.wireName().equals(state) && now - entry.getLong("since", 0L) < DEPLOYING_GRACE_MS)) {
        continue;
      }
      if ("on-node-loss".equals(entry.getString("restartPolicy"))) {
        orphans.add(entry.put("stored", e.getValue()));
      } else {
        JsonObject lost = entry.copy().put("state", AgentState.TERMINATED.wireName()).put("since", now)
            .put("reason", "node " + owner + " left the cluster");
        registryMap.replace(e.getKey(), e.getValue(), lost.encode());
      }
    }
    return orphans;
  }

  /** Restarts one orphan on the live node with the most spare memory, from its last snapshot. */
  private Future<Object> restart(JsonObject orphan) {
    String id = orphan.getString("id");
    String from = orphan.getString("node");
    return vertx.eventBus().<JsonObject>request(Addresses.CAPACITY_TARGET,
            new JsonObject().put("resource", "memory").put("amount", 0))
        .compose(target -> vertx.executeBlocking(() -> snapshots.get(id), false)
            .compose(stored -> deployOn(target.body().getString("nodeId"), orphan, stored)))
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

  private Future<Object> deployOn(String target, JsonObject orphan, String stored) {
    JsonObject request = new JsonObject().put("id", orphan.getString("id")).put("type", orphan.getString("type"))
        .put("group", orphan.getString("group")).put("config", orphan.getJsonObject("config", new JsonObject()))
        .put("restartPolicy", "on-node-loss").put("quotaCreated", orphan.getBoolean("quotaCreated", false));
    if (stored != null) {
      request.put("snapshot", new JsonObject(stored).getJsonObject("snapshot"));
    }
    return vertx.eventBus().request(Addresses.onNode(Addresses.AGENT_DEPLOY, target), request,
        new DeliveryOptions().setSendTimeout(30_000)).map(m -> m.body());
  }

  private Future<Void> markPending(JsonObject orphan) {
    if (AgentState.PENDING.wireName().equals(orphan.getString("state"))) {
      return Future.succeededFuture();
    }
    String stored = orphan.getString("stored");
    JsonObject pending = orphan.copy();
    pending.remove("stored");
    pending.put("state", AgentState.PENDING.wireName()).put("since", node.clock().millis());
    return vertx.executeBlocking(() -> {
      registryMap.replace(orphan.getString("id"), stored, pending.encode());
      return null;
    }, false);
  }

  /**
   * After a restart with the same node id, the store still holds this node's registrations while
   * none of its agents runs: restart its {@code on-node-loss} agents here from their snapshots and
   * mark the others terminated.
   */
  private void adoptOwn() {
    vertx.executeBlocking(() -> {
      List<JsonObject> own = new ArrayList<>();
      long now = node.clock().millis();
      for (Map.Entry<String, String> e : registryMap.entrySet()) {
        JsonObject entry = new JsonObject(e.getValue());
        if (!node.nodeId().equals(entry.getString("node")) || node.localAgents().get(e.getKey()) != null
            || AgentState.TERMINATED.wireName().equals(entry.getString("state"))
            || AgentState.DEPLOYING.wireName().equals(entry.getString("state"))) {
          continue;
        }
        if ("on-node-loss".equals(entry.getString("restartPolicy"))) {
          own.add(entry.put("stored", e.getValue()));
        } else {
          registryMap.replace(e.getKey(), e.getValue(), entry.copy().put("state", AgentState.TERMINATED.wireName())
              .put("since", now).put("reason", "node " + node.nodeId() + " restarted").encode());
        }
      }
      return own;
    }, false).onSuccess(own -> own.forEach(entry -> vertx.executeBlocking(() -> snapshots.get(entry.getString("id")), false)
        .compose(stored -> deployOn(node.nodeId(), entry, stored))
        .onSuccess(agent -> publish(entry.getString("id"), "restored", new JsonObject()))
        .onFailure(e -> LOG.warn("agent {} not restored: {}", entry.getString("id"), e.getMessage()))));
  }

  // ---- fencing ----

  private Future<Void> fence() {
    Set<String> local = new HashSet<>();
    node.localAgents().all().forEach(h -> {
      if (h.state() != AgentState.DEPLOYING && h.state() != AgentState.MIGRATING) {
        local.add(h.id());
      }
    });
    if (local.isEmpty() || isolated) {
      return Future.succeededFuture();
    }
    return vertx.executeBlocking(() -> registryMap.getAll(local), false).compose(entries -> {
      List<Future<?>> fenced = new ArrayList<>();
      for (String id : local) {
        String stored = entries.get(id);
        String owner = stored == null ? null : new JsonObject(stored).getString("node");
        if (owner != null && !owner.equals(node.nodeId())) {
          LOG.warn("agent {} now lives on {}: stopping this node's copy", id, owner);
          isolationSuspended.remove(id);
          fenced.add(control(id, "fence"));
        }
      }
      return Future.join(fenced).mapEmpty();
    });
  }

  private void publish(String id, String event, JsonObject fields) {
    vertx.eventBus().publish(Addresses.EVENTS, new JsonObject().put("type", "agent").put("agentId", id)
        .put("node", node.nodeId()).put("time", node.clock().millis()).put("event", event).mergeIn(fields));
  }

  private static long orDefault(Long v, long d) {
    return v == null ? d : v;
  }
}
