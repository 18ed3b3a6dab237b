package io.agentgovernor.bridge;

import io.agentgovernor.agent.AgentFactory;
import io.agentgovernor.agent.GovernedAgent;
import io.agentgovernor.agent.impl.AgentHandle;
import io.agentgovernor.bus.Addresses;
import io.agentgovernor.bus.GovernorException;
import io.agentgovernor.bus.Handlers;
import io.agentgovernor.bus.Ids;
import io.agentgovernor.bus.Json;
import io.agentgovernor.node.NodeContext;
import io.agentgovernor.quota.UsageReport;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.NetServerOptions;
import io.vertx.core.net.NetSocket;
import io.vertx.ext.bridge.BridgeEventType;
import io.vertx.ext.bridge.BridgeOptions;
import io.vertx.ext.bridge.PermittedOptions;
import io.vertx.ext.eventbus.bridge.tcp.BridgeEvent;
import io.vertx.ext.eventbus.bridge.tcp.TcpEventBusBridge;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Agents in other processes, in any language, through the Vert.x TCP event-bus bridge
 * ({@code bridge.port}, bound to the cluster host). A client first sends
 * {@code governor.bridge.register} {@code {"id", "group", "pid"?, "quota"?}}; from then on its
 * connection is that agent and may only: send {@code governor.bridge.report} {@code {"id",
 * "usage": {resource: n}}} for itself, and register for its own {@code governor.agent.<id>.out}
 * (its inbox) and {@code governor.agent.<id>.control} (throttle, suspend, resume, terminate,
 * scale_down, degrade). Every other frame is refused, whatever the bridge's global permits say.
 */
public final class BridgeVerticle extends VerticleBase {

  public static final String REGISTER = "governor.bridge.register";
  public static final String REPORT = "governor.bridge.report";

  private static final Logger LOG = LoggerFactory.getLogger(BridgeVerticle.class);
  private static final long REFUSAL_LOG_INTERVAL_MS = 60_000;

  private final NodeContext node;
  /** Which agent each bridge connection is (set by its first register). */
  private final Map<NetSocket, String> identities = new ConcurrentHashMap<>();
  private final Map<String, Long> lastRefusalLog = new ConcurrentHashMap<>();
  private TcpEventBusBridge bridge;
  private int port;

  public BridgeVerticle(NodeContext node) {
    this.node = node;
  }

  public int port() {
    return port;
  }

  @Override
  public Future<?> start() {
    port = config().getInteger("port", 7001);
    node.agentTypes().register(externalType());
    BridgeOptions options = new BridgeOptions()
        .addInboundPermitted(new PermittedOptions().setAddress(REGISTER))
        .addInboundPermitted(new PermittedOptions().setAddress(REPORT))
        .addOutboundPermitted(new PermittedOptions().setAddressRegex("governor\\.agent\\.[A-Za-z0-9._-]+\\.(out|control)"));
    bridge = TcpEventBusBridge.create(vertx, options, new NetServerOptions(), this::police);
    return Future.all(List.of(
            vertx.eventBus().localConsumer(REGISTER, Handlers.json(this::register)).completion(),
            vertx.eventBus().localConsumer(REPORT, Handlers.json(this::report)).completion()))
        .compose(v -> bridge.listen(port, node.config().clusterHost()));
  }

  @Override
  public Future<?> stop() {
    return bridge == null ? Future.succeededFuture() : bridge.close();
  }

  /** Lets a frame through only if it concerns the connection's own agent. */
  private void police(BridgeEvent event) {
    NetSocket socket = event.socket();
    BridgeEventType type = event.type();
    if (type == BridgeEventType.SOCKET_CLOSED) {
      identities.remove(socket);
      event.complete(true);
      return;
    }
    JsonObject frame = event.getRawMessage();
    String address = frame == null ? null : frame.getString("address");
    String own = identities.get(socket);
    boolean allowed = switch (type) {
      case SEND -> address != null && (address.equals(REGISTER) ? claim(socket, own, frame) : address.equals(REPORT)
          && own != null && frame.getValue("body") instanceof JsonObject body && own.equals(body.getValue("id")));
      case REGISTER, UNREGISTER -> own != null
          && (ExternalAgent.out(own).equals(address) || ExternalAgent.control(own).equals(address));
      case PUBLISH -> false;
      default -> true;
    };
    if (!allowed) {
      refused(socket, type + " to " + address);
    }
    event.complete(allowed);
  }

  /** A connection becomes the agent it registers, once. */
  private boolean claim(NetSocket socket, String own, JsonObject frame) {
    if (!(frame.getValue("body") instanceof JsonObject body) || !(body.getValue("id") instanceof String id)
        || !Ids.isValid(id)) {
      return false;
    }
    if (own != null) {
      return own.equals(id);
    }
    identities.put(socket, id);
    return true;
  }

  private void refused(NetSocket socket, String what) {
    String source = String.valueOf(socket.remoteAddress());
    long now = System.currentTimeMillis();
    Long last = lastRefusalLog.get(source);
    if (last == null || now - last >= REFUSAL_LOG_INTERVAL_MS) {
      lastRefusalLog.put(source, now);
      LOG.warn("bridge client {} refused: {} (further refusals from it are not logged for {} s)",
          source, what, REFUSAL_LOG_INTERVAL_MS / 1000);
    }
  }

  private Future<Object> register(JsonObject request) {
    String id = Ids.require(Json.optString(request, "id", ""), "id");
    String group = Ids.require(Json.optString(request, "group", ""), "group");
    Long pid = Json.optLong(request, "pid", "", 1, Long.MAX_VALUE);
    JsonObject deploy = new JsonObject().put("id", id).put("type", ExternalAgent.TYPE).put("group", group)
        .put("node", node.nodeId()).put("config", new JsonObject().put("pid", pid == null ? 0 : pid));
    JsonObject quota = Json.optObject(request, "quota", "");
    if (quota != null) {
      deploy.put("quota", quota);
    }
    return vertx.eventBus().request(Addresses.AGENT_DEPLOY, deploy).map(m -> m.body());
  }

  private Future<JsonObject> report(JsonObject request) {
    String id = Ids.require(Json.optString(request, "id", ""), "id");
    AgentHandle handle = node.localAgents().get(id);
    if (handle == null || !(handle.agent() instanceof ExternalAgent agent)) {
      throw GovernorException.notFound("outside agent", id);
    }
    UsageReport usage = UsageReport.parse(Json.optObject(request, "usage", ""), node.quotaIndex().get(id));
    return handle.context().onContext(() -> {
      agent.reported(usage.builtIn());
      usage.custom().forEach((name, amount) -> handle.context().report(name, amount));
      return new JsonObject().put("id", id).put("accepted", true);
    });
  }

  private static AgentFactory externalType() {
    return new AgentFactory() {
      @Override
      public String type() {
        return ExternalAgent.TYPE;
      }

      @Override
      public String description() {
        return "an agent in another process, connected through the TCP event-bus bridge";
      }

      @Override
      public List<String> configKeys() {
        return List.of("pid");
      }

      @Override
      public GovernedAgent create(JsonObject config) {
        Long pid = Json.optLong(config, "pid", "external config", 0, Long.MAX_VALUE);
        return new ExternalAgent(pid == null ? 0 : pid);
      }
    };
  }
}
