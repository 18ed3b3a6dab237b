package io.agentgovernor.agent.impl;

import io.agentgovernor.bus.Events;
import io.agentgovernor.agent.AgentFactory;
import io.agentgovernor.agent.AgentState;
import io.agentgovernor.agent.GovernedAgent;
import io.agentgovernor.agent.LocalAgents;
import io.agentgovernor.agent.Placement;
import io.agentgovernor.agent.Registry;
import io.agentgovernor.agent.samples.ChattyAgent;
import io.agentgovernor.bus.Addresses;
import io.agentgovernor.bus.AgentRouting;
import io.agentgovernor.bus.ErrorCode;
import io.agentgovernor.bus.GovernorException;
import io.agentgovernor.bus.Handlers;
import io.agentgovernor.bus.Ids;
import io.agentgovernor.bus.Json;
import io.agentgovernor.bus.LocalFirst;
import io.agentgovernor.cluster.ClusterMembers;
import io.agentgovernor.cluster.Maps;
import io.agentgovernor.agent.RuntimeContext;
import io.agentgovernor.quota.Quota;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The agent runtime: deploys agents by type, keeps the cluster-wide registry, and carries out
 * control commands on this node's agents. Requests about one agent may arrive at any node; the
 * receiver answers for its own agents and forwards the rest to {@code <address>.<owner node>}.
 */
public final class AgentRuntimeVerticle extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(AgentRuntimeVerticle.class);
  private static final int MAX_SEND_HOPS = 4;
  private static final long DEPLOYING_WAIT_NANOS = 5_000_000_000L;
  private static final io.vertx.core.eventbus.DeliveryOptions LOCAL_ONLY =
      new io.vertx.core.eventbus.DeliveryOptions().setLocalOnly(true);

  private final RuntimeContext node;
  private final LocalAgents agents;
  private final Registry registry;
  private AgentControl control;
  private AgentRouting routing;
  private int inboxBound;

  public AgentRuntimeVerticle(RuntimeContext node) {
    this.node = node;
    this.agents = node.localAgents();
    this.registry = node.registry();
  }

  /** The {@code agents.inboxBound} setting: messages an agent's inbox holds before senders are refused. */
  public static int inboxBound(JsonObject agents) {
    Long configured = Json.optLong(agents, "inboxBound", "agents", 1, 100_000_000);
    return configured == null ? 10_000 : configured.intValue();
  }

  @Override
  public Future<?> start() {
    inboxBound = inboxBound(config());
    control = new AgentControl(vertx, node, registry);
    routing = new AgentRouting(vertx, node.nodeId(), registry::nodeOf);
    node.lease().onRegained(() -> agents.all().forEach(h -> ((AgentHandle) h).context().leaseRegained()));
    return vertx.executeBlocking(() -> {
      registry.start();
      return null;
    }).compose(v -> Future.all(List.of(
        vertx.eventBus().localConsumer(ChattyAgent.SINK, msg -> { }).completion(),
        consume(Addresses.AGENT_DEPLOY, this::deployRouted),
        consume(Addresses.onNode(Addresses.AGENT_DEPLOY, node.nodeId()), this::deploy),
        routing.register(Addresses.AGENT_UNDEPLOY, "id", this::undeploy),
        routing.register(Addresses.AGENT_GET, "id", this::get),
        routing.register(Addresses.AGENT_SEND, "id", this::send),
        routing.register(Addresses.RUNTIME_CONTROL, "agentId", control::handle),
        consume(Addresses.AGENT_LIST, this::list),
        consume(Addresses.AGENT_TYPES, this::types))));
  }

  @Override
  public Future<?> stop() {
    return vertx.executeBlocking(() -> {
      registry.stop();
      return null;
    });
  }

  private Future<Void> consume(String address, Function<JsonObject, Future<?>> handler) {
    return vertx.eventBus().consumer(address, Handlers.json(handler)).completion();
  }

  private static String agentId(JsonObject request) {
    String id = request.getValue("id") instanceof String s ? s : Json.optString(request, "agentId", "");
    return Ids.require(id, "agent id");
  }

  /** Deploys here, or on the node the request names. */
  private Future<?> deployRouted(JsonObject request) {
    String target = Json.optString(request, "node", "");
    if (target == null || target.equals(node.nodeId())) {
      return deploy(request);
    }
    if (!control.isNodeKnown(target)) {
      throw GovernorException.notFound("node", target);
    }
    return routing.forward(Addresses.AGENT_DEPLOY, target, request);
  }

  // ---- deploy ----

  private Future<JsonObject> deploy(JsonObject request) {
    String id = Ids.require(Json.optString(request, "id", ""), "id");
    AgentFactory factory = node.agentTypes().require(Json.optString(request, "type", ""));
    String group = Ids.require(Json.optString(request, "group", ""), "group");
    if (node.quotaIndex().group(group) == null) {
      throw new GovernorException(ErrorCode.UNKNOWN_GROUP, "unknown group '" + group + "'");
    }
    JsonObject config = orEmpty(Json.optObject(request, "config", ""));
    JsonObject quota = orEmpty(Json.optObject(request, "quota", "")).copy().put("group", group);
    Quota.Request.fromJson(quota);
    JsonObject snapshot = Json.optObject(request, "snapshot", "");
    String migrateFrom = Json.optString(request, "migrateFrom", "");
    String replaces = storedRegistration(Json.optString(request, "replaces", ""));
    String restartPolicy = restartPolicy(Json.optString(request, "restartPolicy", ""));
    GovernedAgent agent = factory.create(config);
    long now = node.clock().millis();
    JsonObject claim = entry(id, factory.type(), group, node.nodeId(), config, now).put("restartPolicy", restartPolicy);
    return vertx.executeBlocking(() -> claimId(claim, migrateFrom, replaces), false)
        .compose(claimed -> ensureQuota(id, quota)
            .recover(e -> releaseClaim(id, claimed, false).transform(x -> Future.failedFuture(e)))
            .compose(created -> start(id, factory.type(), group, config, agent, snapshot, now, claimed.epoch(),
                created || Boolean.TRUE.equals(Json.optBoolean(request, "quotaCreated", "")), restartPolicy)
                .recover(e -> releaseClaim(id, claimed, created).transform(x -> Future.failedFuture(e)))));
  }

  /**
   * A claim on an agent id: its fencing epoch, and the registration it took over (as stored), or
   * null for an id that was free.
   */
  private record Claim(long epoch, String previous) {
  }

  /**
   * Claims the id cluster-wide. An entry left by a node that is gone is taken over, and so is the
   * entry of the node an agent migrates from. A takeover's claim names the epoch whose snapshot
   * the agent restarts from ({@code snapshotEpoch}), so that if this node dies before the agent
   * runs, the next restart still finds that snapshot. {@code replaces}: the registration as the
   * failover sweep read it (or null), taken over in one compare-and-set instead of a claim that
   * first finds it; if it changed since, the id is claimed as usual.
   */
  private Claim claimId(JsonObject claim, String migrateFrom, String replaces) {
    if (replaces != null && tookOver(claim, replaces, migrateFrom)) {
      return new Claim(claim.getLong("epoch"), replaces);
    }
    // no read from the sweep, or the entry changed since it read it: claim as anyone would
    String existing = registry.claim(claim);
    if (existing == null) {
      return new Claim(claim.getLong("epoch"), null);
    }
    if (!tookOver(claim, existing, migrateFrom)) {
      throw new GovernorException(ErrorCode.ALREADY_EXISTS, "agent '" + claim.getString("id") + "' is live on node '"
          + new JsonObject(existing).getString("node") + "'");
    }
    return new Claim(claim.getLong("epoch"), existing);
  }

  /**
   * Takes over the registration stored as {@code existing} unless its copy is live elsewhere:
   * from the node the agent migrates from, or from this very node after a restart (the
   * registration survived in the store, the agent did not), or from a process that is gone.
   * Whether it did; the claim names {@code snapshotEpoch} only if it did.
   */
  private boolean tookOver(JsonObject claim, String existing, String migrateFrom) {
    JsonObject held = new JsonObject(existing);
    String owner = held.getString("node");
    boolean handOver = owner != null && (owner.equals(migrateFrom)
        || (owner.equals(node.nodeId()) && agents.get(claim.getString("id")) == null
            && !AgentState.DEPLOYING.wireName().equals(held.getString("state"))));
    if (!handOver && ClusterMembers.isLive(node.hazelcast(), held)) {
      return false;
    }
    claim.put("snapshotEpoch", Registry.snapshotEpoch(held));
    if (registry.takeOver(existing, claim)) {
      return true;
    }
    claim.remove("snapshotEpoch");
    return false;
  }

  /** A registration as the failover sweep read it (null stays null); refused unless it has a numeric epoch. */
  private static String storedRegistration(String text) {
    if (text == null) {
      return null;
    }
    try {
      JsonObject entry = new JsonObject(text);
      if (entry.getValue("epoch") instanceof Number
          && (entry.getValue("version") == null || entry.getValue("version") instanceof Number)) {
        return text;
      }
    } catch (RuntimeException e) {
      // not JSON: refused below
    }
    throw GovernorException.invalid("replaces must be a registration as stored: a JSON object with a numeric epoch");
  }

  /** Creates the agent's quota from its group unless one exists; true if created here. */
  private Future<Boolean> ensureQuota(String id, JsonObject quota) {
    if (node.quotaIndex().get(id) != null) {
      // kept from an earlier copy (a restart or move, keepQuota): creating it would only answer
      // already_exists, after a round trip to the quota's owner that every restart paid
      return Future.succeededFuture(false);
    }
    return LocalFirst.request(vertx, Addresses.QUOTA_CREATE, quota.copy().put("agentId", id))
        .map(reply -> true)
        .recover(e -> e instanceof ReplyException r && r.failureCode() == ErrorCode.ALREADY_EXISTS.failureCode()
            ? Future.succeededFuture(false) : Future.failedFuture(e));
  }

  /** {@code never} (default) or {@code on-node-loss}: whether survivors re-deploy the agent when its node dies. */
  static String restartPolicy(String text) {
    if (text == null || text.equals("never")) {
      return "never";
    }
    if (text.equals("on-node-loss")) {
      return text;
    }
    throw GovernorException.invalid("restartPolicy must be never or on-node-loss, got '" + text + "'");
  }

  private Future<JsonObject> start(String id, String type, String group, JsonObject config, GovernedAgent agent,
                                   JsonObject snapshot, long now, long epoch, boolean quotaCreated, String restartPolicy) {
    AgentContextImpl context = new AgentContextImpl(vertx, id, type, group, config, node.quotaIndex(), inboxBound,
        node.lease());
    context.epoch(epoch);
    AgentHandle handle = new AgentHandle(id, type, group, config, agent, context, now, quotaCreated, restartPolicy);
    agent.bind(context, () -> context.open(node.nodeId()));
    if (snapshot != null) {
      agent.restore(snapshot);
    }
    agents.add(handle);
    return vertx.deployVerticle(agent, new DeploymentOptions().setConfig(config))
        .recover(e -> {
          agents.remove(id);
          return Future.failedFuture(new GovernorException(ErrorCode.START_FAILED,
              "agent '" + id + "' did not start: " + e.getMessage()));
        })
        .compose(deploymentId -> control.dropForwarder(id).map(deploymentId))
        .compose(deploymentId -> {
          handle.deployed(deploymentId);
          handle.state(AgentState.RUNNING);
          JsonObject entry = handle.toJson(node.nodeId()).put("since", now);
          Future<JsonObject> registered = vertx.executeBlocking(() -> {
            if (!registry.update(entry)) {
              throw new GovernorException(ErrorCode.ALREADY_EXISTS, "agent '" + id + "' was claimed by another copy while it started");
            }
            return entry;
          }, false);
          if (snapshot == null || !"on-node-loss".equals(restartPolicy)) {
            return registered;
          }
          // the state this copy starts from, under its own epoch (beside the registration, on
          // another map): should it die before its first periodic snapshot, its successor
          // restarts from here, not from nothing
          Future<Boolean> saved = Future.fromCompletionStage(
              registry.saveSnapshotAsync(id, epoch, now, node.nodeId(), snapshot), this.context);
          return Future.all(registered, saved).map(both -> entry);
        })
        .onSuccess(entry -> publishLifecycle(id, "deployed"));
  }

  /**
   * Gives up the claim of a copy that did not start. A fresh id is removed (only this claim's: a
   * newer one is another copy's). A taken-over one is handed back as it was, snapshot included:
   * removed, a lost agent would vanish (the failover part's sweep finds nothing to restart) and a
   * migrating one would resume on its source with no registration.
   */
  private Future<Void> releaseClaim(String id, Claim claim, boolean deleteQuota) {
    Future<Void> quota = deleteQuota
        ? LocalFirst.request(vertx, Addresses.QUOTA_DELETE, new JsonObject().put("agentId", id)).<Void>mapEmpty()
            .recover(e -> Future.succeededFuture())
        : Future.succeededFuture();
    return quota.compose(v -> vertx.executeBlocking(() -> {
      if (claim.previous() != null) {
        if (!registry.handBack(id, claim.epoch(), claim.previous())) {
          LOG.warn("agent {}: the claim of epoch {} that did not start was already replaced", id, claim.epoch());
        }
        return null;
      }
      JsonObject entry = registry.entry(id);
      if (entry != null && AgentState.DEPLOYING.wireName().equals(entry.getString("state"))) {
        registry.remove(id, claim.epoch());
      }
      return null;
    }, false));
  }

  // ---- undeploy, get, send, list ----

  private Future<JsonObject> undeploy(JsonObject request) {
    String id = agentId(request);
    boolean keepQuota = Boolean.TRUE.equals(Json.optBoolean(request, "keepQuota", ""));
    return control.undeploy(id, keepQuota, "undeployed");
  }

  private Future<JsonObject> get(JsonObject request) {
    String id = agentId(request);
    AgentHandle handle = AgentHandle.of(agents, id);
    if (handle == null) {
      throw GovernorException.notFound("agent", id);
    }
    Future<JsonObject> snapshot = "on-node-loss".equals(handle.restartPolicy())
        ? vertx.executeBlocking(() -> registry.snapshotInfo(id), false) : Future.succeededFuture();
    return snapshot.compose(last -> handle.context().onContext(() -> handle.agent().status())
        .map(status -> {
          JsonObject agent = handle.toJson(node.nodeId()).put("status", status);
          return last == null ? agent : agent.put("lastSnapshot", last);
        }));
  }

  private Future<JsonObject> send(JsonObject request) {
    String id = agentId(request);
    if (!request.containsKey("body")) {
      throw GovernorException.invalid("body is required");
    }
    AgentHandle handle = AgentHandle.of(agents, id);
    if (handle == null) {
      return sendElsewhere(id, request);
    }
    if (!node.lease().holds(System.nanoTime())) {
      // cut off from the majority: the agent may be restarted elsewhere, and this copy, with what
      // waits in its inbox, stopped; the sender must try again, through a node of the majority
      throw new GovernorException(ErrorCode.UNAVAILABLE, "node '" + node.nodeId()
          + "' does not hold its cluster lease (cut off from the majority, or too busy to renew it); try again");
    }
    if (handle.state() == AgentState.DEPLOYING) { // its inbox opens as it starts
      return awaitStarted(id, System.nanoTime() + DEPLOYING_WAIT_NANOS).compose(v -> send(request));
    }
    if (handle.state() == AgentState.TERMINATING || handle.state() == AgentState.TERMINATED) {
      throw new GovernorException(ErrorCode.INVALID_STATE, "agent '" + id + "' is " + handle.state().wireName());
    }
    if (handle.context().queuedMessages() >= inboxBound) {
      throw new GovernorException(ErrorCode.RATE_LIMITED, "the inbox of agent '" + id + "' is full");
    }
    // straight into this copy's inbox here (its node-specific address, local only): a send to the
    // cluster-wide address could be routed by a stale subscription view to a node it just left.
    // "node" in the reply: which copy took it, so a client (the fault checker) can tell where it waited
    vertx.eventBus().send(Addresses.onNode(Addresses.agentInbox(id), node.nodeId()), request.getValue("body"),
        LOCAL_ONLY);
    return Future.succeededFuture(new JsonObject().put("id", id).put("accepted", true)
        .put("queued", handle.context().queuedMessages()).put("node", node.nodeId()));
  }

  /**
   * A message for an agent this node does not run (any more, or yet): routing used a registry copy
   * that had not yet learnt of a migration, or the agent is being deployed here. The request is
   * passed on, acknowledged hop by hop, to the node the agent went to (known here while this node
   * forwards for it) or the node the registry itself names; an agent being deployed here is waited
   * for briefly. Only an agent the registry does not hold is unknown.
   */
  private Future<JsonObject> sendElsewhere(String id, JsonObject request) {
    int hops = request.getValue("hops") instanceof Number n ? n.intValue() : 0;
    if (hops >= MAX_SEND_HOPS) {
      throw new GovernorException(ErrorCode.UNAVAILABLE, "agent '" + id + "' is moving; try again");
    }
    String movedTo = control.forwardingTo(id);
    Future<String> owner = movedTo != null ? Future.succeededFuture(movedTo)
        : vertx.executeBlocking(() -> {
          String stored = registry.stored(id);
          if (stored == null) {
            throw GovernorException.notFound("agent", id);
          }
          return new JsonObject(stored).getString("node");
        }, false);
    return owner.compose(nodeId -> {
      if (!node.nodeId().equals(nodeId)) {
        return routing.forward(Addresses.AGENT_SEND, nodeId, request.copy().put("hops", hops + 1)).map(r -> (JsonObject) r);
      }
      return awaitStarted(id, System.nanoTime() + DEPLOYING_WAIT_NANOS).compose(v -> send(request.copy().put("hops", hops + 1)));
    });
  }

  /** Completes once an agent the registry places here has started (its inbox is open), or fails after the deadline. */
  private Future<Void> awaitStarted(String id, long deadline) {
    AgentHandle handle = AgentHandle.of(agents, id);
    if (handle != null && handle.state() != AgentState.DEPLOYING) {
      return Future.succeededFuture();
    }
    if (System.nanoTime() - deadline > 0) {
      return Future.failedFuture(new GovernorException(ErrorCode.UNAVAILABLE, "agent '" + id + "' is starting; try again"));
    }
    return vertx.timer(20).compose(v -> awaitStarted(id, deadline));
  }

  private Future<JsonObject> list(JsonObject request) {
    Long offsetArg = Json.optLong(request, "offset", "", 0, Integer.MAX_VALUE);
    Long limitArg = Json.optLong(request, "limit", "", 1, 1000);
    int offset = offsetArg == null ? 0 : offsetArg.intValue();
    int limit = limitArg == null ? 100 : limitArg.intValue();
    String byNode = Json.optString(request, "node", "");
    String byGroup = Json.optString(request, "group", "");
    String byState = Json.optString(request, "state", "");
    String byType = Json.optString(request, "type", "");
    if (byState != null) {
      AgentState.parse(byState);
    }
    // on a worker: a filter and sort over every agent of the cluster, then a read of the page's
    // whole registrations from the map (the node keeps placements only)
    return vertx.executeBlocking(() -> {
      List<Placement> matching = registry.placements().stream()
          .filter(p -> byNode == null || byNode.equals(p.node()))
          .filter(p -> byGroup == null || byGroup.equals(p.group()))
          .filter(p -> byState == null || byState.equals(p.state()))
          .filter(p -> byType == null || byType.equals(p.type()))
          .sorted(Comparator.comparing(Placement::id))
          .toList();
      List<String> page = matching.stream().skip(offset).limit(limit).map(Placement::id).toList();
      Map<String, String> stored = page.isEmpty() ? Map.of() : registry.stored(new HashSet<>(page));
      JsonArray items = new JsonArray();
      for (String id : page) {
        String value = stored.get(id);
        if (value != null && !Maps.isTombstone(value)) { // else removed since the filter ran
          items.add(new JsonObject(value));
        }
      }
      return new JsonObject().put("items", items).put("total", matching.size()).put("offset", offset).put("limit", limit);
    }, false);
  }

  private Future<JsonObject> types(JsonObject request) {
    JsonArray items = new JsonArray();
    node.agentTypes().all().forEach(f -> items.add(new JsonObject().put("type", f.type())
        .put("description", f.description()).put("configKeys", new JsonArray(f.configKeys()))));
    return Future.succeededFuture(new JsonObject().put("items", items));
  }

  private void publishLifecycle(String id, String event) {
    vertx.eventBus().publish(Addresses.EVENTS, Events.agent(id, node.nodeId(), node.clock().millis(), event));
  }

  /** The registry entry that claims an id while the agent deploys. */
  private static JsonObject entry(String id, String type, String group, String nodeId, JsonObject config, long now) {
    return new JsonObject().put("id", id).put("type", type).put("group", group).put("node", nodeId)
        .put("state", AgentState.DEPLOYING.wireName()).put("deployedAt", now).put("since", now)
        .put("config", config.copy()).put("quotaCreated", false);
  }

  private static JsonObject orEmpty(JsonObject json) {
    return json == null ? new JsonObject() : json;
  }
}
