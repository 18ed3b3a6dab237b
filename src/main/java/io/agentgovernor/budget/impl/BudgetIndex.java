package io.agentgovernor.budget.impl;

import io.agentgovernor.budget.Budget;
import io.agentgovernor.budget.BudgetScope;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * This node's copy of the budget definitions (kept current from the budget map's events), so the
 * budgets that enclose an agent are found without a network call. Tenants come from the
 * configuration: a tenant is a named set of groups.
 */
final class BudgetIndex {

  private final Map<String, Budget> byId = new ConcurrentHashMap<>();
  private final Map<String, Set<String>> tenantsByGroup = new ConcurrentHashMap<>();

  BudgetIndex(Map<String, Set<String>> tenants) {
    tenants.forEach((tenant, groups) -> groups.forEach(
        g -> tenantsByGroup.computeIfAbsent(g, k -> ConcurrentHashMap.newKeySet()).add(tenant)));
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

  /** The owner's latest figures as last seen in the map's events: {committed, outstanding, remaining}. */
  void figures(String id, long committed, long outstanding, long remaining) {
    figures.put(id, new long[] {committed, outstanding, remaining});
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
