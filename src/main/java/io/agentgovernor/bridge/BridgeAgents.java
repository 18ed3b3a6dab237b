package io.agentgovernor.bridge;

import io.agentgovernor.agent.AgentFactory;
import io.agentgovernor.agent.AgentState;
import io.agentgovernor.agent.AgentMeter;
import io.agentgovernor.agent.LocalAgent;
import io.agentgovernor.bridge.impl.AgentSecret;
import io.agentgovernor.bridge.impl.BridgeConnection;
import io.agentgovernor.bridge.impl.ConnectionTable;
import io.agentgovernor.bridge.impl.FramePolicy;
import io.agentgovernor.bridge.impl.Leases;
import io.agentgovernor.bridge.impl.PidProof;
import io.agentgovernor.bus.Addresses;
import io.agentgovernor.bus.LocalFirst;
import io.agentgovernor.bus.ErrorCode;
import io.agentgovernor.bus.GovernorException;
import io.agentgovernor.bus.Ids;
import io.agentgovernor.bus.Json;
import io.agentgovernor.agent.RuntimeContext;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The agents of this node's bridge: registering one (a new agent through the runtime, or an
 * existing one taken back with its secret), binding it to its connection, and its lease when the
 * connection is gone. Runs on the bridge's event loop; agents are deployed, undeployed and
 * suspended through the runtime's and enforcement's addresses, never by writing the registry.
 */
final class BridgeAgents {

  private static final Logger LOG = LoggerFactory.getLogger(BridgeAgents.class);

  private final Vertx vertx;
  private final RuntimeContext node;
  private final BridgeConfig settings;
  private final ConnectionTable<BridgeConnection> connections;
  private final PidProof pidProof;
  private final Context bridgeContext;
  private final Leases leases;
  /** Ids whose first register is being decided: a second one for the same id is refused at once. */
  private final Set<String> registering = new HashSet<>();
  /** Agents this bridge suspended when their lease ran out: resumed when their client is back. */
  private final Set<String> suspendedHere = new HashSet<>();

  BridgeAgents(Vertx vertx, RuntimeContext node, BridgeConfig settings, ConnectionTable<BridgeConnection> connections,
               PidProof pidProof, Context bridgeContext) {
    this.vertx = vertx;
    this.node = node;
    this.settings = settings;
    this.connections = connections;
    this.pidProof = pidProof;
    this.bridgeContext = bridgeContext;
    this.leases = new Leases(settings.leaseGraceMs());
  }

  int size() {
    return leases.size();
  }

  /** A register frame's body: takes the agent back with its secret, or registers a new one. */
  Future<JsonObject> register(BridgeConnection connection, JsonObject request) {
    try {
      String id = Ids.require(Json.optString(request, "id", ""), "id");
      Long pid = Json.optLong(request, "pid", "", 1, Long.MAX_VALUE);
      if (!connections.claim(connection)) {
        throw new GovernorException(ErrorCode.RATE_LIMITED, "too many registers are being decided; try again");
      }
      Future<JsonObject> outcome;
      try {
        outcome = leases.get(id) != null ? reconnect(connection, id, pid, request.getValue("secret"))
            : registerNew(connection, id, pid, request);
      } catch (GovernorException e) {
        outcome = Future.failedFuture(e);
      }
      return outcome.onFailure(e -> {
        BridgeConnection displaced = connections.unclaim(connection);
        if (displaced != null) {
          displaced.evict(); // its close handler forgets it
        }
      });
    } catch (GovernorException e) {
      return Future.failedFuture(e);
    }
  }

  private Future<JsonObject> reconnect(BridgeConnection connection, String id, Long pid, Object secret) {
    Leases.Lease lease = leases.get(id);
    if (!lease.secret().matches(secret)) {
      throw new GovernorException(ErrorCode.FORBIDDEN,
          "agent '" + id + "' is registered; taking it over needs the secret it was given");
    }
    LocalAgent handle = node.localAgents().get(id);
    if (handle == null || !(handle.agent() instanceof ExternalAgent agent)) {
      throw GovernorException.notFound("outside agent", id);
    }
    if (pid != null && pid != agent.pid()) {
      throw GovernorException.invalid("agent '" + id + "' is measured as pid " + agent.pid()
          + "; a new process registers as a new agent");
    }
    bind(connection, id, agent);
    Leases.State before = leases.connected(id);
    if (before == Leases.State.EXPIRED && suspendedHere.remove(id)) {
      enforce(id, "resume", "its bridge client reconnected");
    }
    return Future.succeededFuture(handle.toJson(node.nodeId()).put("resumed", true));
  }

  private Future<JsonObject> registerNew(BridgeConnection connection, String id, Long pid, JsonObject request) {
    String group = Ids.require(Json.optString(request, "group", ""), "group");
    JsonObject quota = Json.optObject(request, "quota", "");
    if (!connections.hasRoomToBind()) {
      throw new GovernorException(ErrorCode.RATE_LIMITED,
          "this bridge holds its " + settings.maxConnections() + " connections; try another node or later");
    }
    if (!registering.add(id)) {
      throw new GovernorException(ErrorCode.ALREADY_EXISTS, "agent '" + id + "' is being registered");
    }
    JsonObject deploy = new JsonObject().put("id", id).put("type", ExternalAgent.TYPE).put("group", group)
        .put("node", node.nodeId()).put("config", new JsonObject().put("pid", pid == null ? 0 : pid));
    if (quota != null) {
      deploy.put("quota", quota);
    }
    return provePid(connection, pid)
        .compose(v -> LocalFirst.<JsonObject>request(vertx, Addresses.AGENT_DEPLOY, deploy))
        .map(reply -> {
          StringBuilder secret = new StringBuilder();
          LocalAgent handle = node.localAgents().get(id);
          if (handle == null || !(handle.agent() instanceof ExternalAgent agent)) {
            throw new GovernorException(ErrorCode.UNAVAILABLE, "agent '" + id + "' stopped as it was registered");
          }
          leases.add(id, AgentSecret.generate(secret), agent);
          if (connection.isClosed()) {
            leases.disconnected(id, now()); // its client left meanwhile: the lease grace starts now
            throw new GovernorException(ErrorCode.UNAVAILABLE, "the connection closed during the register");
          }
          bind(connection, id, agent);
          if (node.localAgents().get(id) != handle) {
            stopped(id, agent); // stopped before its lease existed: end it now
          }
          return reply.body().copy().put("secret", secret.toString());
        })
        .eventually(() -> {
          registering.remove(id);
          return Future.succeededFuture();
        });
  }

  /** The pid a client names is measured as its agent only if {@link PidProof} accepts it. */
  private Future<Void> provePid(BridgeConnection connection, Long pid) {
    if (pid == null) {
      return Future.succeededFuture();
    }
    var client = connection.socket().remoteAddress();
    var server = connection.socket().localAddress();
    return vertx.executeBlocking(() -> pidProof.check(pid, client.hostAddress(), client.port(),
            server.hostAddress(), server.port()), false)
        .compose(verdict -> verdict.accepted() ? Future.succeededFuture()
            : Future.failedFuture(new GovernorException(ErrorCode.FORBIDDEN, "pid refused: " + verdict.reason())));
  }

  /** The connection now holds the agent, alone: any older connection to it is closed first. */
  private void bind(BridgeConnection connection, String id, ExternalAgent agent) {
    BridgeConnection previous;
    try {
      previous = connections.bind(connection, id, now());
    } catch (IllegalStateException full) {
      leases.disconnected(id, now());
      throw new GovernorException(ErrorCode.RATE_LIMITED,
          "this bridge holds its " + settings.maxConnections() + " connections; try again later");
    }
    if (previous != null) {
      previous.unsubscribeAll();
      previous.close("replaced: agent '" + id + "' was taken over by a connection that gave its secret",
          ErrorCode.ALREADY_EXISTS);
    }
    connection.subscribe(vertx, FramePolicy.out(id));
    connection.subscribe(vertx, FramePolicy.control(id));
    attach(id, agent, true);
  }

  /** The agent's connection is gone: its lease grace starts, and what it is sent is kept meanwhile. */
  void disconnected(String id) {
    leases.disconnected(id, now());
    LocalAgent handle = node.localAgents().get(id);
    if (handle != null && handle.agent() instanceof ExternalAgent agent && leases.get(id) != null) {
      attach(id, agent, false);
    }
  }

  /** The running totals of the local agent that is exactly this copy, or null (it stopped meanwhile). */
  private AgentMeter meterOf(String id, ExternalAgent agent) {
    LocalAgent handle = node.localAgents().get(id);
    return handle != null && handle.agent() == agent ? handle.meter() : null;
  }

  private void attach(String id, ExternalAgent agent, boolean attached) {
    LocalAgent handle = node.localAgents().get(id);
    if (handle != null && handle.agent() == agent) {
      handle.onContext(() -> {
        agent.attached(attached);
        return null;
      });
    }
  }

  /** Undeploys or suspends every agent whose connection stayed away past the grace. */
  void expireLeases() {
    for (String id : leases.expire(now())) {
      if (settings.leaseExpiry() == BridgeConfig.LeaseExpiry.UNDEPLOY) {
        LOG.info("bridge agent {}: no connection for {} ms, undeployed", id, settings.leaseGraceMs());
        LocalFirst.request(vertx, Addresses.AGENT_UNDEPLOY, new JsonObject().put("id", id))
            .onFailure(e -> LOG.warn("bridge agent {}: undeploy after its lease failed: {}", id, e.getMessage()));
      } else {
        LocalAgent handle = node.localAgents().get(id);
        if (handle != null && handle.state() != AgentState.SUSPENDED) {
          LOG.info("bridge agent {}: no connection for {} ms, suspended", id, settings.leaseGraceMs());
          suspendedHere.add(id);
          enforce(id, "suspend", "its bridge connection has been gone for " + settings.leaseGraceMs() + " ms");
        }
      }
    }
  }

  private void enforce(String id, String action, String reason) {
    LocalFirst.request(vertx, Addresses.ENFORCEMENT_ACTION,
            new JsonObject().put("agentId", id).put("action", action).put("reason", reason))
        .onFailure(e -> LOG.warn("bridge agent {}: {} failed: {}", id, action, e.getMessage()));
  }

  /** An outside agent stopped (undeployed, terminated, lease expired): its lease and connection end with it. */
  void stopped(String id, ExternalAgent agent) {
    bridgeContext.runOnContext(v -> {
      if (!leases.remove(id, agent)) {
        return; // not registered here, or a newer agent holds the id
      }
      suspendedHere.remove(id);
      BridgeConnection connection = connections.release(id);
      if (connection != null) {
        connection.close("agent_stopped: agent '" + id + "' no longer runs", ErrorCode.NOT_FOUND);
      }
    });
  }

  /** A process agent this node started: a secret for its process, and a lease that never expires. */
  Future<String> adopt(String id, ExternalAgent agent) {
    io.vertx.core.Promise<String> secret = io.vertx.core.Promise.promise();
    bridgeContext.runOnContext(v -> {
      StringBuilder text = new StringBuilder();
      leases.addSupervised(id, AgentSecret.generate(text), agent, now());
      secret.complete(text.toString());
    });
    return secret.future();
  }

  /** The {@code external} agent type, whose agents tell this bridge when they stop. */
  AgentFactory externalType() {
    return AgentFactory.of(ExternalAgent.TYPE, "an agent in another process, connected through the TCP event-bus bridge",
        List.of("pid"), config -> {
          Long pid = Json.optLong(config, "pid", "external config", 0, Long.MAX_VALUE);
          return new ExternalAgent(pid == null ? 0 : pid, this::stopped, this::meterOf);
        });
  }

  private long now() {
    return node.clock().millis();
  }
}
