package io.agentgovernor.agent.impl;

import io.agentgovernor.bus.Events;
import io.agentgovernor.bus.ControlCommand;
import io.agentgovernor.agent.AgentState;
import io.agentgovernor.agent.ControlAck;
import io.agentgovernor.agent.LocalAgents;
import io.agentgovernor.bus.Addresses;
import io.agentgovernor.bus.LocalFirst;
import io.agentgovernor.bus.ErrorCode;
import io.agentgovernor.bus.GovernorException;
import io.agentgovernor.bus.Ids;
import io.agentgovernor.bus.Json;
import io.agentgovernor.cluster.ClusterMembers;
import io.agentgovernor.agent.RuntimeContext;
import io.agentgovernor.quota.Resource;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonObject;

/**
 * Carries out control commands ({@link Addresses#RUNTIME_CONTROL}) on this node's agents: the
 * effect is applied by the runtime (pacing, pausing, undeploying) whatever the agent does, and the
 * agent's callback is told. Each reply states what really happened.
 */
final class AgentControl {

  private final Vertx vertx;
  private final RuntimeContext node;
  private final LocalAgents agents;
  private final io.agentgovernor.agent.Registry registry;
  /** The runtime verticle's context: forwarders and their timers are made here, never on an agent's. */
  private final io.vertx.core.Context home;
  /** Forwarders left on this node by agents that migrated away, by agent id. */
  private final java.util.Map<String, Forwarder> forwarders = new java.util.concurrent.ConcurrentHashMap<>();

  /** What an agent that moved away leaves on its old node for a while: relays on both its addresses. */
  private record Forwarder(String target, io.vertx.core.eventbus.MessageConsumer<Object> clusterWide,
                           io.vertx.core.eventbus.MessageConsumer<Object> nodeSpecific) {
    Future<Void> completion() {
      return Future.all(clusterWide.completion(), nodeSpecific.completion()).mapEmpty();
    }

    /**
     * Unregisters both; a one-way straggler already dispatched to one of them is sent on to
     * {@code discardsTo}, not discarded.
     */
    Future<Void> unregister(Vertx vertx, String discardsTo) {
      Handler<Message<Object>> sendOn = m -> AgentContextImpl.forward(vertx, discardsTo, m);
      AgentContextImpl.forwardDiscards(clusterWide, sendOn);
      AgentContextImpl.forwardDiscards(nodeSpecific, sendOn);
      return Future.join(clusterWide.unregister(), nodeSpecific.unregister()).mapEmpty();
    }
  }

  /** Made on the runtime verticle's context (its start), which becomes {@link #home}. */
  AgentControl(Vertx vertx, RuntimeContext node, io.agentgovernor.agent.Registry registry) {
    this.vertx = vertx;
    this.node = node;
    this.agents = node.localAgents();
    this.registry = registry;
    this.home = vertx.getOrCreateContext();
  }

  Future<JsonObject> handle(JsonObject request) {
    String id = Ids.require(Json.optString(request, "agentId", ""), "agentId");
    String command = Json.string(request, "command", "");
    JsonObject params = Json.optObject(request, "params", "");
    JsonObject p = params == null ? new JsonObject() : params;
    AgentHandle handle = AgentHandle.of(agents, id);
    if (handle == null) {
      throw GovernorException.notFound("agent", id);
    }
    if (handle.state() == AgentState.TERMINATED || handle.state() == AgentState.DEPLOYING) {
      throw new GovernorException(ErrorCode.INVALID_STATE, "agent '" + id + "' is " + handle.state().wireName());
    }
    return switch (ControlCommand.Kind.of(command)) {
      case THROTTLE -> throttle(handle, Json.number(p, "factor", "params"));
      case SUSPEND -> onAgent(handle, command, () -> {
        handle.context().suspend();
        handle.agent().onSuspend();
        return ControlAck.APPLIED;
      });
      case RESUME -> onAgent(handle, command, () -> {
        handle.context().resume();
        handle.agent().onResume();
        return ControlAck.APPLIED;
      });
      case NOTICE -> onAgent(handle, command, () -> {
        handle.terminating();
        handle.agent().onTerminationNotice((long) number(p, "graceMs", 0, 86_400_000));
        return ControlAck.APPLIED;
      });
      case SCALE_DOWN -> scaleDown(handle, p);
      case DEGRADE -> degrade(handle, p);
      case SNAPSHOT -> handle.context().onContext(() -> handle.agent().snapshot())
          .map(snapshot -> reply(handle, command, ControlAck.APPLIED).put("snapshot", snapshot));
      case UNDEPLOY -> undeploy(id, Boolean.TRUE.equals(Json.optBoolean(p, "keepQuota", "params")), "terminated");
      case MIGRATE_OUT -> migrateOut(handle, Ids.require(Json.string(p, "target", "params"), "params.target"));
      case FENCE -> fence(handle, owner(p));
    };
  }

  private Future<JsonObject> throttle(AgentHandle handle, double factor) {
    if (!(factor > 0 && factor <= 1)) {
      throw GovernorException.invalid("params.factor must be in (0, 1], got " + factor);
    }
    return onAgent(handle, "throttle", () -> {
      handle.context().throttle(factor);
      handle.agent().onThrottle(factor);
      return ControlAck.APPLIED;
    }).map(r -> r.put("factor", factor));
  }

  private Future<JsonObject> scaleDown(AgentHandle handle, JsonObject p) {
    String resource = Resource.resolve(Json.string(p, "resource", "params"), false).name();
    double target = number(p, "target", 0, Double.MAX_VALUE);
    long deadline = (long) number(p, "deadline", 0, Long.MAX_VALUE);
    return onAgent(handle, "scale_down", () -> handle.agent().onScaleDown(resource, target, deadline));
  }

  private Future<JsonObject> degrade(AgentHandle handle, JsonObject p) {
    String strategy = Ids.require(Json.string(p, "strategy", "params"), "params.strategy");
    JsonObject strategyParams = Json.optObject(p, "params", "params");
    boolean active = !Boolean.FALSE.equals(Json.optBoolean(p, "active", "params"));
    return onAgent(handle, "degrade", () -> {
      ControlAck ack = handle.agent().onDegradation(strategy, strategyParams, active);
      if (ack == ControlAck.APPLIED || !active) {
        handle.strategy(strategy, active);
      }
      return ack;
    }).map(r -> r.put("strategy", strategy).put("active", active));
  }

  /** Runs the command on the agent's context, then records the resulting state cluster-wide. */
  /**
   * Runs the command on the agent's context and replies as soon as it took effect there; the
   * cluster-wide registry learns the new state right after (a Hazelcast write, ~0.1 ms, that the
   * breach-to-action path should not wait for).
   */
  private Future<JsonObject> onAgent(AgentHandle handle, String command, java.util.concurrent.Callable<ControlAck> action) {
    return handle.context().onContext(action).map(ack -> {
      recordState(handle).onFailure(e -> org.slf4j.LoggerFactory.getLogger(AgentControl.class)
          .warn("state of {} not recorded: {}", handle.id(), e.toString()));
      return reply(handle, command, ack);
    });
  }

  private Future<Void> recordState(AgentHandle handle) {
    AgentState state = handle.derivedState();
    if (state == handle.state()) {
      return Future.succeededFuture();
    }
    handle.state(state);
    JsonObject entry = handle.toJson(node.nodeId()).put("since", node.clock().millis());
    publish(handle.id(), "state", state);
    // ordered: two quick commands on one agent (suspend, resume) reach the registry in order
    return vertx.executeBlocking(() -> {
      if (!registry.update(entry)) {
        org.slf4j.LoggerFactory.getLogger(AgentControl.class)
            .warn("agent {}: the registry names a newer copy (epoch {} is stale); state not recorded", handle.id(),
                handle.context().epoch());
      }
      return null;
    }, true);
  }

  /** Undeploys a local agent: inbox closed, verticle (and its children) undeployed, registry and quota cleaned. */
  Future<JsonObject> undeploy(String id, boolean keepQuota, String event) {
    AgentHandle handle = AgentHandle.of(agents, id);
    if (handle == null) {
      throw GovernorException.notFound("agent", id);
    }
    if (handle.state() == AgentState.TERMINATED || !handle.beginUndeploy()) {
      // two undeploys at once (an operator's DELETE, a lease expiry): the second is refused, not failed
      throw new GovernorException(ErrorCode.INVALID_STATE, "agent '" + id + "' is already being stopped");
    }
    handle.terminating();
    handle.state(AgentState.TERMINATING);
    return handle.context().onContext(() -> handle.context().close()).compose(f -> f)
        .compose(v -> handle.deploymentId() == null ? Future.succeededFuture() : vertx.undeploy(handle.deploymentId()))
        .eventually(() -> {
          agents.remove(id);
          handle.state(AgentState.TERMINATED);
          return vertx.executeBlocking(() -> {
            registry.remove(id, handle.context().epoch()); // with its snapshot; a newer copy's stays
            return null;
          }, false);
        })
        .compose(v -> handle.quotaCreated() && !keepQuota
            ? LocalFirst.request(vertx, Addresses.QUOTA_DELETE, new JsonObject().put("agentId", id)).<Void>mapEmpty()
                .recover(e -> Future.succeededFuture())
            : Future.<Void>succeededFuture())
        .map(v -> {
          publish(id, event, AgentState.TERMINATED);
          return handle.toJson(node.nodeId());
        });
  }

  /**
   * Moves an agent to another node with nothing lost and nothing handled twice: its delivery is
   * paused (arrivals queue), its snapshot taken after the handler running now, the agent deployed
   * on the target from that snapshot (the target's inbox opens and the registry points there),
   * then everything the source still holds or receives is forwarded to the target's own inbox, in
   * order, for {@link #FORWARD_GRACE_MS} while every node learns where the agent went. Should the
   * target fail, the agent resumes here.
   */
  private Future<JsonObject> migrateOut(AgentHandle handle, String target) {
    if (target.equals(node.nodeId())) {
      throw GovernorException.invalid("an agent cannot migrate to the node it is on");
    }
    long start = System.nanoTime();
    String id = handle.id();
    handle.state(AgentState.MIGRATING);
    return handle.context().onContext(() -> {
      handle.context().suspend();
      return handle.agent().snapshot();
    }).compose(snapshot -> deployOn(target, handle, snapshot)
        .recover(e -> handle.context().onContext(() -> {
          handle.context().resume();
          handle.state(handle.derivedState());
          return null;
        }).transform(x -> Future.failedFuture(e)))
        .compose(deployed -> handOver(handle, target))
        .map(v -> new JsonObject().put("agentId", id).put("command", "migrate_out").put("outcome", "applied")
            .put("from", node.nodeId()).put("to", target).put("snapshotBytes", snapshot.encode().length())
            .put("durationMs", (System.nanoTime() - start) / 1e6)));
  }

  static final long FORWARD_GRACE_MS = 30_000;

  /**
   * Stops this node's copy of an agent that the registry says lives elsewhere now (this node was
   * frozen or cut off, declared dead, and the agent was restarted on a survivor): nothing in the
   * registry, the quota or the snapshots is touched, they belong to the live copy. What waits in
   * this copy's inbox was accepted here but never handled, and the live copy restarted from a
   * snapshot without it: it is handed over ({@link InboxRelay}); the reply says how much waited,
   * and the "fenced" event, once the relay is done, how much reached the live copy.
   */
  private Future<JsonObject> fence(AgentHandle handle, String owner) {
    handle.terminating();
    InboxRelay relay = new InboxRelay(vertx, home, handle.id(), owner);
    return handle.context().onContext(() -> {
      int waiting = handle.context().queuedMessages();
      return handle.context().fence(relay::accept).map(waiting);
    }).compose(f -> f)
        .compose(waiting -> (handle.deploymentId() == null ? Future.succeededFuture() : vertx.undeploy(handle.deploymentId()))
            .eventually(() -> {
              agents.remove(handle.id());
              handle.state(AgentState.TERMINATED);
              relay.close().onSuccess(outcome -> publish(handle.id(), "fenced", AgentState.TERMINATED, outcome));
              return Future.succeededFuture();
            })
            .map(v -> reply(handle, "fence", ControlAck.APPLIED).put("waiting", waiting).put("to", owner)));
  }

  private Future<Object> deployOn(String target, AgentHandle handle, JsonObject snapshot) {
    JsonObject request = new JsonObject().put("id", handle.id()).put("type", handle.type()).put("group", handle.group())
        .put("config", handle.config()).put("snapshot", snapshot).put("migrateFrom", node.nodeId())
        .put("quotaCreated", handle.quotaCreated()).put("restartPolicy", handle.restartPolicy());
    return vertx.eventBus().request(Addresses.onNode(Addresses.AGENT_DEPLOY, target), request,
        new io.vertx.core.eventbus.DeliveryOptions().setSendTimeout(30_000)).map(m -> m.body());
  }

  /** Forwards what the source holds and still receives, then undeploys the agent here. */
  private Future<Void> handOver(AgentHandle handle, String target) {
    String targetInbox = Addresses.onNode(Addresses.agentInbox(handle.id()), target);
    // on both of the agent's addresses here: the cluster-wide one, and this node's own, to which an
    // earlier move's forwarder elsewhere may still relay messages sent before it learnt of this one.
    // Registered on the runtime's context, not the agent's (where this chain runs): a consumer is
    // closed with the deployment of the context it was made on, and the agent is undeployed next;
    // on the agent's context the forwarder vanished with it, and what senders still routed here
    // was dropped as having no handler (MigrationIT.pingPongUnderStream).
    return AgentContextImpl.call(home, () -> new Forwarder(target,
        vertx.eventBus().consumer(Addresses.agentInbox(handle.id()), m -> AgentContextImpl.forward(vertx, targetInbox, m)),
        vertx.eventBus().consumer(Addresses.onNode(Addresses.agentInbox(handle.id()), node.nodeId()),
            m -> AgentContextImpl.forward(vertx, targetInbox, m))))
        .compose(forwarder -> handOver(handle, forwarder, targetInbox));
  }

  private Future<Void> handOver(AgentHandle handle, Forwarder forwarder, String targetInbox) {
    return forwarder.completion()
        .compose(v -> handle.context().onContext(() -> {
          handle.context().handOver(targetInbox);
          return null;
        }))
        .compose(v -> handle.deploymentId() == null ? Future.succeededFuture() : vertx.undeploy(handle.deploymentId()))
        .eventually(() -> AgentContextImpl.call(home, () -> { // the grace timer must outlive the agent's context too
          agents.remove(handle.id());
          handle.state(AgentState.TERMINATED);
          publish(handle.id(), "migrated", AgentState.RUNNING);
          forwarders.put(handle.id(), forwarder);
          vertx.setTimer(FORWARD_GRACE_MS, t -> {
            if (forwarders.remove(handle.id(), forwarder)) {
              forwarder.unregister(vertx, targetInbox);
            }
          });
          return null;
        })).mapEmpty();
  }

  /**
   * Once an agent that had migrated away is back here with its inbox open, drops the forwarder its
   * move away left behind. Not before: for a moment this node would have no consumer on the
   * agent's address, and what senders routed here then would be dropped as having no handler.
   * While both exist, what the forwarder still takes goes the long way, through the node the agent
   * came from, which hands it back here.
   */
  Future<Void> dropForwarder(String agentId) {
    Forwarder forwarder = forwarders.remove(agentId);
    return forwarder == null ? Future.succeededFuture()
        : forwarder.unregister(vertx, Addresses.onNode(Addresses.agentInbox(agentId), node.nodeId()));
  }

  /** The node an agent migrated to from here, while this node still forwards for it; else null. */
  String forwardingTo(String agentId) {
    Forwarder f = forwarders.get(agentId);
    return f == null ? null : f.target();
  }

  /** Whether a node is a member of the cluster now. */
  boolean isNodeKnown(String nodeId) {
    return ClusterMembers.isLive(node.hazelcast(), nodeId);
  }

  private JsonObject reply(AgentHandle handle, String command, ControlAck ack) {
    return new JsonObject().put("agentId", handle.id()).put("command", command).put("outcome", ack.wireName())
        .put("state", handle.state().wireName()).put("node", node.nodeId());
  }

  private void publish(String id, String event, AgentState state) {
    publish(id, event, state, new JsonObject());
  }

  private void publish(String id, String event, AgentState state, JsonObject fields) {
    vertx.eventBus().publish(Addresses.EVENTS, Events.agent(id, node.nodeId(), node.clock().millis(), event)
        .put("state", state.wireName()).mergeIn(fields));
  }

  /** The fence's {@code params.owner}: the live copy's node, or null to route by the registry. */
  private static String owner(JsonObject p) {
    String owner = Json.optString(p, "owner", "params");
    return owner == null ? null : Ids.require(owner, "params.owner");
  }

  private static double number(JsonObject p, String field, double min, double max) {
    double v = Json.number(p, field, "params");
    if (v < min || v > max) {
      throw GovernorException.invalid("params." + field + " must be in [" + min + ", " + max + "]");
    }
    return v;
  }
}
