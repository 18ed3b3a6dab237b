package io.agentgovernor.enforcement.impl;

import io.agentgovernor.agent.Placement;
import io.agentgovernor.bus.Addresses;
import io.agentgovernor.bus.ErrorCode;
import io.agentgovernor.bus.GovernorException;
import io.agentgovernor.bus.Ids;
import io.agentgovernor.bus.Json;
import io.agentgovernor.enforcement.policy.Decision;
import io.agentgovernor.enforcement.policy.EscalationPolicy;
import io.agentgovernor.enforcement.policy.EscalationState;
import io.agentgovernor.enforcement.policy.Measurement;
import io.agentgovernor.enforcement.policy.ScaleDownRequest;
import io.agentgovernor.enforcement.policy.ThrottleController;
import io.agentgovernor.enforcement.policy.ThrottleStep;
import io.agentgovernor.monitor.AgentSample;
import io.agentgovernor.monitor.SampleBatch;
import io.agentgovernor.agent.RuntimeContext;
import io.agentgovernor.quota.ActionType;
import io.agentgovernor.quota.CompiledQuota;
import io.agentgovernor.quota.LadderStep;
import io.agentgovernor.quota.Limit;
import io.agentgovernor.quota.QuotaGroup;
import io.agentgovernor.quota.Resource;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Adapts the pure {@link EscalationPolicy} to this node's agents: feeds it every sample, runs
 * the throttle loops and scale-down deadlines, and hands each decision to the
 * {@link ActionApplier}, one at a time per agent, recording the real outcome. Runs on the
 * enforcement verticle's event loop only.
 */
public final class EnforcementEngine {

  private static final Logger LOG = LoggerFactory.getLogger(EnforcementEngine.class);
  /** A throttle factor moves when the loop asks for a change of more than this. */
  private static final double FACTOR_EPSILON = 0.02;

  private final Vertx vertx;
  private final RuntimeContext node;
  private final EnforcementConfig config;
  private final EscalationPolicy policy;
  private final ActionApplier applier;
  private final EnforcementHistory history;
  private final Map<String, AgentEnforcement> agents = new HashMap<>();
  private final LatencyRecorder latency = new LatencyRecorder(100_000);
  private final GroupTotals groupTotals;
  /** Per group and resource: the escalation of the group's total and the agents it acted on. */
  private final Map<String, GroupEscalation> groups = new HashMap<>();
  /**
   * Recorded events waiting to be published, in order. Publishing one on the clustered bus costs
   * its copy for each local consumer, a wake-up of each consumer's loop and the bus meters: 27–36
   * µs, on this loop that also takes the agents' replies; in a wave of 100 breaches those replies
   * waited behind the publishing (load-tests/results/breach-latency-history-pairs.md). A worker
   * publishes them instead, one drain at a time, so they keep their order.
   */
  private final Queue<JsonObject> outbox = new ConcurrentLinkedQueue<>();
  private final AtomicBoolean draining = new AtomicBoolean();

  public EnforcementEngine(Vertx vertx, RuntimeContext node, EnforcementConfig config) {
    this.vertx = vertx;
    this.node = node;
    this.config = config;
    this.policy = new EscalationPolicy(config.escalation());
    this.applier = new ActionApplier(vertx, config, new Migrator(vertx, node.nodeId()));
    this.history = new EnforcementHistory(vertx, node.hazelcast());
    this.groupTotals = new GroupTotals(node.hazelcast());
  }

  /** Blocking: starts mirroring every node's group usage. */
  public void start() {
    groupTotals.start();
  }

  /** Blocking. */
  public void stop() {
    groupTotals.stop();
  }

  /** Publishes the events still queued and writes the history events not yet written (before the node stops). */
  public Future<Void> flushHistory() {
    if (draining.compareAndSet(false, true)) {
      drainOutbox(); // else a worker is draining it now and finishes the queue
    }
    return history.flush();
  }

  /** Breach-to-action latencies of applied ladder actions (ns), for benchmarks. */
  public LatencyRecorder latency() {
    return latency;
  }

  // ---- samples ----

  public void onBatch(SampleBatch batch) {
    // columns: a row object only for the agents with a violation or an escalation under way
    for (int i = 0; i < batch.size(); i++) {
      String agentId = batch.agentId(i);
      AgentEnforcement ae = agents.isEmpty() ? null : agents.get(agentId);
      if (ae == null && batch.violations(i).isEmpty()) {
        continue;
      }
      CompiledQuota quota = node.quotaIndex().get(agentId);
      if (quota == null) {
        continue;
      }
      if (ae == null) {
        ae = new AgentEnforcement(agentId);
        agents.put(agentId, ae);
      }
      evaluate(ae, quota, batch.sample(i), batch);
    }
    agents.keySet().removeIf(id -> node.localAgents().get(id) == null);
    JsonObject sums = GroupTotals.localSums(batch);
    vertx.executeBlocking(() -> {
      groupTotals.publish(node.nodeId(), sums);
      return null;
    }, false).onComplete(ar -> evaluateGroups(batch));
  }

  // ---- group totals ----

  /** The escalation of one group's cluster-wide total for one resource. */
  private static final class GroupEscalation {
    final EscalationState state;
    final java.util.Set<String> affected = new java.util.HashSet<>();

    GroupEscalation(String group, Resource resource) {
      this.state = new EscalationState("group." + group, resource);
    }
  }

  /**
   * Over a group's total anywhere in the cluster, the group's ladder acts on its largest consumers
   * on each node, lowest priority first, enough of them to cover this node's share of the excess
   * (its share of the group's usage); the group's return under its total lifts what was applied.
   */
  private void evaluateGroups(SampleBatch batch) {
    for (QuotaGroup group : node.quotaIndex().groups()) {
      for (Map.Entry<String, Double> total : group.totalLimits().entrySet()) {
        Resource resource = Resource.builtIn(total.getKey());
        if (resource == null) {
          continue;
        }
        double cluster = groupTotals.clusterUsage(group.name(), resource.name());
        String key = group.name() + "/" + resource.name();
        GroupEscalation ge = groups.get(key);
        if (ge == null && cluster <= total.getValue()) {
          continue;
        }
        if (ge == null) {
          ge = new GroupEscalation(group.name(), resource);
          groups.put(key, ge);
        }
        Measurement m = Measurement.of(batch.time(), cluster, Limit.of(total.getValue(), total.getValue()))
            .withLadder(group.ladder()).withDryRun(group.dryRun());
        for (Decision d : policy.evaluate(ge.state, m)) {
          actOnGroup(ge, group, resource, d, cluster, total.getValue(), batch);
        }
      }
    }
  }

  private void actOnGroup(GroupEscalation ge, QuotaGroup group, Resource resource, Decision d, double cluster,
                          double total, SampleBatch batch) {
    String key = "group:" + resource.name();
    String reason = "group " + group.name() + " uses " + Math.round(cluster) + " of its total " + Math.round(total)
        + " " + resource.unit() + " of " + resource.name() + " cluster-wide; " + d.reason();
    if (d.kind() == Decision.Kind.LIFT) {
      for (String agentId : ge.affected) {
        AgentEnforcement ae = agents.computeIfAbsent(agentId, AgentEnforcement::new);
        submit(ae, new Action(ae.sequence.next(), agentId, key, Decision.Kind.LIFT, null, 0, total, d.action(), -1,
            reason, d.dryRun(), null, 0), null);
      }
      if (d.action() == ActionType.THROTTLE || ge.state.liftable().isEmpty()) {
        ge.affected.clear();
      }
      return;
    }
    if (d.kind() != Decision.Kind.APPLY) {
      return;
    }
    List<AgentSample> members = batch.samples().stream().filter(s -> s.group().equals(group.name()))
        .sorted(java.util.Comparator.comparingInt(AgentSample::priority)
            .thenComparing(java.util.Comparator.comparingDouble((AgentSample s) -> s.get(resource)).reversed()))
        .toList();
    double local = members.stream().mapToDouble(s -> s.get(resource)).sum();
    double localShare = cluster <= 0 ? 0 : (cluster - total) * local / cluster;
    double covered = 0;
    for (AgentSample s : members) {
      if (covered >= localShare && covered > 0) {
        break;
      }
      double used = s.get(resource);
      covered += used;
      double target = used * total / cluster;
      AgentEnforcement ae = agents.computeIfAbsent(s.agentId(), AgentEnforcement::new);
      ge.affected.add(s.agentId());
      submit(ae, new Action(ae.sequence.next(), s.agentId(), key, Decision.Kind.APPLY, "group", used, target,
          d.action(), d.stepIndex(), reason, d.dryRun(), stepParams(ge.state, d), batch.takenNanos()),
          Limit.of(target, target));
    }
  }

  private void evaluate(AgentEnforcement ae, CompiledQuota quota, AgentSample sample, SampleBatch batch) {
    QuotaGroup group = node.quotaIndex().group(quota.quota().group());
    boolean dryRun = quota.quota().dryRun() || (group != null && group.dryRun());
    List<LadderStep> groupLadder = group == null ? List.of() : group.ladder();
    for (Map.Entry<String, Limit> e : quota.quota().limits().entrySet()) {
      Limit limit = e.getValue();
      Resource resource = Resource.resolve(e.getKey(), limit.custom());
      double current = sample.get(resource);
      if (!ae.states.containsKey(resource.name()) && current <= limit.soft()) {
        continue;
      }
      EscalationState state = ae.state(resource);
      Measurement m = Measurement.of(batch.time(), current, limit).withDryRun(dryRun)
          .withLadder(limit.ladder().isEmpty() ? groupLadder : limit.ladder());
      for (Decision d : policy.evaluate(state, m)) {
        submit(ae, Action.of(d, stepParams(state, d), batch.takenNanos()), limit);
      }
      followThrottle(ae, resource, current, limit);
      followScaleDown(ae, state, resource, m, batch);
    }
    double factor = ae.throttleFactor();
    if (!ae.throttles.isEmpty() && Math.abs(factor - ae.appliedFactor) > FACTOR_EPSILON) {
      ae.appliedFactor = factor;
      applier.throttle(ae.agentId, factor).onFailure(err -> LOG.debug("throttle of {} not adjusted: {}", ae.agentId, err.getMessage()));
    }
  }

  private static JsonObject stepParams(EscalationState state, Decision d) {
    if (d.stepIndex() < 0 || d.stepIndex() >= state.ladder().size()) {
      return null;
    }
    return state.ladder().get(d.stepIndex()).params();
  }

  /**
   * One interval of a throttle loop. The loop, not the escalation's hysteresis, decides when a
   * throttle ends: usage held down by the throttle says nothing of the agent's demand, so only a
   * loop that has opened fully and seen usage stay low lifts it.
   */
  private void followThrottle(AgentEnforcement ae, Resource resource, double current, Limit limit) {
    ThrottleController loop = ae.throttles.get(resource.name());
    if (loop == null || ae.freshThrottles.remove(resource.name())) {
      return;
    }
    loop.update(current, limit.hard());
    if (loop.state() == ThrottleStep.State.LIFTED) {
      ae.throttles.remove(resource.name());
      ae.appliedFactor = ae.throttleFactor();
      Action lift = new Action(ae.sequence.next(), ae.agentId, resource.name(), Decision.Kind.LIFT, null, current,
          limit.hard(), ActionType.THROTTLE, -1, "throttle loop opened fully; usage stayed under the limit", false,
          null, 0);
      submitLift(ae, lift);
    }
  }

  private void submitLift(AgentEnforcement ae, Action lift) {
    ae.tail = ae.tail.transform(x -> outcome(lift, applier.throttle(ae.agentId, ae.throttleFactor()), System.nanoTime())
        .transform(y -> Future.succeededFuture()));
  }

  private void followScaleDown(AgentEnforcement ae, EscalationState state, Resource resource, Measurement m,
                               SampleBatch batch) {
    ScaleDownRequest request = ae.scaleDowns.get(resource.name());
    if (request == null) {
      return;
    }
    ScaleDownRequest.Outcome outcome = request.evaluate(m.nowMs(), m.current());
    if (outcome == ScaleDownRequest.Outcome.PENDING) {
      return;
    }
    ae.scaleDowns.remove(resource.name());
    if (outcome == ScaleDownRequest.Outcome.MISSED) {
      List<Decision> next = policy.escalateNext(state, m, "scale-down target " + request.target() + " missed");
      if (next.isEmpty()) {
        record(new Action(ae.sequence.next(), ae.agentId, resource.name(), Decision.Kind.APPLY, null, m.current(),
            m.limit().hard(), ActionType.SCALE_DOWN, -1, "scale-down target missed; no further step", false, null, 0),
            "failure", "target " + request.target() + " not met by the deadline", System.nanoTime());
      }
      next.forEach(d -> submit(ae, Action.of(d, stepParams(state, d), batch.takenNanos()), m.limit()));
    }
  }

  // ---- carrying out ----

  private Future<JsonObject> submit(AgentEnforcement ae, Action action, Limit limit) {
    io.vertx.core.Promise<JsonObject> done = io.vertx.core.Promise.promise();
    ae.tail = ae.tail.transform(x -> execute(ae, action, limit).onComplete(done).transform(y -> Future.succeededFuture()));
    return done.future();
  }

  private Future<JsonObject> execute(AgentEnforcement ae, Action a, Limit limit) {
    long started = System.nanoTime();
    if (a.sequence() < ae.lastApplied) {
      return Future.succeededFuture(record(a, "cancelled", "superseded by decision " + ae.lastApplied, started));
    }
    ae.lastApplied = a.sequence();
    switch (a.kind()) {
      case TOLERATE:
        return Future.succeededFuture(record(a, "success", null, started));
      case CANCEL:
        return Future.succeededFuture(record(a, "cancelled", null, started));
      default:
        break;
    }
    if (a.dryRun()) {
      return Future.succeededFuture(record(a, "dry-run", null, started));
    }
    if (a.kind() == Decision.Kind.LIFT) {
      if (a.action() == ActionType.THROTTLE && ae.throttles.containsKey(a.resource())) {
        return Future.succeededFuture(record(a, "cancelled",
            "the throttle loop keeps the throttle until the agent's demand fits under the limit", started));
      } else if (a.action() == ActionType.SUSPEND) {
        ae.suspendedBy.remove(a.resource());
      }
      return outcome(a, applier.lift(a, ae), started);
    }
    prepare(ae, a, limit);
    Future<JsonObject> applied = outcome(a, applier.apply(a, ae), started);
    return applied.compose(event -> afterApply(ae, a, limit, event));
  }

  /** State the applier reads: the throttle loop's first factor, who holds the agent suspended. */
  private void prepare(AgentEnforcement ae, Action a, Limit limit) {
    if (a.action() == ActionType.THROTTLE && a.resource() != null && limit != null
        && !ae.throttles.containsKey(a.resource())) {
      ae.throttles.put(a.resource(), ThrottleController.start(config.throttle(), a.current(), limit.hard()));
      ae.freshThrottles.add(a.resource());
      ae.appliedFactor = ae.throttleFactor();
    } else if (a.action() == ActionType.SUSPEND) {
      if (a.step() < 0 && a.breachNanos() == 0) {
        ae.suspendedByOperator = true;
      } else {
        ae.suspendedBy.add(a.resource());
      }
    } else if (a.action() == ActionType.RESUME) {
      ae.suspendedByOperator = false;
      ae.suspendedBy.clear();
    }
  }

  private Future<JsonObject> afterApply(AgentEnforcement ae, Action a, Limit limit, JsonObject event) {
    boolean ok = "success".equals(event.getString("outcome"));
    boolean declined = "failure".equals(event.getString("outcome")) && event.getString("errorCode") == null;
    if ((ok || declined) && a.action() == ActionType.SCALE_DOWN && limit != null && !a.resource().startsWith("group:")) {
      // An agent that declines still gets its deadline: if usage is not down by then, the ladder goes on.
      ae.scaleDowns.put(a.resource(), ScaleDownRequest.of(ae.agentId, Resource.resolve(a.resource(), limit.custom()),
          limit.hard(), node.clock().millis(), applier.scaleDownWithin(a)));
    }
    if (ok && (a.action() == ActionType.TERMINATE || a.action() == ActionType.MIGRATE)) {
      agents.remove(ae.agentId);
    }
    if (!ok && a.action() == ActionType.MIGRATE && ErrorCode.NOT_FOUND.wireName().equals(event.getString("errorCode"))) {
      Action fallback = new Action(ae.sequence.next(), a.agentId(), a.resource(), Decision.Kind.APPLY, a.violation(),
          a.current(), a.limit(), ActionType.SUSPEND, a.step(), "migration impossible: no peer fits", false, null,
          a.breachNanos());
      ae.suspendedBy.add(a.resource() == null ? "migrate" : a.resource());
      return execute(ae, fallback, limit).map(v -> event);
    }
    return Future.succeededFuture(event);
  }

  private Future<JsonObject> outcome(Action a, Future<JsonObject> applied, long started) {
    return applied.transform(ar -> {
      if (ar.succeeded()) {
        String agentOutcome = ar.result() == null ? null : ar.result().getString("outcome");
        if (a.breachNanos() > 0) {
          latency.record(System.nanoTime() - a.breachNanos());
        }
        JsonObject extra = new JsonObject().put("detail", ar.result());
        return Future.succeededFuture("unsupported".equals(agentOutcome)
            ? record(a, "failure", "the agent does not support " + a.action().wireName(), started, extra)
            : record(a, "success", null, started, extra));
      }
      JsonObject extra = new JsonObject();
      if (ar.cause() instanceof GovernorException g) {
        extra.put("errorCode", g.code().wireName());
      } else if (ar.cause() instanceof ReplyException r && ErrorCode.ofFailureCode(r.failureCode()) != null) {
        extra.put("errorCode", ErrorCode.ofFailureCode(r.failureCode()).wireName());
      }
      return Future.succeededFuture(record(a, "failure", ar.cause().getMessage(), started, extra));
    });
  }

  private JsonObject record(Action a, String outcome, String error, long started) {
    return record(a, outcome, error, started, null);
  }

  /** Publishes and stores the event of an action, complete: it is not changed afterwards. */
  private JsonObject record(Action a, String outcome, String error, long started, JsonObject extra) {
    double durationMs = (System.nanoTime() - (a.breachNanos() > 0 ? a.breachNanos() : started)) / 1e6;
    JsonObject event = a.event(outcome, error, node.clock().millis(), node.nodeId(), durationMs);
    if (extra != null) {
      event.mergeIn(extra);
    }
    history.append(a.agentId(), event.encode());
    JsonObject returned = event.copy();
    publish(event);
    return returned;
  }

  /** Publishes an event from a worker, after every event recorded before it. */
  private void publish(JsonObject event) {
    outbox.add(event);
    if (draining.compareAndSet(false, true)) {
      vertx.executeBlocking(() -> {
        drainOutbox();
        return null;
      }, false);
    }
  }

  private void drainOutbox() {
    do {
      for (JsonObject e = outbox.poll(); e != null; e = outbox.poll()) {
        vertx.eventBus().publish(Addresses.EVENTS, e);
      }
      draining.set(false);
    } while (!outbox.isEmpty() && draining.compareAndSet(false, true));
  }

  // ---- operators ----

  public Future<JsonObject> operatorAction(JsonObject request) {
    String agentId = Ids.require(Json.optString(request, "agentId", ""), "agentId");
    ActionType type = ActionType.parse(Json.optString(request, "action", ""));
    JsonObject params = Json.optObject(request, "params", "");
    String reason = Json.optString(request, "reason", "");
    if (node.localAgents().get(agentId) == null) {
      throw GovernorException.notFound("agent", agentId);
    }
    if (type == ActionType.THROTTLE) {
      double factor = params == null ? 0.5 : Json.number(params, "factor", "params");
      if (!(factor > 0 && factor <= 1)) {
        throw GovernorException.invalid("params.factor must be in (0, 1]");
      }
    }
    if (type == ActionType.CUSTOM && (params == null || !(params.getValue("handler") instanceof String))) {
      throw GovernorException.invalid("a custom action needs params.handler");
    }
    AgentEnforcement ae = agents.computeIfAbsent(agentId, AgentEnforcement::new);
    String resource = params == null ? null : params.getString("resource");
    Action action = new Action(ae.sequence.next(), agentId, resource, Decision.Kind.APPLY, null, 0, 0, type, -1,
        reason == null ? "operator" : "operator: " + reason, false, params, 0);
    if (type == ActionType.THROTTLE) {
      return submitManualThrottle(ae, action, params == null ? 0.5 : params.getDouble("factor"));
    }
    return submit(ae, action, null);
  }

  private Future<JsonObject> submitManualThrottle(AgentEnforcement ae, Action action, double factor) {
    io.vertx.core.Promise<JsonObject> done = io.vertx.core.Promise.promise();
    ae.tail = ae.tail.transform(x -> outcome(action, applier.throttle(ae.agentId, factor), System.nanoTime())
        .onComplete(done).transform(y -> Future.succeededFuture()));
    return done.future();
  }

  /**
   * Records an enforcement carried out outside the ladder, by the kernel on a process agent's
   * cgroup: stored and published as any other, with its {@code cause} and {@code enforcedBy}.
   */
  public Future<JsonObject> recordOutside(JsonObject request) {
    String agentId = Ids.require(Json.optString(request, "agentId", ""), "agentId");
    ActionType type = ActionType.parse(Json.optString(request, "action", ""));
    if (node.localAgents().get(agentId) == null) {
      throw GovernorException.notFound("agent", agentId);
    }
    String resource = Json.optString(request, "resource", "");
    Double current = Json.optNumber(request, "current", "");
    Double limit = Json.optNumber(request, "limit", "");
    JsonObject detail = Json.optObject(request, "detail", "");
    AgentEnforcement ae = agents.computeIfAbsent(agentId, AgentEnforcement::new);
    Action action = new Action(ae.sequence.next(), agentId, resource, Decision.Kind.APPLY,
        Json.optString(request, "violation", ""), current == null ? 0 : current, limit == null ? 0 : limit, type, -1,
        String.valueOf(Json.optString(request, "reason", "")), false, null, 0);
    JsonObject extra = new JsonObject().put("cause", Json.optString(request, "cause", ""))
        .put("enforcedBy", Json.optString(request, "enforcedBy", ""));
    if (detail != null) {
      extra.put("detail", detail);
    }
    return Future.succeededFuture(record(action, "success", null, System.nanoTime(), extra));
  }

  public Future<JsonObject> history(JsonObject request) {
    String agentId = Ids.require(Json.optString(request, "agentId", ""), "agentId");
    Long offsetArg = Json.optLong(request, "offset", "", 0, Integer.MAX_VALUE);
    Long limitArg = Json.optLong(request, "limit", "", 1, EnforcementHistory.PER_AGENT);
    int offset = offsetArg == null ? 0 : offsetArg.intValue();
    int limit = limitArg == null ? 50 : limitArg.intValue();
    return history.flush().transform(flushed -> vertx.executeBlocking(() -> history.events(agentId), false)).map(events -> {
      JsonObject entry = node.registry().entry(agentId);
      if (entry == null && events.isEmpty()) {
        throw GovernorException.notFound("agent", agentId);
      }
      JsonArray page = new JsonArray();
      events.stream().skip(offset).limit(limit).forEach(page::add);
      return new JsonObject().put("agentId", agentId)
          .put("state", entry == null ? "terminated" : entry.getString("state"))
          .put("throttleFactor", entry == null ? null : entry.getValue("throttleFactor"))
          .put("items", page).put("total", events.size()).put("offset", offset).put("limit", limit);
    });
  }

  public Future<JsonObject> list(JsonObject request) {
    String state = Json.string(request, "state", "");
    if (!state.equals("throttled") && !state.equals("suspended")) {
      throw GovernorException.invalid("state must be throttled or suspended");
    }
    JsonArray items = new JsonArray();
    node.registry().placements().stream().filter(p -> state.equals(p.state()))
        .sorted(java.util.Comparator.comparing(Placement::id))
        .forEach(p -> items.add(new JsonObject().put("agentId", p.id()).put("node", p.node())
            .put("since", p.since() >= 0 ? p.since() : null).put("throttleFactor", p.throttleFactor())));
    return Future.succeededFuture(new JsonObject().put("state", state).put("items", items));
  }
}
