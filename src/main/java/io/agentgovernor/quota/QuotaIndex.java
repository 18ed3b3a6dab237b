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
 * <p>Thread-safe. Quotas are applied only if newer than the copy held (by version), so an event
 * and this node's own write can arrive in any order.
 */
public final class QuotaIndex {

  private final Map<String, CompiledQuota> quotas = new ConcurrentHashMap<>();
  private final Map<String, QuotaGroup> groups = new ConcurrentHashMap<>();
  /** Bumped by every change of a quota, so a reader caching compiled quotas re-reads only after one. */
  private final java.util.concurrent.atomic.AtomicLong generation = new java.util.concurrent.atomic.AtomicLong();

  /** The compiled quota of an agent, or null. */
  public CompiledQuota get(String agentId) {
    return quotas.get(agentId);
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
    CompiledQuota quota = quotas.get(agentId);
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
    return quotas.values().stream().map(CompiledQuota::quota).sorted(Comparator.comparing(Quota::agentId)).toList();
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
    for (CompiledQuota q : quotas.values()) {
      Quota quota = q.quota();
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
        held == null || held.quota().version() < quota.version()
            || held.quota().createdAt() != quota.createdAt() ? new CompiledQuota(quota) : held);
    generation.incrementAndGet();
  }

  public void applyIfAbsent(Quota quota) {
    quotas.computeIfAbsent(quota.agentId(), id -> new CompiledQuota(quota));
    generation.incrementAndGet();
  }

  public void remove(String agentId) {
    quotas.remove(agentId);
    generation.incrementAndGet();
  }

  public void clearQuotas() {
    quotas.clear();
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
