package io.agentgovernor.bridge;

import io.agentgovernor.agent.LocalAgent;
import io.agentgovernor.bridge.impl.BridgeConnection;
import io.agentgovernor.bridge.impl.ConnectionTable;
import io.agentgovernor.bridge.impl.FrameDecoder;
import io.agentgovernor.bridge.impl.FramePolicy;
import io.agentgovernor.bridge.impl.PidProof;
import io.agentgovernor.bridge.impl.RefusalLog;
import io.agentgovernor.bus.ErrorCode;
import io.agentgovernor.bus.GovernorException;
import io.agentgovernor.agent.RuntimeContext;
import io.agentgovernor.quota.UsageReport;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetServerOptions;
import io.vertx.core.net.NetSocket;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Agents in other processes, in any language, over the wire protocol of the Vert.x TCP event-bus
 * bridge ({@code bridge.port}, bound to the cluster host). A client first sends
 * {@code governor.bridge.register} {@code {"id", "group", "pid"?, "quota"?}} and is answered with
 * the Agent and its {@code "secret"}; only then is its connection that agent, and it may: send
 * {@code governor.bridge.report} {@code {"id", "usage": {resource: n}}} for itself, reserve against
 * its budgets ({@code governor.bridge.reserve}, {@code .commit}, {@code .release}: {@link BridgeBudgets}), ping, and
 * (un)register its own {@code governor.agent.<id>.out} (its inbox) and
 * {@code governor.agent.<id>.control}, which it receives from the moment it is registered. Every
 * other frame is refused with an {@code err} frame carrying a failure code.
 *
 * <p>One connection holds an agent at a time. A client whose connection was lost registers again
 * with {@code {"id", "secret"}} and takes its agent back, closing any older connection to it; a
 * register for an agent this bridge holds, without its secret, is refused (FORBIDDEN), as is one
 * for an agent live anywhere else (ALREADY_EXISTS). An agent no connection holds for
 * {@code bridge.leaseGraceMs} is undeployed or suspended ({@code bridge.leaseExpiry}). Frames, the
 * connections before and after registering, their idle time and their refusals are bounded by
 * {@link BridgeConfig}. A {@code pid} is accepted only as {@link PidProof} decides.
 *
 * <p>The library's own {@code TcpEventBusBridge} (5.0.7) is not used: it signals neither new nor
 * closed sockets, buffers any frame length a client declares, and logs every malformed frame, so
 * none of these bounds could be kept with it. The wire format is the same, so its clients work.
 */
public final class BridgeVerticle extends VerticleBase {

  public static final String REGISTER = FramePolicy.REGISTER;
  public static final String REPORT = FramePolicy.REPORT;
  public static final String RESERVE = FramePolicy.RESERVE;
  public static final String COMMIT = FramePolicy.COMMIT;
  public static final String RELEASE = FramePolicy.RELEASE;

  private static final Logger LOG = LoggerFactory.getLogger(BridgeVerticle.class);
  private static final long REFUSAL_LOG_INTERVAL_MS = 10_000;

  private final RuntimeContext node;
  private BridgeConfig settings;
  private ConnectionTable<BridgeConnection> connections;
  private BridgeAgents agents;
  private BridgeBudgets budgets;
  private final RefusalLog refusalLog = new RefusalLog(REFUSAL_LOG_INTERVAL_MS);
  private BridgeStats stats;
  private NetServer server;
  private int port;

  public BridgeVerticle(RuntimeContext node) {
    this.node = node;
  }

  /** The port the bridge listens on (the configured one, or the one chosen for port 0). */
  public int port() {
    return port;
  }

  @Override
  public Future<?> start() {
    settings = BridgeConfig.fromJson(config());
    connections = new ConnectionTable<>(settings.maxConnections(), settings.maxUnregistered(),
        settings.registerTimeoutMs(), settings.idleTimeoutMs());
    Context bridgeContext = vertx.getOrCreateContext();
    agents = new BridgeAgents(vertx, node, settings, connections, PidProof.ofSystem(), bridgeContext);
    stats = new BridgeStats(node.nodeId(), connections, agents);
    budgets = new BridgeBudgets(vertx, node);
    node.agentTypes().register(agents.externalType());
    node.agentTypes().register(new ProcessAgents(vertx, node, new ProcessAgents.Link() {
      @Override
      public Future<String> adopt(String agentId, ExternalAgent agent) {
        return agents.adopt(agentId, agent);
      }

      @Override
      public String host() {
        return node.config().clusterHost();
      }

      @Override
      public int port() {
        return port;
      }
    }).type(agents::stopped));
    server = vertx.createNetServer(new NetServerOptions().setTcpNoDelay(true));
    server.connectHandler(this::accept);
    vertx.setPeriodic(settings.sweepIntervalMs(), t -> sweep());
    return server.listen(settings.port(), node.config().clusterHost()).onSuccess(s -> port = s.actualPort());
  }

  @Override
  public Future<?> stop() {
    stats.close();
    return server == null ? Future.succeededFuture() : server.close();
  }

  private void accept(NetSocket socket) {
    BridgeConnection connection = new BridgeConnection(socket, settings.maxFrameBytes());
    BridgeConnection displaced = connections.admit(connection, now());
    socket.handler(bytes -> arrived(connection, bytes));
    socket.closeHandler(v -> closed(connection));
    socket.exceptionHandler(e -> connection.close("socket_error", null));
    if (displaced != null) {
      displaced.evict(); // its close handler forgets it, as for one displaced by a refused register
    }
  }

  private void arrived(BridgeConnection connection, Buffer bytes) {
    FrameDecoder decoder = connection.decoder();
    decoder.feed(bytes);
    if (decoder.failure() == FrameDecoder.Failure.TOO_LARGE) {
      refusalLogged(connection, "frame of " + decoder.offendingLength() + " bytes");
      stats.refused();
      close(connection, "frame_too_large: " + decoder.offendingLength() + " bytes declared, at most "
          + settings.maxFrameBytes(), ErrorCode.PAYLOAD_TOO_LARGE);
      return;
    }
    drain(connection);
  }

  /** Handles the complete frames the connection has, while it may take more. */
  private void drain(BridgeConnection connection) {
    Buffer frame;
    while (connection.readable() && (frame = connection.decoder().next()) != null) {
      handle(connection, frame);
    }
  }

  private void handle(BridgeConnection connection, Buffer bytes) {
    JsonObject frame;
    try {
      frame = new JsonObject(bytes);
    } catch (DecodeException | ClassCastException e) {
      refuse(connection, null, null, ErrorCode.INVALID_REQUEST, "invalid_json");
      return;
    }
    connections.touch(connection, now());
    String own = connections.agentOf(connection);
    FramePolicy.Decision decision = FramePolicy.decide(frame, own, connections.isClaiming(connection));
    String address = frame.getValue("address") instanceof String a ? a : null;
    String replyAddress = frame.getValue("replyAddress") instanceof String r ? r : null;
    switch (decision.kind()) {
      case PONG -> connection.pong();
      case REGISTER -> answer(connection, replyAddress, address, agents.register(connection, frame.getJsonObject("body")));
      case REPORT -> answer(connection, replyAddress, address, report(own, frame.getJsonObject("body")));
      case RESERVE -> answer(connection, replyAddress, address, budgets.reserve(own, frame.getJsonObject("body")));
      case COMMIT -> answer(connection, replyAddress, address, budgets.commit(own, frame.getJsonObject("body")));
      case RELEASE -> answer(connection, replyAddress, address, budgets.release(own, frame.getJsonObject("body")));
      case SUBSCRIBE -> connection.subscribe(vertx, address);
      case UNSUBSCRIBE -> {
        if (!connection.unsubscribe(address)) {
          refuse(connection, null, address, ErrorCode.NOT_FOUND, "unknown_address");
        }
      }
      case REFUSE -> refuse(connection, replyAddress, address, decision.code(), decision.reason());
    }
  }

  /** Sends a request's outcome back: its reply, or a coded refusal. */
  private void answer(BridgeConnection connection, String replyAddress, String address, Future<JsonObject> outcome) {
    connection.begin();
    outcome.onComplete(ar -> {
      if (ar.succeeded()) {
        if (replyAddress != null) {
          connection.reply(replyAddress, ar.result());
        }
      } else {
        ErrorCode code = ErrorCode.of(ar.cause());
        if (code == ErrorCode.INTERNAL) {
          LOG.warn("bridge request to {} failed", address, ar.cause());
        }
        // a client learns what it did wrong, never the node's internals
        refuse(connection, replyAddress, address, code,
            ErrorCode.messageOf(ar.cause()));
      }
      if (connection.end()) {
        drain(connection);
      }
    });
  }

  private Future<JsonObject> report(String id, JsonObject request) {
    try {
      LocalAgent handle = node.localAgents().get(id);
      if (handle == null || !(handle.agent() instanceof ExternalAgent agent)) {
        throw GovernorException.notFound("outside agent", id);
      }
      Object usageField = request.getValue("usage");
      UsageReport usage = UsageReport.parse(usageField instanceof JsonObject u ? u : new JsonObject(),
          node.quotaIndex().get(id));
      return handle.onContext(() -> {
        agent.reported(usage.builtIn());
        usage.custom().forEach((name, amount) -> handle.context().report(name, amount));
        return new JsonObject().put("id", id).put("accepted", true);
      });
    } catch (GovernorException e) {
      return Future.failedFuture(e);
    }
  }

  private void refuse(BridgeConnection connection, String replyAddress, String address, ErrorCode code, String reason) {
    stats.refused();
    connection.error(replyAddress, address, code, reason);
    refusalLogged(connection, (address == null ? "" : address + ": ") + reason);
    if (connection.refused(settings.maxRefusals())) {
      close(connection, "too many refused frames", ErrorCode.RATE_LIMITED);
    }
  }

  private void refusalLogged(BridgeConnection connection, String what) {
    long left = refusalLog.record(now());
    if (left >= 0) {
      LOG.warn("bridge client {} refused: {} ({} other refusals not logged in the last {} s)",
          connection.socket().remoteAddress(), what, left, REFUSAL_LOG_INTERVAL_MS / 1000);
    }
  }

  private void close(BridgeConnection connection, String reason, ErrorCode code) {
    connection.close(reason, code);
    closed(connection);
  }

  /** The socket is gone, whoever closed it: forget it, and start its agent's lease grace. */
  private void closed(BridgeConnection connection) {
    connection.markClosed();
    String agent = connections.remove(connection);
    if (agent != null) {
      agents.disconnected(agent);
    }
  }

  /** Closes connections past their deadline and acts on agents whose lease ran out. */
  private void sweep() {
    for (ConnectionTable.Close<BridgeConnection> due : connections.expired(now())) {
      boolean idle = due.reason() == ConnectionTable.Reason.IDLE_TIMEOUT;
      close(due.connection(), idle ? "idle_timeout: no frame for " + settings.idleTimeoutMs() + " ms"
          : "register_timeout: not registered within " + settings.registerTimeoutMs() + " ms", ErrorCode.TIMEOUT);
    }
    agents.expireLeases();
  }

  private long now() {
    return node.clock().millis();
  }

}
