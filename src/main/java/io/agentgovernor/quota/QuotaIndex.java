package io.agentgovernor.quota;

import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * This node's local, always-current copy of every quota and group in the cluster, kept by the
 * quota part from Hazelcast's events (see {@code MapMirror}). The compliance check on the hot path
 * reads only this: a hash lookup and one comparison per limit, never the network.
 *
 * <p>Every quota is held as parsed ({@link Quota}: group totals and the mirror's write-back need
 * all of them); a quota is compiled for the hot path ({@link CompiledQuota}: arrays by resource)
 * only once this node asks for it with {@link #get}, which in practice means for the agents it
 * hosts. A compiled quota costs ~0.3 KB more than the parsed one; on a node of a large cluster
 * most quotas are other nodes' and are never compiled here.
 *
 * <p>Thread-safe. Quotas are applied only if newer than the copy held (by version), so an event
 * and this node's own write can arrive in any order.
 */
public final class QuotaIndex {

  private final Map<String, Quota> quotas = new ConcurrentHashMap<>();
  /** The quotas compiled so far (a subset of {@link #quotas}, each compiled from the quota held there). */
  private final Map<String, CompiledQuota> compiled = new ConcurrentHashMap<>();
  private final Map<String, QuotaGroup> groups = new ConcurrentHashMap<>();
  /** Readers caching compiled quotas, told which quotas changed (see {@link #watch}). */
  private final List<Changes> watchers = new java.util.concurrent.CopyOnWriteArrayList<>();

  /** The compiled quota of an agent, or null; compiled on the first call for it (then kept current). */
  public CompiledQuota get(String agentId) {
    CompiledQuota c = compiled.get(agentId);
    if (c != null || !quotas.containsKey(agentId)) {
      return c;
    }
    // read the quota under the compiled entry's lock: an apply or remove that ran meanwhile
    // updates this entry after its own change of quotas, so nothing stale is left behind
    return compiled.compute(agentId, this::compiledNow);
  }

  /** The compiled form of the quota held now: {@code held} if compiled from it, null if there is none. */
  private CompiledQuota compiledNow(String agentId, CompiledQuota held) {
    Quota now = quotas.get(agentId);
    return now == null ? null : held != null && held.quota() == now ? held : new CompiledQuota(now);
  }

  /** The quota of an agent as held (not compiled), or null. */
  public Quota quota(String agentId) {
    return quotas.get(agentId);
  }

  /** How many quotas this node has compiled (those it asked for: its own agents'). */
  public int compiledCount() {
    return compiled.size();
  }

  /** The group of that name, or null. */
  public QuotaGroup group(String name) {
    return groups.get(name);
  }

  /**
   * Checks an agent's usage against its quota.
   *
   * @return the violations (empty, without allocating, while it complies), or null when the agent
   *     has no quota
   */
  public List<Violation> check(String agentId, double[] builtInUsage, Map<String, Double> customUsage) {
    CompiledQuota quota = get(agentId);
    return quota == null ? null : quota.check(builtInUsage, customUsage);
  }

  public int size() {
    return quotas.size();
  }

  /**
   * Starts telling a reader which quotas change, of the agents {@code interested} accepts (called on
   * the thread that changes the quota: keep it cheap and thread-safe). A reader caching the
   * compiled quotas of its own agents then re-reads those that changed, not all of them whenever
   * any quota of the cluster changes.
   */
  public Changes watch(Predicate<String> interested) {
    Changes changes = new Changes(interested, watchers);
    watchers.add(changes);
    return changes;
  }

  /** Every quota, ordered by agent id. */
  public List<Quota> quotas() {
    return quotas.values().stream().sorted(Comparator.comparing(Quota::agentId)).toList();
  }

  /** Every group, ordered by name. */
  public List<QuotaGroup> groups() {
    return groups.values().stream().sorted(Comparator.comparing(QuotaGroup::name)).toList();
  }

  /**
   * What the group's agents are promised of {@code resource}: the sum of their soft limits (as
   * Kubernetes sums requests, not limits, against a quota), leaving out one agent (the one being
   * admitted or changed). A scan: admission is rare next to compliance checks.
   */
  public double promised(String group, String resource, String exceptAgentId) {
    double sum = 0;
    for (Quota quota : quotas.values()) {
      if (quota.group().equals(group) && !quota.agentId().equals(exceptAgentId)) {
        Limit limit = quota.limit(resource);
        sum += limit == null ? 0 : limit.soft();
      }
    }
    return sum;
  }

  /** Applies a quota if it is newer than the copy held. */
  public void apply(Quota quota) {
    quotas.compute(quota.agentId(), (id, held) ->
        held == null || held.version() < quota.version() || held.createdAt() != quota.createdAt() ? quota : held);
    recompile(quota.agentId());
  }

  public void applyIfAbsent(Quota quota) {
    quotas.putIfAbsent(quota.agentId(), quota);
    recompile(quota.agentId());
  }

  /**
   * Drops the compiled copy of a quota this node no longer needs (its agent left); the quota stays
   * held, and a later {@link #get} compiles it again.
   */
  public void release(String agentId) {
    compiled.remove(agentId);
  }

  public void remove(String agentId) {
    quotas.remove(agentId);
    compiled.remove(agentId);
    watchers.forEach(w -> w.changed(agentId));
  }

  public void clearQuotas() {
    quotas.clear();
    compiled.clear();
    watchers.forEach(Changes::everything);
  }

  /** After a quota changed: a compiled copy, if there is one, follows the quota now held. */
  private void recompile(String agentId) {
    compiled.computeIfPresent(agentId, this::compiledNow);
    watchers.forEach(w -> w.changed(agentId));
  }

  public void applyGroup(QuotaGroup group) {
    groups.put(group.name(), group);
  }

  public void applyGroupIfAbsent(QuotaGroup group) {
    groups.putIfAbsent(group.name(), group);
  }

  public void removeGroup(String name) {
    groups.remove(name);
  }

  public void clearGroups() {
    groups.clear();
  }

  /**
   * The agents whose quota changed since the reader last drained, of those it watches: ids queued
   * as they change, or "everything" at the start, after the quotas were cleared, or when more
   * than {@link #MAX_QUEUED} changes waited (a reader that fell that far behind re-reads all).
   * Any thread may add; one thread drains.
   */
  public static final class Changes implements AutoCloseable {
    /** More changes than this waiting: the reader re-reads every quota instead. */
    static final int MAX_QUEUED = 65_536;

    private final Predicate<String> interested;
    private final List<Changes> owner;
    private final ConcurrentLinkedQueue<String> ids = new ConcurrentLinkedQueue<>();
    private final AtomicInteger queued = new AtomicInteger();
    private volatile boolean everything = true;

    private Changes(Predicate<String> interested, List<Changes> owner) {
      this.interested = interested;
      this.owner = owner;
    }

    private void changed(String agentId) {
      if (everything || !interested.test(agentId)) {
        return;
      }
      if (queued.incrementAndGet() > MAX_QUEUED) {
        everything = true;
      } else {
        ids.add(agentId);
      }
    }

    private void everything() {
      everything = true;
    }

    /**
     * Hands every changed id to {@code each} (an id may come more than once) and returns false; or,
     * when every quota must be re-read, hands none and returns true. Changes made while it runs
     * come in this call or the next, never in none.
     */
    public boolean drain(Consumer<String> each) {
      if (everything) {
        // emptied before the flag drops: a change queued after that is kept for the next drain,
        // and the caller's full re-read that follows covers every one before it
        ids.clear();
        queued.set(0);
        everything = false;
        return true;
      }
      String id;
      while ((id = ids.poll()) != null) {
        queued.decrementAndGet();
        each.accept(id);
      }
      return false;
    }

    /** Stops watching. */
    @Override
    public void close() {
      owner.remove(this);
    }
  }
}
