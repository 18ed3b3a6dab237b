package io.agentgovernor.capacity;

import com.hazelcast.cluster.MembershipEvent;
import com.hazelcast.cluster.MembershipListener;
import com.hazelcast.map.IMap;
import io.agentgovernor.bus.Events;
import io.agentgovernor.bus.Addresses;
import io.agentgovernor.bus.GovernorException;
import io.agentgovernor.bus.Handlers;
import io.agentgovernor.bus.Json;
import io.agentgovernor.cluster.MapMirror;
import io.agentgovernor.cluster.Maps;
import io.agentgovernor.spi.NodeContext;
import io.agentgovernor.quota.Resource;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The capacity part: this node's {@link NodeSpec} and spare capacity, published to the
 * {@link Maps#NODES} map with an expiry (so a node that stops publishing disappears), and a local
 * mirror of every live peer's entry, from which migration targets are chosen without a network
 * round trip. A member that leaves the Hazelcast cluster has its entry removed at once.
 *
 * <p>Usage totals of this node's agents arrive on {@link Addresses#CAPACITY_USAGE} from the monitor.
 */
public final class CapacityVerticle extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(CapacityVerticle.class);

  private final NodeContext node;
  private final Map<String, JsonObject> peers = new ConcurrentHashMap<>();
  private final long startedAt;
  private IMap<String, String> nodes;
  private MapMirror mirror;
  private UUID membershipRegistration;
  private NodeSpec spec;
  private volatile double[] used = new double[Resource.BUILT_IN_COUNT];
  private volatile int agents;
  private long publishIntervalMs;
  private long ttlMs;
  private int httpPort;

  public CapacityVerticle(NodeContext node) {
    this.node = node;
    this.startedAt = node.clock().millis();
  }

  /** Checks the {@code capacity} section; throws naming the fault. */
  public static void validate(JsonObject capacity) {
    NodeSpec.measure(capacity);
    publishIntervalMs(capacity);
    ttlMs(capacity);
  }

  private static long publishIntervalMs(JsonObject capacity) {
    Long configured = Json.optLong(capacity, "publishIntervalMs", "capacity", 100, 60_000);
    return configured == null ? 2000 : configured;
  }

  private static long ttlMs(JsonObject capacity) {
    Long configured = Json.optLong(capacity, "entryTtlMs", "capacity", 1000, 600_000);
    return configured == null ? 10_000 : configured;
  }

  @Override
  public Future<?> start() {
    JsonObject capacity = config();
    spec = NodeSpec.measure(capacity);
    publishIntervalMs = publishIntervalMs(capacity);
    ttlMs = ttlMs(capacity);
    httpPort = capacity.getInteger("httpPort", node.config().httpPort());
    nodes = node.hazelcast().getMap(Maps.NODES);
    return vertx.executeBlocking(this::mirrorPeersAndPublish)
        .compose(v -> Future.all(
            vertx.eventBus().localConsumer(Addresses.CAPACITY_USAGE, msg -> acceptUsage(msg.body())).completion(),
            vertx.eventBus().consumer(Addresses.CAPACITY_NODES, Handlers.json(req -> listNodes())).completion(),
            vertx.eventBus().consumer(Addresses.CAPACITY_TARGET, Handlers.json(this::pickTarget)).completion()))
        .onSuccess(v -> vertx.setPeriodic(publishIntervalMs, id -> publish()));
  }

  @Override
  public Future<?> stop() {
    // tell the peers this is a graceful leave, not a failure their quorum should count
    vertx.eventBus().publish(Addresses.EVENTS, Events.node(node.nodeId(), "leaving", node.clock().millis()));
    return vertx.executeBlocking(() -> {
      mirror.stop();
      node.hazelcast().getCluster().removeMembershipListener(membershipRegistration);
      nodes.delete(node.nodeId());
      return null;
    });
  }

  private Void mirrorPeersAndPublish() {
    mirror = new MapMirror(nodes, MapMirror.Target.json(peers)).start();
    membershipRegistration = node.hazelcast().getCluster().addMembershipListener(new MembershipListener() {
      @Override
      public void memberAdded(MembershipEvent event) {
      }

      @Override
      public void memberRemoved(MembershipEvent event) {
        forgetMember(event.getMember().getUuid().toString());
      }
    });
    nodes.set(node.nodeId(), entry().encode(), ttlMs, TimeUnit.MILLISECONDS);
    return null;
  }

  private void forgetMember(String memberId) {
    peers.forEach((nodeId, json) -> {
      if (memberId.equals(json.getString("memberId"))) {
        LOG.info("node {} left the cluster", nodeId);
        peers.remove(nodeId);
        vertx.executeBlocking(() -> nodes.remove(nodeId), false);
        vertx.eventBus().publish(Addresses.EVENTS, Events.node(nodeId, "left", node.clock().millis()));
      }
    });
  }

  /**
   * Takes the monitor's totals. Anything else sent here (the address is one way, so there is no
   * one to tell) is ignored whole: the figures published stay the last well-formed ones.
   */
  private void acceptUsage(Object body) {
    if (!(body instanceof JsonObject json) || !(json.getValue("usage") instanceof JsonObject usage)
        || !(json.getValue("agents") instanceof Number count)) {
      return;
    }
    double[] next = new double[Resource.BUILT_IN_COUNT];
    for (Resource r : Resource.BUILT_IN) {
      Object v = usage.getValue(r.name());
      if (v != null && !(v instanceof Number)) {
        return;
      }
      next[r.index()] = v == null ? 0.0 : ((Number) v).doubleValue();
    }
    used = next;
    agents = count.intValue();
  }

  private void publish() {
    String json = entry().encode();
    vertx.executeBlocking(() -> {
      nodes.set(node.nodeId(), json, ttlMs, TimeUnit.MILLISECONDS);
      return null;
    }, false).onFailure(e -> LOG.warn("could not publish capacity: {}", e.toString()));
  }

  private JsonObject entry() {
    double[] now = used;
    return new JsonObject()
        .put("nodeId", node.nodeId())
        .put("memberId", node.hazelcast().getCluster().getLocalMember().getUuid().toString())
        .put("host", node.config().httpHost())
        .put("httpPort", httpPort)
        .put("startedAt", startedAt)
        .put("time", node.clock().millis())
        .put("agents", agents)
        .put("spec", spec.toJson())
        .put("used", vector(now))
        .put("spare", vector(spec.spare(now)));
  }

  private Future<JsonObject> listNodes() {
    JsonArray items = new JsonArray();
    peers.values().stream().sorted(Comparator.comparing(j -> j.getString("nodeId"))).forEach(items::add);
    return Future.succeededFuture(new JsonObject().put("items", items));
  }

  /** The peer with the most spare capacity for a resource that still fits the amount. */
  private Future<JsonObject> pickTarget(JsonObject request) {
    Resource resource = Resource.resolve(Json.string(request, "resource", ""), false);
    double amount = Json.number(request, "amount", "");
    String exclude = Json.optString(request, "exclude", "");
    List<JsonObject> fits = peers.values().stream()
        .filter(p -> !p.getString("nodeId").equals(exclude))
        .filter(p -> spare(p, resource) >= amount)
        .sorted(Comparator.comparingDouble((JsonObject p) -> spare(p, resource)).reversed())
        .toList();
    if (fits.isEmpty()) {
      throw new GovernorException(io.agentgovernor.bus.ErrorCode.NOT_FOUND,
          "no peer has " + amount + " " + resource.unit() + " of " + resource.name() + " to spare");
    }
    JsonObject best = fits.get(0);
    return Future.succeededFuture(new JsonObject().put("nodeId", best.getString("nodeId"))
        .put("spare", spare(best, resource)));
  }

  private static double spare(JsonObject peer, Resource resource) {
    return peer.getJsonObject("spare", new JsonObject()).getDouble(resource.name(), 0.0);
  }

  static JsonObject vector(double[] values) {
    JsonObject json = new JsonObject();
    for (Resource r : Resource.BUILT_IN) {
      json.put(r.name(), Json.num(r.index() < values.length ? values[r.index()] : 0.0));
    }
    return json;
  }
}
