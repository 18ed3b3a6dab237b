package io.agentgovernor.budget.impl;

import com.hazelcast.cluster.Member;
import com.hazelcast.cluster.MembershipEvent;
import com.hazelcast.cluster.MembershipListener;
import com.hazelcast.map.IMap;
import io.agentgovernor.budget.Budget;
import io.agentgovernor.budget.BudgetConfig;
import io.agentgovernor.budget.Denial;
import io.agentgovernor.budget.Tenant;
import io.agentgovernor.bus.Addresses;
import io.agentgovernor.bus.LocalFirst;
import io.agentgovernor.bus.DegradationStrategy;
import io.agentgovernor.bus.ErrorCode;
import io.agentgovernor.bus.GovernorException;
import io.agentgovernor.bus.Handlers;
import io.agentgovernor.bus.Ids;
import io.agentgovernor.bus.Json;
import io.agentgovernor.cluster.ClusterMembers;
import io.agentgovernor.cluster.DaemonThreads;
import io.agentgovernor.cluster.VersionedWrites;
import io.agentgovernor.quota.CompiledQuota;
import io.agentgovernor.quota.QuotaContext;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The budget part: the event-bus API of {@link Addresses} {@code BUDGET_*} over this node's
 * {@link BudgetLedger} and the cluster's {@link BudgetStore}; the ledger's reports on a timer; slices
 * of nodes that leave the cluster charged in full (by the oldest member); feed events at 80 % and
 * 100 %; Prometheus figures per budget. Its deployment config is the {@code budgets} section
 * ({@link BudgetConfig}).
 */
public final class BudgetVerticle extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(BudgetVerticle.class);
  private static final long SWEEP_MS = 1_000;
  /** How often the oldest member charges slices held by nodes no longer in the cluster. */
  private static final long ABSENT_SWEEP_MS = 5_000;
  private static final long DEGRADE_EVERY_MS = 60_000;
  private static final long SEED_RETRY_MS = 5_000;

  private final QuotaContext node;
  private BudgetConfig config;
  private BudgetStore store;
  private TenantStore tenants;
  private BudgetIndex index;
  private BurnHistory history;
  private BudgetLedger ledger;
  private BudgetMetrics metrics;
  private ExecutorService refills;
  /** Reports run apart from refills: a refill waiting for room must never hold up the reports that free it. */
  private ExecutorService reports;
  private UUID membership;
  private final AtomicBoolean ticking = new AtomicBoolean();
  private final Map<String, Long> degradedAt = new ConcurrentHashMap<>();

  public BudgetVerticle(QuotaContext node) {
    this.node = node;
  }

  @Override
  public Future<?> start() {
    config = BudgetConfig.fromJson(config());
    index = new BudgetIndex();
    history = new BurnHistory(config.historyPoints());
    tenants = new TenantStore(node.hazelcast(), index);
    IMap<String, String> map = node.hazelcast().getMap(BudgetStore.MAP);
    store = new BudgetStore(map, index, node.clock());
    refills = Executors.newFixedThreadPool(4, DaemonThreads.named("governor-budget-" + node.nodeId()));
    reports = Executors.newSingleThreadExecutor(DaemonThreads.named("governor-budget-reports-" + node.nodeId()));
    ledger = new BudgetLedger(node.nodeId(), map, index, node.clock(), refills, config, new Events());
    return vertx.executeBlocking(() -> {
      tenants.startMirror();
      store.startIndex();
      seedBudgets();
      return seedTenants();
    }).compose(seeded -> {
      if (!seeded) {
        vertx.setTimer(SEED_RETRY_MS, t -> retrySeedTenants());
      }
      return registerConsumers();
    }).onSuccess(v -> {
      startTimers();
      watchMembership();
      metrics = new BudgetMetrics(node.nodeId(), ledger, index);
    });
  }

  @Override
  public Future<?> stop() {
    return vertx.executeBlocking(() -> {
      if (membership != null) {
        node.hazelcast().getCluster().removeMembershipListener(membership);
      }
      try {
        ledger.returnAll();
      } catch (RuntimeException e) {
        LOG.debug("budgets: giving back slices at stop failed; their leases run out instead", e);
      }
      store.stopIndex();
      tenants.stopMirror();
      if (metrics != null) {
        metrics.close();
      }
      refills.shutdownNow();
      reports.shutdownNow();
      return null;
    });
  }

  /**
   * Seeds the configured tenants (see {@link TenantStore} for configuration against run-time
   * changes), each applied here at once when stored; false if the map refused the writes (a
   * minority side), then retried every {@value #SEED_RETRY_MS} ms. Blocking.
   */
  private boolean seedTenants() {
    try {
      config.tenants().forEach((name, groups) -> {
        Tenant tenant = new Tenant(name, groups);
        VersionedWrites.Seeded done = tenants.seed(tenant);
        if (done != VersionedWrites.Seeded.KEPT) {
          index.applyTenant(tenant);
        }
        if (done == VersionedWrites.Seeded.REPLACED) {
          LOG.info("tenant {}: its definition in the configuration changed; it replaces the stored one", name);
        }
      });
      return true;
    } catch (RuntimeException e) {
      LOG.info("tenants not seeded yet ({}); retrying in {} ms", e.toString(), SEED_RETRY_MS);
      return false;
    }
  }

  private void retrySeedTenants() {
    vertx.executeBlocking(this::seedTenants, false).onSuccess(done -> {
      if (!done) {
        vertx.setTimer(SEED_RETRY_MS, t -> retrySeedTenants());
      }
    });
  }

  private void seedBudgets() {
    for (Budget b : config.budgets()) {
      try {
        store.create(b);
      } catch (GovernorException e) {
        LOG.debug("budget {} from the configuration exists; kept as stored", b.id());
      } catch (RuntimeException e) {
        LOG.warn("budget {} from the configuration not created now ({}); create it over the API", b.id(), e.toString());
      }
    }
  }

  private Future<?> registerConsumers() {
    return Future.all(List.of(
        consumeHere(Addresses.BUDGET_CREATE, r -> blocking(() -> store.create(Budget.fromJson(r)))),
        consumeHere(Addresses.BUDGET_PUT, r -> blocking(() -> store.put(Budget.fromJson(r)))),
        consumeHere(Addresses.BUDGET_GET, r -> blocking(() -> store.view(id(r)))),
        consumeHere(Addresses.BUDGET_HISTORY, this::history),
        consumeHere(Addresses.BUDGET_LIST, r -> blocking(() -> new JsonObject().put("items", new JsonArray(store.list())))),
        consumeHere(Addresses.BUDGET_DELETE, this::delete),
        consumeHere(Addresses.TENANT_LIST, r -> blocking(() -> new JsonObject().put("items",
            new JsonArray(tenants.list().stream().map(Tenant::toJson).toList())))),
        consumeHere(Addresses.TENANT_GET, r -> blocking(() -> tenants.get(name(r)).toJson())),
        consumeHere(Addresses.TENANT_PUT, this::putTenant),
        consumeHere(Addresses.TENANT_DELETE, this::deleteTenant),
        consumeHere(Addresses.BUDGET_RESERVE, this::reserve),
        consume(Addresses.onNode(Addresses.BUDGET_RESERVE, node.nodeId()), this::reserve),
        consumeHere(Addresses.BUDGET_SETTLE, this::settle),
        consume(Addresses.onNode(Addresses.BUDGET_SETTLE, node.nodeId()), this::settleHere),
        consume(Addresses.BUDGET_WANTED, this::wanted)));
  }

  private Future<Void> consume(String address, Function<JsonObject, Future<?>> handler) {
    return vertx.eventBus().consumer(address, Handlers.json(handler)).completion();
  }

  /**
   * Node-local: a request on this node is served by this node (a reservation from its own slices),
   * never sent round-robin to a peer (that costs a bus round trip each way, and a peer that dies
   * leaves the request unanswered until its timeout). Every node can serve every request.
   */
  private Future<Void> consumeHere(String address, Function<JsonObject, Future<?>> handler) {
    return vertx.eventBus().localConsumer(address, Handlers.json(handler)).completion();
  }

  private <T> Future<T> blocking(java.util.concurrent.Callable<T> work) {
    return vertx.executeBlocking(work, false);
  }

  private static String id(JsonObject request) {
    return Ids.require(Json.optString(request, "id", "request"), "id");
  }

  private static String name(JsonObject request) {
    return Ids.require(Json.optString(request, "name", "request"), "name");
  }

  /** Stored, then applied to this node's index at once (the others apply it from the map's event). */
  private Future<JsonObject> putTenant(JsonObject request) {
    Tenant tenant = Tenant.fromJson(request);
    return blocking(() -> {
      tenants.put(tenant, node.lease().writeDeadline());
      index.applyTenant(tenant);
      return tenant.toJson();
    });
  }

  private Future<JsonObject> deleteTenant(JsonObject request) {
    String name = name(request);
    if (config.tenants().containsKey(name)) {
      throw new GovernorException(ErrorCode.INVALID_STATE, "tenant '" + name
          + "' is defined in budgets.tenants and would come back at the next start: change it there, or empty its groups with a PUT");
    }
    return blocking(() -> {
      tenants.delete(name, node.lease().writeDeadline());
      index.removeTenant(name);
      return new JsonObject().put("name", name).put("deleted", true);
    });
  }

  private Future<JsonObject> history(JsonObject request) {
    String id = id(request);
    if (index.get(id) == null) {
      throw GovernorException.notFound("budget", id);
    }
    return Future.succeededFuture(history.points(id).put("id", id).put("intervalMs", config.historyIntervalMs()));
  }

  /** One point per budget of the figures last received from its owner (see {@link BurnHistory}). */
  private void recordHistory() {
    long now = node.clock().millis();
    java.util.Set<String> live = new java.util.HashSet<>();
    for (Budget b : index.all()) {
      live.add(b.id());
      long[] f = index.figures(b.id());
      if (f != null) {
        history.record(b.id(), b.window().start(now), f[3], now, f[0], f[1], f[2]);
      }
    }
    history.retain(live);
  }

  private Future<JsonObject> delete(JsonObject request) {
    String id = id(request);
    return blocking(() -> {
      store.delete(id);
      return new JsonObject().put("id", id).put("deleted", true);
    });
  }

  private Future<JsonObject> reserve(JsonObject r) {
    String agentId = Ids.require(Json.optString(r, "agentId", "request"), "agentId");
    String resource = Budget.requireResource(Json.optString(r, "resource", "request"));
    Long amount = Json.optLong(r, "amount", "request", 1, Long.MAX_VALUE / 4);
    if (amount == null) {
      throw GovernorException.invalid("amount is required: a whole number >= 1");
    }
    String group = Json.optString(r, "group", "request");
    if (group == null) {
      CompiledQuota quota = node.quotaIndex().get(agentId);
      group = quota == null ? null : quota.quota().group();
    } else {
      Ids.require(group, "group");
    }
    long epoch = orElse(Json.optLong(r, "epoch", "request", 0, Long.MAX_VALUE), -1);
    long leaseMs = orElse(Json.optLong(r, "leaseMs", "request", 1, config.maxReservationLeaseMs()),
        config.reservationLeaseMs());
    boolean wait = Boolean.TRUE.equals(Json.optBoolean(r, "wait", "request"));
    long waitMs = Math.min(config.maxQueueMs(), orElse(Json.optLong(r, "waitMs", "request", 0, 86_400_000L),
        config.maxQueueMs()));
    String g = group;
    long giveUpAt = node.clock().millis() + waitMs;
    Promise<JsonObject> reply = Promise.promise();
    attempt(() -> ledger.reserve(agentId, g, epoch, resource, amount, leaseMs), wait, giveUpAt, reply, 0);
    return reply.future();
  }

  /** One try; a denial by a budget that queues (or asked to wait) tries again when its window refills. */
  private void attempt(java.util.function.Supplier<java.util.concurrent.CompletionStage<JsonObject>> reserve,
                       boolean wait, long giveUpAt, Promise<JsonObject> reply, long queuedSince) {
    Future.fromCompletionStage(reserve.get(), vertx.getOrCreateContext()).onComplete(ar -> {
      if (ar.failed()) {
        reply.fail(ar.cause());
        return;
      }
      JsonObject result = ar.result();
      long now = node.clock().millis();
      if (queuedSince > 0) {
        result.put("queuedMs", now - queuedSince);
      }
      JsonObject denial = result.getJsonObject("denial");
      long refillsAt = denial == null ? -1 : denial.getLong("refillsAt", -1L);
      boolean queue = denial != null && (wait || Budget.QUEUE.equals(denial.getString("action")));
      if (!queue || refillsAt < 0 || refillsAt > giveUpAt) {
        reply.complete(result);
        return;
      }
      long delay = Math.max(1, refillsAt - now + 5);
      vertx.setTimer(delay, t -> attempt(reserve, wait, giveUpAt, reply, queuedSince > 0 ? queuedSince : now));
    });
  }

  private static long orElse(Long value, long otherwise) {
    return value == null ? otherwise : value;
  }

  /** Settles on the node that granted the reservation (its id names it). */
  private Future<JsonObject> settle(JsonObject r) {
    String id = id(r);
    String granter = BudgetLedger.nodeOf(id);
    if (granter == null) {
      throw GovernorException.notFound("reservation", id);
    }
    if (granter.equals(node.nodeId())) {
      return settleHere(r);
    }
    return vertx.eventBus().<JsonObject>request(Addresses.onNode(Addresses.BUDGET_SETTLE, granter), r,
            new DeliveryOptions().setSendTimeout(10_000))
        .map(m -> m.body())
        .recover(e -> e instanceof ReplyException re && re.failureType() == ReplyFailure.NO_HANDLERS
            ? Future.failedFuture(new GovernorException(ErrorCode.NOT_FOUND, "reservation '" + id
                + "': the node that granted it is gone, so it was charged in full"))
            : Future.failedFuture(e));
  }

  private Future<JsonObject> settleHere(JsonObject r) {
    String id = id(r);
    Long actual = Json.optLong(r, "actual", "request", 0, Long.MAX_VALUE / 4);
    String agentId = Json.optString(r, "agentId", "request");
    if (agentId != null) {
      Ids.require(agentId, "agentId");
    }
    return Future.succeededFuture(ledger.settle(id, actual == null ? 0 : actual, agentId).put("released", actual == null));
  }

  private Future<JsonObject> wanted(JsonObject r) {
    String from = r.getString("node");
    String budgetId = r.getString("budgetId");
    if (budgetId != null && !node.nodeId().equals(from)) {
      ledger.wantedElsewhere(budgetId);
    }
    return Future.succeededFuture(new JsonObject());
  }

  private void startTimers() {
    vertx.setPeriodic(config.flushIntervalMs(), t -> {
      if (ticking.compareAndSet(false, true)) {
        onReports(() -> {
          try {
            ledger.tick();
          } catch (RuntimeException e) {
            LOG.debug("budget report round failed; retried at the next", e);
          } finally {
            ticking.set(false);
          }
        });
      }
    });
    vertx.setPeriodic(SWEEP_MS, t -> ledger.sweep());
    if (config.historyPoints() > 0) {
      vertx.setPeriodic(config.historyIntervalMs(), t -> recordHistory());
    }
    vertx.setPeriodic(ABSENT_SWEEP_MS, t -> {
      if (isOldest()) {
        onReports(this::dropAbsent);
      }
    });
  }

  /** Runs a blocking report task on the reports thread; none once the verticle stops. */
  private void onReports(Runnable task) {
    try {
      reports.execute(task);
    } catch (RejectedExecutionException e) {
      LOG.debug("budgets: stopping, a report task was not run");
    }
  }

  private boolean isOldest() {
    Iterator<Member> members = node.hazelcast().getCluster().getMembers().iterator();
    return members.hasNext() && members.next().localMember();
  }

  /** A lease can reach the owner after its node's departure was handled: charged here, not 30 s later. */
  private void dropAbsent() {
    try {
      int changed = ledger.dropAbsent(ClusterMembers.liveNodeIds(node.hazelcast()));
      if (changed > 0) {
        LOG.info("budgets: slices of departed nodes charged in full on {} budget(s)", changed);
      }
    } catch (RuntimeException e) {
      LOG.debug("budgets: charging the slices of departed nodes failed; retried in {} ms", ABSENT_SWEEP_MS, e);
    }
  }

  /** The oldest member charges the slices of a node that left (any member would do; one is enough). */
  private void watchMembership() {
    membership = node.hazelcast().getCluster().addMembershipListener(new MembershipListener() {
      @Override
      public void memberAdded(MembershipEvent e) {
      }

      @Override
      public void memberRemoved(MembershipEvent e) {
        String gone = ClusterMembers.nodeIdOf(e.getMember());
        boolean oldest = !e.getMembers().isEmpty() && e.getMembers().iterator().next().localMember();
        if (gone != null && oldest) {
          onReports(() -> {
            try {
              ledger.dropNode(gone);
              LOG.info("budgets: slices of node {} (left the cluster) charged in full", gone);
            } catch (RuntimeException ex) {
              LOG.warn("budgets: charging the slices of node {} failed; their leases run out instead", gone, ex);
            }
          });
        }
      }
    });
  }

  /** Feed events and degradation at 100 %. */
  private final class Events implements BudgetLedger.Listener {
    @Override
    public void crossed(String budgetId, String level, JsonObject f) {
      long now = node.clock().millis();
      JsonObject event = new JsonObject().put("type", "budget").put("budgetId", budgetId).put("level", level)
          .put("node", node.nodeId()).put("time", now).put("amount", f.getLong("amount"))
          .put("committed", f.getLong("committed")).put("outstanding", f.getLong("outstanding"))
          .put("remaining", f.getLong("remaining")).put("refillsAt", f.getLong("refillsAt"));
      Long forecast = BudgetState.forecast(f.getLong("committed"), f.getLong("remaining"),
          f.getLong("windowStart", now), now, f.getLong("refillsAt"));
      if (forecast != null) {
        event.put("forecastExhaustionAt", forecast);
      }
      Budget b = store == null ? null : ledger.budget(budgetId);
      if (b != null && "exhausted".equals(level)) {
        event.put("action", b.action());
      }
      vertx.eventBus().publish(Addresses.EVENTS, event);
    }

    @Override
    public void wanted(String budgetId) {
      vertx.eventBus().publish(Addresses.BUDGET_WANTED, new JsonObject().put("budgetId", budgetId).put("node", node.nodeId()));
    }

    @Override
    public void refused(String agentId, Budget budget, Denial denial) {
      long now = node.clock().millis();
      Long last = degradedAt.get(agentId + "/" + budget.id());
      if (last != null && now - last < DEGRADE_EVERY_MS) {
        return;
      }
      degradedAt.put(agentId + "/" + budget.id(), now);
      DegradationStrategy strategy = DegradationStrategy.parse(budget.action());
      JsonObject command = new JsonObject().put("agentId", agentId).put("command", "degrade").put("params",
          new JsonObject().put("strategy", strategy.wireName()).put("params", strategy.seedParams()).put("active", true));
      LocalFirst.request(vertx, Addresses.RUNTIME_CONTROL, command, new DeliveryOptions().setSendTimeout(10_000))
          .onComplete(ar -> vertx.eventBus().publish(Addresses.EVENTS, new JsonObject().put("type", "budget")
              .put("budgetId", budget.id()).put("agentId", agentId).put("level", "exhausted").put("node", node.nodeId())
              .put("time", node.clock().millis()).put("action", strategy.wireName())
              .put("outcome", ar.succeeded() ? "success" : "failure")
              .put("reason", denial.explain())));
    }
  }
}
