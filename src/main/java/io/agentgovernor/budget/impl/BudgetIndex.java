package io.agentgovernor.budget.impl;

import io.agentgovernor.budget.Budget;
import io.agentgovernor.budget.BudgetScope;
import io.agentgovernor.budget.Tenant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * This node's copy of the budget definitions (kept current from the budget map's events) and of
 * the tenants (from the tenant map's, {@link TenantStore}), so the budgets that enclose an agent are
 * found without a network call. A tenant is a named set of groups.
 */
final class BudgetIndex {

  private final Map<String, Budget> byId = new ConcurrentHashMap<>();
  private final Map<String, Tenant> tenants = new ConcurrentHashMap<>();
  /** Group → the tenants holding it; rebuilt whole on a tenant change (rare), read on every lookup. */
  private volatile Map<String, Set<String>> tenantsByGroup = Map.of();

  BudgetIndex() {
  }

  /** For tests: an index that knows these tenants (name → groups). */
  BudgetIndex(Map<String, Set<String>> tenants) {
    tenants.forEach((name, groups) -> applyTenant(new Tenant(name, groups)));
  }

  synchronized void applyTenant(Tenant tenant) {
    tenants.put(tenant.name(), tenant);
    regroup();
  }

  synchronized void removeTenant(String name) {
    if (tenants.remove(name) != null) {
      regroup();
    }
  }

  synchronized void clearTenants() {
    tenants.clear();
    regroup();
  }

  Tenant tenant(String name) {
    return tenants.get(name);
  }

  private void regroup() {
    Map<String, Set<String>> byGroup = new HashMap<>();
    tenants.values().forEach(t -> t.groups().forEach(g -> byGroup.computeIfAbsent(g, k -> new HashSet<>()).add(t.name())));
    byGroup.replaceAll((g, names) -> Set.copyOf(names));
    tenantsByGroup = Map.copyOf(byGroup);
  }

  private final Map<String, long[]> figures = new ConcurrentHashMap<>();
  private volatile java.util.function.Consumer<Budget> onAdded = b -> { };

  void put(Budget budget) {
    if (byId.put(budget.id(), budget) == null) {
      onAdded.accept(budget);
    }
  }

  void remove(String id) {
    byId.remove(id);
    figures.remove(id);
  }

  /** Called for each budget that appears from now on. */
  void onAdded(java.util.function.Consumer<Budget> listener) {
    this.onAdded = listener;
  }

  /**
   * The owner's latest figures as last seen in the map's events: {committed, outstanding,
   * remaining, windowStart} (the window they belong to: the owner rolls a window at its next change).
   */
  void figures(String id, long committed, long outstanding, long remaining, long windowStart) {
    figures.put(id, new long[] {committed, outstanding, remaining, windowStart});
  }

  /** The figures of {@link #figures(String, long, long, long, long)}, or null if none were seen. */
  long[] figures(String id) {
    return figures.get(id);
  }

  double figure(String id, int which) {
    long[] f = figures.get(id);
    return f == null ? Double.NaN : f[which];
  }

  Budget get(String id) {
    return byId.get(id);
  }

  Collection<Budget> all() {
    return byId.values();
  }

  Set<String> tenantsOf(String group) {
    return group == null ? Set.of() : tenantsByGroup.getOrDefault(group, Set.of());
  }

  /** Every budget on {@code resource} that encloses the agent: its own, its group's, its tenants', the cluster's. */
  List<Budget> applicable(String resource, String agentId, String group) {
    Set<String> tenants = tenantsOf(group);
    List<Budget> result = new ArrayList<>(4);
    for (Budget b : byId.values()) {
      if (b.resource().equals(resource) && encloses(b, agentId, group, tenants)) {
        result.add(b);
      }
    }
    return result;
  }

  private static boolean encloses(Budget b, String agentId, String group, Set<String> tenants) {
    return switch (b.scope()) {
      case AGENT -> b.target().equals(agentId);
      case GROUP -> b.target().equals(group);
      case TENANT -> tenants.contains(b.target());
      case CLUSTER -> true;
    };
  }

  static boolean isAgentScoped(Budget b) {
    return b.scope() == BudgetScope.AGENT;
  }
}
