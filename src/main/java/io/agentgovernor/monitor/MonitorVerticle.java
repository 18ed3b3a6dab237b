package io.agentgovernor.monitor;

import io.agentgovernor.bus.Events;
import io.agentgovernor.agent.LocalAgents;
import io.agentgovernor.agent.LocalAgent;
import io.agentgovernor.bus.Addresses;
import io.agentgovernor.bus.AgentRouting;
import io.agentgovernor.bus.ErrorCode;
import io.agentgovernor.bus.GovernorException;
import io.agentgovernor.bus.Ids;
import io.agentgovernor.bus.Json;
import io.agentgovernor.agent.RuntimeContext;
import io.agentgovernor.quota.Resource;
import io.agentgovernor.quota.Violation;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The monitor: one sampler over all of this node's agents, every {@code monitor.intervalMs}
 * (default 1 s, down to 100 ms). Each sample goes straight to the local compliance check (the
 * node's {@link io.agentgovernor.quota.QuotaIndex}), into the agent's bounded history, through the
 * alert thresholds, and out as events: a {@link SampleBatch} on the node-local {@link #SAMPLES}
 * for the parts that act on it, and measurement, alert and violation events cluster-wide.
 *
 * <p>Runs as a worker verticle: memory walks may take milliseconds and must not hold an event loop.
 */
public final class MonitorVerticle extends VerticleBase {

  /** Node-local: one {@link SampleBatch} per interval. */
  public static final String SAMPLES = "governor.monitor.samples";

  private final RuntimeContext node;
  private final LocalAgents agents;
  private final Sampler sampler = new Sampler();
  private SampleStore store;
  private SamplePass pass;
  /** The last interval's batch: what the usage and compliance queries answer from. */
  private SampleBatch latest;
  private final MeasurementInterest interest = new MeasurementInterest();
  private long intervalMs;
  private boolean publishMeasurements;

  public MonitorVerticle(RuntimeContext node) {
    this.node = node;
    this.agents = node.localAgents();
  }

  /** The {@code monitor} section, checked. */
  private record Settings(long intervalMs, boolean publishMeasurements, boolean sampling, AlertPolicy alerts) {
    static Settings fromJson(JsonObject config) {
      Long interval = Json.optLong(config, "intervalMs", "monitor", 100, 60_000);
      return new Settings(interval == null ? 1000 : interval,
          !Boolean.FALSE.equals(Json.optBoolean(config, "publishMeasurements", "monitor")),
          !Boolean.FALSE.equals(Json.optBoolean(config, "enabled", "monitor")),
          AlertPolicy.fromJson(Json.optObject(config, "alerts", "monitor")));
    }
  }

  /** Checks the {@code monitor} section; throws naming the fault. */
  public static void validate(JsonObject monitor) {
    Settings.fromJson(monitor);
  }

  @Override
  public Future<?> start() {
    Settings settings = Settings.fromJson(config());
    intervalMs = settings.intervalMs();
    publishMeasurements = settings.publishMeasurements();
    boolean sampling = settings.sampling();
    AlertPolicy alerts = settings.alerts();
    store = new SampleStore(agents, node.quotaIndex(), alerts);
    pass = new SamplePass(store, alerts, new SamplePass.Sink() {
      @Override
      public void alert(String agentId, String resource, AlertPolicy.Level level, double current, double limit, long now) {
        publishEvent(Events.ALERT, agentId, now, new JsonObject().put("resource", resource)
            .put("level", level.name().toLowerCase(java.util.Locale.ROOT)).put("current", Json.num(current))
            .put("limit", Json.num(limit)));
      }

      @Override
      public void violation(String agentId, Violation violation, long now) {
        publishEvent(Events.VIOLATION, agentId, now, violation.toJson());
      }
    });
    AgentRouting routing = new AgentRouting(vertx, node.nodeId(), node.registry()::nodeOf);
    return Future.all(List.of(
            routing.register(Addresses.MONITOR_USAGE, "agentId", this::usage),
            routing.register(Addresses.MONITOR_MEASUREMENTS, "agentId", this::measurements),
            routing.register(Addresses.MONITOR_COMPLIANCE, "agentId", this::compliance),
            vertx.eventBus().consumer(Addresses.FEED_INTEREST,
                m -> interest.onAnnouncement(m.body(), node.clock().millis())).completion()))
        .onSuccess(v -> {
          vertx.eventBus().publish(Addresses.FEED_INTEREST, new JsonObject().put("ask", true));
          if (sampling) { // off only for the governor-tax baseline (load-tests/governor-tax.sh)
            vertx.setPeriodic(intervalMs, id -> sampleAll());
          }
        });
  }

  @Override
  public Future<?> stop() {
    if (store != null) {
      store.close();
    }
    return Future.succeededFuture();
  }

  /** One interval: measure into fresh columns, then check, alert, remember and batch in one pass, then tell. */
  void sampleAll() {
    long now = node.clock().millis();
    long takenNanos = System.nanoTime();
    store.refresh();
    int n = store.count;
    double[][] usage = new double[Resource.BUILT_IN_COUNT][n];
    Map<String, Double>[] custom = sampler.sample(store, usage, takenNanos, now);
    SampleBatch batch = pass.run(node.nodeId(), now, takenNanos, intervalMs, usage, custom);
    latest = batch;
    vertx.eventBus().publish(SAMPLES, batch, new io.vertx.core.eventbus.DeliveryOptions()
        .setCodecName(SampleBatch.LocalCodec.NAME).setLocalOnly(true));
    vertx.eventBus().send(Addresses.CAPACITY_USAGE, new JsonObject()
        .put("usage", usageJson(pass.totals())).put("agents", n));
    if (publishMeasurements && n > 0) {
      publishMeasurements(batch, now);
    }
  }

  /** The measurement batch, with JSON built only for the agents some feed wants (none: this node's metrics only). */
  private void publishMeasurements(SampleBatch batch, long now) {
    Set<String> wanted = interest.wanted(now);
    JsonArray items = new JsonArray();
    if (wanted == MeasurementInterest.ALL) {
      for (int i = 0; i < batch.size(); i++) {
        items.add(new JsonObject().put("agentId", batch.agentId(i)).put("usage", batch.usageJson(i)));
      }
    } else {
      for (String agentId : wanted) {
        int i = store.slotOf(agentId);
        if (i >= 0 && i < batch.size() && agentId.equals(batch.agentId(i))) {
          items.add(new JsonObject().put("agentId", agentId).put("usage", batch.usageJson(i)));
        }
      }
    }
    JsonObject message = new JsonObject().put("node", node.nodeId()).put("time", now).put("count", batch.size())
        .put("samples", items);
    vertx.eventBus().publish(Addresses.EVENTS_MEASUREMENTS, message,
        new io.vertx.core.eventbus.DeliveryOptions().setLocalOnly(wanted.isEmpty()));
  }

  private void publishEvent(String type, String agentId, long now, JsonObject fields) {
    vertx.eventBus().publish(Addresses.EVENTS, Events.of(type, agentId, node.nodeId(), now).mergeIn(fields));
  }

  // ---- queries ----

  private Future<JsonObject> usage(JsonObject request) {
    AgentSample sample = latestOf(request);
    return Future.succeededFuture(sample.toJson(node.nodeId()));
  }

  private Future<JsonObject> compliance(JsonObject request) {
    AgentSample sample = latestOf(request);
    JsonArray violations = new JsonArray();
    sample.violations().forEach(v -> violations.add(v.toJson()));
    // any violation, soft included, is non-compliance (the seed's check_quota_compliance)
    boolean compliant = sample.violations().isEmpty();
    return Future.succeededFuture(new JsonObject().put("agentId", sample.agentId()).put("time", sample.time())
        .put("compliant", compliant).put("usage", sample.usageJson()).put("violations", violations));
  }

  private Future<JsonObject> measurements(JsonObject request) {
    String agentId = Ids.require(Json.optString(request, "agentId", ""), "agentId");
    if (agents.get(agentId) == null) {
      throw GovernorException.notFound("agent", agentId);
    }
    int slot = store.slotOf(agentId);
    long now = node.clock().millis();
    Long from = Json.optLong(request, "from", "", 0, Long.MAX_VALUE);
    Long to = Json.optLong(request, "to", "", 0, Long.MAX_VALUE);
    long f = from == null ? now - 120_000 : from;
    long t = to == null ? now : to;
    if (f > t) {
      throw new GovernorException(ErrorCode.INVALID_RANGE, "from (" + f + ") is after to (" + t + ")");
    }
    String resource = Json.optString(request, "resource", "");
    JsonObject series = new JsonObject();
    if (resource != null) {
      Resource r = Resource.resolve(resource, false);
      series.put(r.name(), slot < 0 ? new JsonArray() : store.history.points(slot, r, f, t));
    } else if (slot >= 0) {
      series = store.history.toJson(slot, f, t);
    }
    return Future.succeededFuture(new JsonObject().put("agentId", agentId).put("node", node.nodeId())
        .put("from", f).put("to", t).put("series", series));
  }

  private AgentSample latestOf(JsonObject request) {
    String agentId = Ids.require(Json.optString(request, "agentId", ""), "agentId");
    AgentSample sample = latestSample(agentId);
    if (sample == null) {
      throw agents.get(agentId) == null ? GovernorException.notFound("agent", agentId)
          : new GovernorException(ErrorCode.NOT_FOUND, "agent '" + agentId + "' has not been sampled yet");
    }
    return sample;
  }

  /** The agent's row in the last batch, or null (not sampled yet). */
  private AgentSample latestSample(String agentId) {
    SampleBatch batch = latest;
    if (batch == null) {
      return null;
    }
    // the store's slots change only right before a pass, so they are the last batch's
    int slot = store.slotOf(agentId);
    return slot >= 0 && slot < batch.size() && agentId.equals(batch.agentId(slot)) ? batch.sample(slot) : null;
  }

  private static JsonObject usageJson(double[] totals) {
    JsonObject json = new JsonObject();
    for (Resource r : Resource.BUILT_IN) {
      json.put(r.name(), totals[r.index()]);
    }
    return json;
  }
}
