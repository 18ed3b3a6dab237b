package io.agentgovernor.budget.impl;

import com.hazelcast.map.IMap;
import io.agentgovernor.budget.Budget;
import io.agentgovernor.budget.BudgetConfig;
import io.agentgovernor.budget.Denial;
import io.agentgovernor.bus.ErrorCode;
import io.agentgovernor.bus.GovernorException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;

/**
 * One node's side of the budgets: reservations granted from slices leased from each budget's owner
 * ({@link LocalSlice}), settled locally, and reported to the owner by {@link #tick}. Free of Vert.x
 * (the verticle adapts the event bus to it); time from the injected clock.
 *
 * <p>Where the network is: a grant from a held slice is a compare-and-set per enclosing budget; a
 * grant the slice cannot cover leases more from the owner (one entry processor, on the
 * {@code refills} executor, one at a time per budget on this node); {@link #tick} reports spending,
 * renews leases and gives back what is idle or wanted elsewhere, one entry processor per slice that
 * has news.
 *
 * <p>Chosen for a node that dies: reports are asynchronous, so the owner charges a dead node's whole
 * slice as spent (it cannot know what was spent and not reported). Slices are small
 * ({@code budgets.sliceFraction} of the amount, 1 % by default) and each report gives back what a
 * node holds unreserved beyond one slice (the unspent rest of settled reservations), so a death
 * strands about that much unused room per node and budget: one slice plus what was settled since
 * the node's last report.
 */
public final class BudgetLedger {

  /** What the ledger tells the outside: a level crossed (feed event) or a budget wanted back (broadcast). */
  public interface Listener {
    void crossed(String budgetId, String level, JsonObject figures);

    void wanted(String budgetId);

    /** A reservation refused by a budget whose action is a degradation strategy. */
    default void refused(String agentId, Budget budget, Denial denial) {
    }
  }

  private static final int REBALANCE_POLL_MS = 25;
  /** Leasing ahead only while the owner has at least this many slices unleased. */
  static final int LEASE_AHEAD_ROOM_SLICES = 4;
  /**
   * A refusal is remembered this long (monotonic time: a cache, not a policy) so requests queued
   * behind it for more than was left are refused without another round to the owner and another
   * rebalance wait; near exhaustion that wait would otherwise stack up per queued request.
   */
  private static final long REFUSAL_MEMORY_NANOS = TimeUnit.MILLISECONDS.toNanos(50);

  private record Refusal(Denial denial, long until) {
  }

  private final Map<String, Refusal> refusals = new ConcurrentHashMap<>();

  private final String nodeId;
  private final IMap<String, String> map;
  private final BudgetIndex index;
  private final Clock clock;
  private final Executor refills;
  private final BudgetConfig config;
  private final Listener listener;
  private final Map<String, LocalSlice> current = new ConcurrentHashMap<>();
  private final Set<LocalSlice> retired = ConcurrentHashMap.newKeySet();
  private final Map<String, Object> refillLocks = new ConcurrentHashMap<>();
  private final Map<String, LocalReservation> reservations = new ConcurrentHashMap<>();
  /** Unsettled reservations per agent: bounded, so an agent (an outside one, over the bridge) cannot fill the node. */
  private final Map<String, Integer> heldByAgent = new ConcurrentHashMap<>();
  private final Map<String, AtomicLong> orphanOverrun = new ConcurrentHashMap<>();
  private final String idPrefix;
  private final AtomicLong nextId = new AtomicLong();
  final AtomicLong granted = new AtomicLong();
  final AtomicLong denied = new AtomicLong();
  final AtomicLong expired = new AtomicLong();
  final AtomicLong leasedAhead = new AtomicLong();
  /** Reservations that found too little here and waited for a lease from the owner. */
  final AtomicLong waitedForLease = new AtomicLong();

  /** One granted reservation: its amount taken from one slice of each enclosing budget. */
  record LocalReservation(String id, String agentId, String resource, long amount, long expiresAt,
                          List<LocalSlice> slices) {
  }

  public BudgetLedger(String nodeId, IMap<String, String> map, BudgetIndex index, Clock clock, Executor refills,
                      BudgetConfig config, Listener listener) {
    this.nodeId = nodeId;
    this.map = map;
    this.index = index;
    this.clock = clock;
    this.refills = refills;
    this.config = config;
    this.listener = listener;
    this.idPrefix = nodeId + "." + Long.toString(ThreadLocalRandom.current().nextLong(1L << 40, 1L << 41), 36) + "-";
  }

  /** The node a reservation id was granted on (ids are {@code <nodeId>.<suffix>}); null if malformed. */
  public static String nodeOf(String reservationId) {
    int dot = reservationId == null ? -1 : reservationId.lastIndexOf('.');
    return dot <= 0 ? null : reservationId.substring(0, dot);
  }

  /**
   * Reserves {@code amount} of {@code resource} for an agent against every budget that encloses it.
   * Completes with {@code {"status": "granted", "id", ...}} or {@code {"status": "denied", "denial"}};
   * never fails for lack of room. Completes at once when every slice on this node has room.
   */
  public CompletableFuture<JsonObject> reserve(String agentId, String group, long epoch, String resource, long amount,
                                               long leaseMs) {
    if (heldByAgent.getOrDefault(agentId, 0) >= config.maxReservationsPerAgent()) {
      return CompletableFuture.failedFuture(new GovernorException(ErrorCode.RATE_LIMITED, "agent " + agentId + " holds "
          + config.maxReservationsPerAgent() + " unsettled reservations on this node (budgets.maxReservationsPerAgent): "
          + "commit or release some first"));
    }
    List<Budget> budgets = index.applicable(resource, agentId, group);
    long now = clock.millis();
    List<LocalSlice> taken = new ArrayList<>(budgets.size());
    for (Budget b : budgets) {
      LocalSlice s = current.get(b.id());
      if (s == null || !s.take(amount, now)) {
        giveBackAll(taken, amount);
        waitedForLease.incrementAndGet();
        return CompletableFuture.supplyAsync(() -> reserveWithRefills(agentId, epoch, resource, amount, leaseMs, budgets),
            refills);
      }
      taken.add(s);
    }
    for (int i = 0; i < budgets.size(); i++) {
      leaseAheadIfLow(budgets.get(i), taken.get(i), epoch);
    }
    return CompletableFuture.completedFuture(grant(agentId, resource, amount, leaseMs, taken, now));
  }

  /**
   * Leases ahead: once a grant leaves a slice with less than {@code budgets.prefetchAt} of a slice,
   * it is topped up to one slice on the {@code refills} executor, so the reservations that follow
   * find room here instead of waiting for the owner. Only while the owner's last answer left room
   * for {@value #LEASE_AHEAD_ROOM_SLICES} slices and nobody wants room back, so near exhaustion
   * it never takes what another node needs (nor marks the budget exhausted); and never beyond one
   * slice, so a node's death strands no more than it would without it.
   */
  private void leaseAheadIfLow(Budget b, LocalSlice s, long epoch) {
    long slice = sliceSize(b);
    if (config.prefetchAt() <= 0 || s.available.get() >= slice * config.prefetchAt() || s.wanted
        || s.ownerFree < LEASE_AHEAD_ROOM_SLICES * slice || !s.prefetching.compareAndSet(false, true)) {
      return;
    }
    long agentEpoch = BudgetIndex.isAgentScoped(b) ? epoch : -1;
    try {
      refills.execute(() -> {
        try {
          leaseAhead(b, s, agentEpoch);
        } catch (RuntimeException e) {
          // the owner is moving or unreachable: the next reservation that finds too little leases itself
        } finally {
          s.prefetching.set(false);
        }
      });
    } catch (RuntimeException rejected) {
      s.prefetching.set(false);
    }
  }

  private void leaseAhead(Budget b, LocalSlice s, long epoch) {
    synchronized (refillLock(b.id())) {
      long now = clock.millis();
      long top = sliceSize(b) - s.available.get();
      if (current.get(b.id()) != s || s.dead || s.wanted || now >= s.deadline || top <= 0) {
        return;
      }
      JsonObject reply = leaseFromOwner(b, 1, top, epoch, now);
      if (reply == null) {
        return; // the budget was deleted
      }
      long got = reply.getLong("granted");
      if (got > 0) {
        adopt(b.id(), s, reply, now).available.addAndGet(got); // the owner's slice may be a new one: then it holds just this
        leasedAhead.incrementAndGet();
      }
    }
  }

  private JsonObject reserveWithRefills(String agentId, long epoch, String resource, long amount, long leaseMs,
                                        List<Budget> budgets) {
    List<LocalSlice> taken = new ArrayList<>(budgets.size());
    for (Budget b : budgets) {
      Object result;
      try {
        result = takeOrLease(b, amount, BudgetIndex.isAgentScoped(b) ? epoch : -1);
      } catch (RuntimeException e) {
        giveBackAll(taken, amount); // the enclosing budgets already taken from: back, as for a denial
        throw e;
      }
      if (result instanceof Denial d) {
        giveBackAll(taken, amount);
        denied.incrementAndGet();
        if (b.degrades()) {
          listener.refused(agentId, b, d);
        }
        return new JsonObject().put("status", "denied").put("resource", resource).put("amount", amount)
            .put("denial", d.toJson()).put("message", d.explain());
      }
      taken.add((LocalSlice) result);
    }
    return grant(agentId, resource, amount, leaseMs, taken, clock.millis());
  }

  private JsonObject grant(String agentId, String resource, long amount, long leaseMs, List<LocalSlice> taken, long now) {
    String id = idPrefix + Long.toString(nextId.incrementAndGet(), 36);
    long expiresAt = now + leaseMs;
    taken.forEach(s -> s.reservations.incrementAndGet());
    reservations.put(id, new LocalReservation(id, agentId, resource, amount, expiresAt, taken));
    heldByAgent.merge(agentId, 1, Integer::sum);
    granted.incrementAndGet();
    JsonArray ids = new JsonArray();
    taken.forEach(s -> ids.add(s.budgetId));
    return new JsonObject().put("status", "granted").put("id", id).put("agentId", agentId).put("resource", resource)
        .put("amount", amount).put("expiresAt", expiresAt).put("node", nodeId).put("budgets", ids);
  }

  private static void giveBackAll(List<LocalSlice> taken, long amount) {
    taken.forEach(s -> s.giveBack(amount));
  }

  /**
   * Takes {@code amount} from this node's slice of the budget, leasing more from the owner when it
   * falls short; the slice's own rest counts toward it. When other nodes hold what is missing,
   * they are asked to give back and the lease is retried for up to {@code rebalanceWaitMs}.
   * Returns the slice taken from, or the Denial. Blocking.
   */
  private Object takeOrLease(Budget b, long amount, long epoch) {
    synchronized (refillLock(b.id())) {
      Refusal last = refusals.get(b.id());
      if (last != null && System.nanoTime() < last.until() && amount > last.denial().remaining()) {
        return last.denial(); // refused a moment ago for less: spare the owner a round that cannot succeed
      }
      long deadline = clock.millis() + config.rebalanceWaitMs();
      long polls = config.rebalanceWaitMs() / REBALANCE_POLL_MS; // bounds the wait even if the clock stands still
      boolean askedBack = false;
      for (long attempt = 0; ; attempt++) {
        long now = clock.millis();
        LocalSlice s = current.get(b.id());
        if (s != null && s.take(amount, now)) {
          return s;
        }
        long own = s == null || s.dead || now >= s.deadline ? 0 : s.available.getAndSet(0);
        long need = amount - own;
        long want = Math.max(need, sliceSize(b));
        JsonObject reply;
        try {
          reply = leaseFromOwner(b, need, want, epoch, now);
          if (reply == null) {
            throw GovernorException.notFound("budget", b.id());
          }
        } catch (RuntimeException e) {
          if (s != null) {
            s.giveBack(own); // taken out of the slice for this lease: back, or it is lost from the node's room
          }
          throw e;
        }
        long got = reply.getLong("granted");
        if (got > 0) {
          LocalSlice slice = adopt(b.id(), s, reply, now);
          slice.lastUse = now;
          if (slice == s) {
            slice.available.addAndGet(got - need); // own + need = amount, reserved
            return slice;
          }
          // the owner no longer had our slice (charged in full): its rest went with it
          slice.available.addAndGet(got);
          if (slice.take(amount, now)) {
            return slice;
          }
          continue;
        }
        if (s != null) {
          s.giveBack(own);
        }
        if (!reply.getBoolean("othersHold", false) || now >= deadline || attempt >= polls) {
          Denial d = denial(b, reply, own);
          refusals.put(b.id(), new Refusal(d, System.nanoTime() + REFUSAL_MEMORY_NANOS));
          return d;
        }
        if (!askedBack) {
          listener.wanted(b.id());
          askedBack = true;
        }
        LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(REBALANCE_POLL_MS));
      }
    }
  }

  /**
   * One lease at the budget's owner (an entry processor there), for at least {@code min} and up to
   * {@code want}; its reply, with any level it crossed told to the listener, or null if the budget
   * no longer exists. The token makes a retry by Hazelcast grant once. Blocking.
   */
  private JsonObject leaseFromOwner(Budget b, long min, long want, long epoch, long now) {
    String text = map.executeOnKey(b.id(), BudgetOp.lease(nodeId, min, want, config.sliceLeaseMs(), epoch,
        io.agentgovernor.cluster.Versions.requestToken(), now));
    if (text == null) {
      return null;
    }
    JsonObject reply = new JsonObject(text);
    crossed(b.id(), reply);
    return reply;
  }

  private Object refillLock(String budgetId) {
    return refillLocks.computeIfAbsent(budgetId, k -> new Object());
  }

  /** The slice a lease reply names: the one held if the ids match, else a new one (the old retires). */
  private LocalSlice adopt(String budgetId, LocalSlice held, JsonObject reply, long now) {
    long sliceId = reply.getLong("sliceId");
    long deadline = now + config.sliceLeaseMs() - config.sliceLeaseMs() / 10;
    if (held != null && held.id == sliceId && !held.dead) {
      held.deadline = deadline;
      held.ownerFree = reply.getLong("remaining", 0L);
      return held;
    }
    LocalSlice fresh = new LocalSlice(budgetId, sliceId);
    fresh.deadline = deadline;
    fresh.ownerFree = reply.getLong("remaining", 0L);
    if (held != null) {
      retire(held);
    }
    current.put(budgetId, fresh);
    return fresh;
  }

  private void retire(LocalSlice s) {
    s.dead = true;
    s.available.set(0);
    retired.add(s);
    current.remove(s.budgetId, s);
  }

  /** A slice is a fraction of the amount (at least 1), never more than the budget. */
  private long sliceSize(Budget b) {
    return Math.max(1, (long) (b.amount() * config.sliceFraction()));
  }

  /** Remaining counts what this node holds unreserved ({@code own}); outstanding, what is reserved or unreported. */
  private Denial denial(Budget b, JsonObject reply, long own) {
    return new Denial(b.id(), b.scope().wireName(), b.target(), b.amount(), reply.getLong("remaining") + own,
        reply.getLong("outstanding") - own, reply.getLong("committed"), reply.getLong("refillsAt"), b.action());
  }

  private void crossed(String budgetId, JsonObject reply) {
    String level = reply.getString("crossed");
    if (level != null) {
      listener.crossed(budgetId, level, reply);
    }
  }

  /**
   * Settles a reservation with what was really spent ({@code actual}, 0 for a release). Spending
   * above the reservation is charged too. Reply {@code {"id", "reserved", "charged", "excess",
   * "overrun"}}: {@code excess} is what was charged above the reservation, {@code overrun} the part
   * of it no room covered (recorded at the owner). Fails NOT_FOUND for an unknown or settled id.
   */
  public JsonObject settle(String id, long actual) {
    return settle(id, actual, null);
  }

  /**
   * As {@link #settle(String, long)}, by an agent that may settle only its own reservations
   * ({@code agentId}; null: anyone, as an operator). Another agent's reservation fails FORBIDDEN
   * and stays as it was.
   */
  public JsonObject settle(String id, long actual, String agentId) {
    LocalReservation r = reservations.get(id);
    if (r != null && agentId != null && !agentId.equals(r.agentId())) {
      throw new GovernorException(ErrorCode.FORBIDDEN, "reservation '" + id + "' is not agent " + agentId + "'s");
    }
    if (r == null || !reservations.remove(id, r)) {
      throw new GovernorException(ErrorCode.NOT_FOUND, "reservation '" + id + "' does not exist here or is settled");
    }
    return settle(r, actual);
  }

  private JsonObject settle(LocalReservation r, long actual) {
    heldByAgent.computeIfPresent(r.agentId(), (k, n) -> n <= 1 ? null : n - 1);
    long now = clock.millis();
    long overrun = 0;
    for (LocalSlice s : r.slices()) {
      overrun = Math.max(overrun, s.settle(r.amount(), actual, now));
      if (actual < r.amount()) {
        refusals.remove(s.budgetId); // room came back here: a refusal remembered from before no longer holds
      }
    }
    return new JsonObject().put("id", r.id()).put("reserved", r.amount()).put("charged", actual)
        .put("excess", Math.max(0, actual - r.amount())).put("overrun", overrun);
  }

  /** A reservation granted here and not yet settled, or null. */
  public JsonObject reservation(String id) {
    LocalReservation r = reservations.get(id);
    return r == null ? null : new JsonObject().put("id", r.id()).put("agentId", r.agentId()).put("resource", r.resource())
        .put("amount", r.amount()).put("expiresAt", r.expiresAt()).put("node", nodeId);
  }

  /** Charges in full every reservation whose lease has run out. Returns how many. */
  public int sweep() {
    long now = clock.millis();
    int n = 0;
    for (LocalReservation r : reservations.values()) {
      if (r.expiresAt() <= now && reservations.remove(r.id(), r)) {
        settle(r, r.amount());
        expired.incrementAndGet();
        n++;
      }
    }
    return n;
  }

  /** Another node wants room in this budget: give back what is not reserved at the next report. */
  public void wantedElsewhere(String budgetId) {
    LocalSlice s = current.get(budgetId);
    if (s != null) {
      s.wanted = true;
    }
  }

  /**
   * Reports every slice with news to its owner: spending, overrun, room given back (all of it when
   * wanted elsewhere or idle for {@code idleReturnMs}), and renews leases due. A report that fails
   * is retried as it was at the next tick (the owner applies a report once). Blocking.
   */
  public void tick() {
    long now = clock.millis();
    for (LocalSlice s : current.values()) {
      report(s, now);
    }
    for (LocalSlice s : retired) {
      report(s, now);
      if (s.pending == null && s.reservations.get() == 0 && s.overrun.get() == 0) {
        retired.remove(s);
      }
    }
    orphanOverrun.forEach((budgetId, amount) -> {
      long over = amount.getAndSet(0);
      if (over > 0) {
        call(budgetId, BudgetOp.settle(nodeId, -1, 0, 0, 0, over, config.sliceLeaseMs(), now, now));
      }
    });
  }

  private void report(LocalSlice s, long now) {
    if (s.pending == null) {
      boolean giveAll = s.wanted || s.dead || now - s.lastUse >= config.idleReturnMs();
      long returned = giveAll ? s.available.getAndSet(0) : trimToSlice(s);
      LocalSlice.Report next = new LocalSlice.Report(s.seq + 1, s.spent.getAndSet(0), returned, s.overrun.getAndSet(0),
          now);
      boolean renew = !s.dead && now >= s.deadline - config.sliceLeaseMs() / 2;
      if (next.empty() && !renew) {
        return;
      }
      s.seq = next.seq();
      s.pending = next;
      s.wanted = false;
    }
    LocalSlice.Report p = s.pending;
    JsonObject reply;
    try {
      reply = call(s.budgetId, BudgetOp.settle(nodeId, s.id, p.seq(), p.spent(), p.returned(), p.overrun(),
          config.sliceLeaseMs(), p.readAt(), now));
    } catch (RuntimeException e) {
      return; // the owner is moving or unreachable: the same report goes again at the next tick
    }
    s.pending = null;
    if (reply == null) {
      retire(s); // the budget was deleted
      return;
    }
    crossed(s.budgetId, reply);
    if (reply.getBoolean("gone")) {
      retire(s);
    } else {
      s.deadline = now + config.sliceLeaseMs() - config.sliceLeaseMs() / 10;
      s.ownerFree = reply.getLong("remaining", 0L);
      if (reply.getBoolean("wanted", false)) {
        s.wanted = true;
      }
    }
  }

  /**
   * Takes from a slice what it holds unreserved beyond one slice's size: the unspent rest of
   * settled reservations collects there, and would otherwise stay on this node (and be lost with
   * it, charged in full, if it dies) instead of going back to the owner for every node.
   */
  private long trimToSlice(LocalSlice s) {
    Budget b = index.get(s.budgetId);
    if (b == null) {
      return 0;
    }
    long keep = sliceSize(b);
    long a;
    do {
      a = s.available.get();
      if (a <= keep) {
        return 0;
      }
    } while (!s.available.compareAndSet(a, keep));
    return a - keep;
  }

  private JsonObject call(String budgetId, BudgetOp op) {
    String text = map.executeOnKey(budgetId, op);
    return text == null ? null : new JsonObject(text);
  }

  /** A node left the cluster: its slices of every budget are charged in full. Blocking; idempotent. */
  public void dropNode(String node) {
    long now = clock.millis();
    map.executeOnEntries(BudgetOp.dropNode(node, now)).forEach((budgetId, text) -> {
      if (text != null) {
        crossed(budgetId, new JsonObject(text));
      }
    });
  }

  /**
   * Charges in full the slices held by nodes not among {@code live}: a lease that landed after its
   * node's departure was handled. Blocking; idempotent. Returns how many budgets changed.
   */
  public int dropAbsent(Set<String> live) {
    long now = clock.millis();
    int[] changed = {0};
    map.executeOnEntries(BudgetOp.dropAbsent(live, now)).forEach((budgetId, text) -> {
      if (text != null) {
        changed[0]++;
        crossed(budgetId, new JsonObject(text));
      }
    });
    return changed[0];
  }

  /** Gives everything back and reports, e.g. before the node stops. Blocking. */
  public void returnAll() {
    current.values().forEach(s -> s.wanted = true);
    tick();
  }

  /** The definition of a budget as this node knows it, or null. */
  Budget budget(String id) {
    return index.get(id);
  }

  int outstandingReservations() {
    return reservations.size();
  }

  /** What this node holds of a budget and has not reserved (for metrics and tests). */
  long available(String budgetId) {
    LocalSlice s = current.get(budgetId);
    return s == null ? 0 : s.available.get();
  }
}
