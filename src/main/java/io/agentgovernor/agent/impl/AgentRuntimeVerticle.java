package io.agentgovernor.agent.impl;

import io.agentgovernor.agent.AgentFactory;
import io.agentgovernor.agent.AgentState;
import io.agentgovernor.agent.GovernedAgent;
import io.agentgovernor.agent.LocalAgents;
import io.agentgovernor.agent.samples.ChattyAgent;
import io.agentgovernor.bus.Addresses;
import io.agentgovernor.bus.AgentRouting;
import io.agentgovernor.bus.ErrorCode;
import io.agentgovernor.bus.GovernorException;
import io.agentgovernor.bus.Handlers;
import io.agentgovernor.bus.Ids;
import io.agentgovernor.bus.Json;
import io.agentgovernor.node.NodeContext;
import io.agentgovernor.quota.Quota;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.Comparator;
import java.util.List;
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

  private final NodeContext node;
  private final LocalAgents agents;
  private final AgentRegistry registry;
  private AgentControl control;
  private AgentRouting routing;
  private int inboxBound;

  public AgentRuntimeVerticle(NodeContext node) {
    this.node = node;
    this.agents = node.localAgents();
    this.registry = node.registry();
  }

  @Override
  public Future<?> start() {
    inboxBound = config().getInteger("inboxBound", 10_000);
    control = new AgentControl(vertx, node, registry);
    routing = new AgentRouting(vertx, node.nodeId(), registry::nodeOf);
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
    String restartPolicy = restartPolicy(Json.optString(request, "restartPolicy", ""));
    GovernedAgent agent = factory.create(config);
    long now = node.clock().millis();
    JsonObject claim = entry(id, factory.type(), group, node.nodeId(), config, now);
    return vertx.executeBlocking(() -> claimId(claim, migrateFrom), false)
        .compose(v -> ensureQuota(id, quota))
        .compose(created -> start(id, factory.type(), group, config, agent, snapshot, now,
            created || Boolean.TRUE.equals(Json.optBoolean(request, "quotaCreated", "")), restartPolicy)
            .recover(e -> releaseClaim(id, created).transform(x -> Future.failedFuture(e))))
        .recover(e -> e instanceof GovernorException g && g.code() == ErrorCode.ALREADY_EXISTS
            ? Future.failedFuture(e)
            : releaseClaim(id, false).transform(x -> Future.failedFuture(e)));
  }

  /**
   * Claims the id cluster-wide. An entry left by a node that is gone is taken over, and so is the
   * entry of the node an agent migrates from.
   */
  private Void claimId(JsonObject claim, String migrateFrom) {
    String id = claim.getString("id");
    String existing = registry.claim(claim);
    if (existing == null) {
      return null;
    }
    String owner = new JsonObject(existing).getString("node");
    // taken over: from the node it migrates from, or from this very node after a restart (the
    // registration survived in the store, the agent did not)
    boolean handOver = owner != null && (owner.equals(migrateFrom)
        || (owner.equals(node.nodeId()) && agents.get(id) == null
            && !AgentState.DEPLOYING.wireName().equals(new JsonObject(existing).getString("state"))));
    if ((!handOver && control.isNodeAlive(owner)) || !registry.takeOver(existing, claim)) {
      throw new GovernorException(ErrorCode.ALREADY_EXISTS, "agent '" + id + "' is live on node '" + owner + "'");
    }
    return null;
  }

  /** Creates the agent's quota from its group unless one exists; true if created here. */
  private Future<Boolean> ensureQuota(String id, JsonObject quota) {
    return vertx.eventBus().request(Addresses.QUOTA_CREATE, quota.copy().put("agentId", id))
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
                                   JsonObject snapshot, long now, boolean quotaCreated, String restartPolicy) {
    AgentContextImpl context = new AgentContextImpl(vertx, id, type, group, config, node.quotaIndex(), inboxBound);
    AgentHandle handle = new AgentHandle(id, type, group, config, agent, context, now, quotaCreated, restartPolicy);
    agent.bind(context, () -> context.open(node.nodeId()));
    if (snapshot != null) {
      agent.restore(snapshot);
    }
    agents.add(handle);
    return control.dropForwarder(id)
        .compose(v -> vertx.deployVerticle(agent, new DeploymentOptions().setConfig(config)))
        .onFailure(e -> agents.remove(id))
        .compose(deploymentId -> {
          handle.deployed(deploymentId);
          handle.state(AgentState.RUNNING);
          JsonObject entry = handle.toJson(node.nodeId()).put("since", now);
          return vertx.executeBlocking(() -> {
            registry.put(entry);
            return entry;
          }, false);
        })
        .onSuccess(entry -> publishLifecycle(id, "deployed"));
  }

  private Future<Void> releaseClaim(String id, boolean deleteQuota) {
    Future<Void> quota = deleteQuota
        ? vertx.eventBus().request(Addresses.QUOTA_DELETE, new JsonObject().put("agentId", id)).<Void>mapEmpty()
            .recover(e -> Future.succeededFuture())
        : Future.succeededFuture();
    return quota.compose(v -> vertx.executeBlocking(() -> {
      JsonObject entry = registry.entry(id);
      if (entry != null && node.nodeId().equals(entry.getString("node"))
          && AgentState.DEPLOYING.wireName().equals(entry.getString("state"))) {
        registry.remove(id);
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
    AgentHandle handle = agents.get(id);
    if (handle == null) {
      throw GovernorException.notFound("agent", id);
    }
    return handle.context().onContext(() -> handle.agent().status())
        .map(status -> handle.toJson(node.nodeId()).put("status", status));
  }

  private Future<JsonObject> send(JsonObject request) {
    String id = agentId(request);
    AgentHandle handle = agents.get(id);
    if (handle == null) {
      throw GovernorException.notFound("agent", id);
    }
    if (!request.containsKey("body")) {
      throw GovernorException.invalid("body is required");
    }
    if (handle.state() == AgentState.TERMINATING || handle.state() == AgentState.TERMINATED) {
      throw new GovernorException(ErrorCode.INVALID_STATE, "agent '" + id + "' is " + handle.state().wireName());
    }
    if (handle.context().queuedMessages() >= inboxBound) {
      throw new GovernorException(ErrorCode.RATE_LIMITED, "the inbox of agent '" + id + "' is full");
    }
    vertx.eventBus().send(Addresses.agentInbox(id), request.getValue("body"));
    // "node": which copy took it, so a client (the fault checker) can tell where an accepted message waited
    return Future.succeededFuture(new JsonObject().put("id", id).put("accepted", true)
        .put("queued", handle.context().queuedMessages()).put("node", node.nodeId()));
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
    List<JsonObject> matching = registry.entries().stream()
        .filter(e -> byNode == null || byNode.equals(e.getString("node")))
        .filter(e -> byGroup == null || byGroup.equals(e.getString("group")))
        .filter(e -> byState == null || byState.equals(e.getString("state")))
        .filter(e -> byType == null || byType.equals(e.getString("type")))
        .sorted(Comparator.comparing(e -> e.getString("id")))
        .toList();
    JsonArray items = new JsonArray();
    matching.stream().skip(offset).limit(limit).forEach(items::add);
    return Future.succeededFuture(new JsonObject().put("items", items).put("total", matching.size())
        .put("offset", offset).put("limit", limit));
  }

  private Future<JsonObject> types(JsonObject request) {
    JsonArray items = new JsonArray();
    node.agentTypes().all().forEach(f -> items.add(new JsonObject().put("type", f.type())
        .put("description", f.description()).put("configKeys", new JsonArray(f.configKeys()))));
    return Future.succeededFuture(new JsonObject().put("items", items));
  }

  private void publishLifecycle(String id, String event) {
    vertx.eventBus().publish(Addresses.EVENTS, new JsonObject().put("type", "agent").put("agentId", id)
        .put("node", node.nodeId()).put("time", node.clock().millis()).put("event", event));
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
