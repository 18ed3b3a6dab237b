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
import io.agentgovernor.capacity.CapacityVerticle;
import io.agentgovernor.agent.RuntimeContext;
import io.agentgovernor.quota.CompiledQuota;
import io.agentgovernor.quota.Limit;
import io.agentgovernor.quota.Resource;
import io.agentgovernor.quota.Violation;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

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

  /** A violation event per agent and resource at most this often while it lasts (a change of kind is told at once). */
  private static final long VIOLATION_EVENT_SPACING_MS = 10_000;

  private final RuntimeContext node;
  private final LocalAgents agents;
  private final Sampler sampler = new Sampler();
  private final Map<String, AgentSample> latest = new HashMap<>();
  private final Map<String, UsageHistory> histories = new HashMap<>();
  private final Map<String, Object[]> lastViolationEvent = new HashMap<>();
  private AlertPolicy alerts;
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
    alerts = settings.alerts();
    AgentRouting routing = new AgentRouting(vertx, node.nodeId(), node.registry()::nodeOf);
    return Future.all(List.of(
            routing.register(Addresses.MONITOR_USAGE, "agentId", this::usage),
            routing.register(Addresses.MONITOR_MEASUREMENTS, "agentId", this::measurements),
            routing.register(Addresses.MONITOR_COMPLIANCE, "agentId", this::compliance)))
        .onSuccess(v -> {
          if (sampling) { // off only for the governor-tax baseline (load-tests/governor-tax.sh)
            vertx.setPeriodic(intervalMs, id -> sampleAll());
          }
        });
  }

  /** One interval: measure, check, remember, tell. */
  void sampleAll() {
    long now = node.clock().millis();
    long takenNanos = System.nanoTime();
    long[] elapsed = new long[1];
    Map<LocalAgent, double[]> usage = sampler.sample(agents.all(), takenNanos, elapsed);
    List<AgentSample> samples = new ArrayList<>(usage.size());
    double[] totals = new double[Resource.BUILT_IN_COUNT];
    usage.forEach((handle, u) -> {
      AgentSample sample = check(handle, u, sampler.custom(handle, now), now);
      samples.add(sample);
      for (int i = 0; i < totals.length; i++) {
        totals[i] += u[i];
      }
    });
    forgetGone();
    SampleBatch batch = new SampleBatch(node.nodeId(), now, takenNanos, intervalMs, samples);
    vertx.eventBus().publish(SAMPLES, batch, new io.vertx.core.eventbus.DeliveryOptions()
        .setCodecName(SampleBatch.LocalCodec.NAME).setLocalOnly(true));
    vertx.eventBus().send(CapacityVerticle.USAGE_ADDRESS, new JsonObject()
        .put("usage", usageJson(totals)).put("agents", samples.size()));
    if (publishMeasurements && !samples.isEmpty()) {
      JsonArray items = new JsonArray();
      samples.forEach(s -> items.add(new JsonObject().put("agentId", s.agentId()).put("usage", s.usageJson())));
      vertx.eventBus().publish(Addresses.EVENTS_MEASUREMENTS,
          new JsonObject().put("node", node.nodeId()).put("time", now).put("samples", items));
    }
  }

  private AgentSample check(LocalAgent handle, double[] usage, Map<String, Double> custom, long now) {
    CompiledQuota quota = node.quotaIndex().get(handle.id());
    List<Violation> violations = quota == null ? List.of() : quota.check(usage, custom);
    AgentSample sample = new AgentSample(handle.id(), handle.group(), quota == null ? 5 : quota.quota().priority(),
        now, usage, custom, violations);
    latest.put(handle.id(), sample);
    histories.computeIfAbsent(handle.id(), id -> new UsageHistory()).add(now, usage);
    if (quota != null) {
      raiseAlerts(handle.id(), quota, sample, now);
      violations.forEach(v -> tellViolation(handle.id(), v, now));
    }
    return sample;
  }

  private void raiseAlerts(String agentId, CompiledQuota quota, AgentSample sample, long now) {
    for (Map.Entry<String, Limit> e : quota.quota().limits().entrySet()) {
      Resource r = Resource.resolve(e.getKey(), e.getValue().custom());
      double current = sample.get(r);
      AlertPolicy.Level level = alerts.check(agentId, r.name(), current, e.getValue(), now);
      if (level != null) {
        publishEvent(Events.ALERT, agentId, now, new JsonObject().put("resource", r.name())
            .put("level", level.name().toLowerCase(java.util.Locale.ROOT)).put("current", Json.num(current))
            .put("limit", Json.num(e.getValue().hard())));
      }
    }
  }

  private void tellViolation(String agentId, Violation v, long now) {
    String key = agentId + '\u0000' + v.resource().name();
    Object[] last = lastViolationEvent.get(key);
    if (last != null && last[0] == v.kind() && now - (long) last[1] < VIOLATION_EVENT_SPACING_MS) {
      return;
    }
    lastViolationEvent.put(key, new Object[] {v.kind(), now});
    publishEvent(Events.VIOLATION, agentId, now, v.toJson());
  }

  private void forgetGone() {
    if (latest.size() > agents.size()) {
      latest.keySet().removeIf(id -> agents.get(id) == null);
      histories.keySet().removeIf(id -> agents.get(id) == null);
      lastViolationEvent.keySet().removeIf(k -> agents.get(k.substring(0, k.indexOf('\u0000'))) == null);
    }
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
    UsageHistory history = histories.get(agentId);
    if (agents.get(agentId) == null) {
      throw GovernorException.notFound("agent", agentId);
    }
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
      series.put(r.name(), history == null ? new JsonArray() : history.points(r, f, t));
    } else if (history != null) {
      series = history.toJson(f, t);
    }
    return Future.succeededFuture(new JsonObject().put("agentId", agentId).put("node", node.nodeId())
        .put("from", f).put("to", t).put("series", series));
  }

  private AgentSample latestOf(JsonObject request) {
    String agentId = Ids.require(Json.optString(request, "agentId", ""), "agentId");
    AgentSample sample = latest.get(agentId);
    if (sample == null) {
      throw agents.get(agentId) == null ? GovernorException.notFound("agent", agentId)
          : new GovernorException(ErrorCode.NOT_FOUND, "agent '" + agentId + "' has not been sampled yet");
    }
    return sample;
  }

  private static JsonObject usageJson(double[] totals) {
    JsonObject json = new JsonObject();
    for (Resource r : Resource.BUILT_IN) {
      json.put(r.name(), totals[r.index()]);
    }
    return json;
  }
}
