package io.agentgovernor.quota;

import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

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
  /** Bumped by every change of a quota, so a reader caching compiled quotas re-reads only after one. */
  private final java.util.concurrent.atomic.AtomicLong generation = new java.util.concurrent.atomic.AtomicLong();

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

  /** Changes with every quota applied, removed or cleared (read it before the quotas, then compare). */
  public long generation() {
    return generation.get();
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
    generation.incrementAndGet();
  }

  public void clearQuotas() {
    quotas.clear();
    compiled.clear();
    generation.incrementAndGet();
  }

  /** After a quota changed: a compiled copy, if there is one, follows the quota now held. */
  private void recompile(String agentId) {
    compiled.computeIfPresent(agentId, this::compiledNow);
    generation.incrementAndGet();
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
}
