package io.agentgovernor.budget.impl;

import io.agentgovernor.budget.Budget;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.micrometer.backends.BackendRegistries;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Prometheus figures of the budgets, in the node's registry (served at {@code /metrics}):
 * per budget its amount, committed, outstanding and remaining (cluster-wide figures as this node
 * last saw them in the budget map's events, so within milliseconds of the owner's) and what this
 * node holds unreserved of it ({@code governor_budget_node_available}); per node the reservations
 * granted, denied, expired (charged in full) and outstanding.
 */
final class BudgetMetrics {

  private final MeterRegistry registry;
  private final List<Meter> meters = new ArrayList<>();
  private final Map<String, Boolean> perBudget = new ConcurrentHashMap<>();

  BudgetMetrics(String nodeId, BudgetLedger ledger, BudgetIndex index) {
    this.registry = BackendRegistries.getNow(nodeId);
    if (registry == null) {
      return;
    }
    meters.add(FunctionCounter.builder("governor.budget.reservations.granted", ledger, l -> l.granted.get())
        .description("Reservations granted on this node").register(registry));
    meters.add(FunctionCounter.builder("governor.budget.reservations.denied", ledger, l -> l.denied.get())
        .description("Reservations refused on this node").register(registry));
    meters.add(FunctionCounter.builder("governor.budget.reservations.expired", ledger, l -> l.expired.get())
        .description("Reservations not settled within their lease, charged in full").register(registry));
    meters.add(FunctionCounter.builder("governor.budget.reservations.waited", ledger, l -> l.waitedForLease.get())
        .description("Reservations that found too little room on this node and went to the budget's owner").register(registry));
    meters.add(FunctionCounter.builder("governor.budget.leases.ahead", ledger, l -> l.leasedAhead.get())
        .description("Slices topped up ahead of need (budgets.prefetchAt), off the reservations' path").register(registry));
    meters.add(Gauge.builder("governor.budget.reservations.outstanding", ledger, BudgetLedger::outstandingReservations)
        .description("Reservations granted on this node and not settled").register(registry));
    for (Budget b : index.all()) {
      track(b, ledger, index);
    }
    index.onAdded(b -> track(b, ledger, index));
  }

  private void track(Budget b, BudgetLedger ledger, BudgetIndex index) {
    if (registry == null || perBudget.putIfAbsent(b.id(), true) != null) {
      return;
    }
    String id = b.id();
    meters.add(Gauge.builder("governor.budget.amount", index, i -> {
      Budget now = i.get(id);
      return now == null ? Double.NaN : now.amount();
    }).tag("budget", id).tag("resource", b.resource()).description("The budget's amount per window").register(registry));
    String[] names = {"committed", "outstanding", "remaining"};
    for (int i = 0; i < names.length; i++) {
      int which = i;
      meters.add(Gauge.builder("governor.budget." + names[i], index, x -> x.figure(id, which)).tag("budget", id)
          .tag("resource", b.resource()).description("The budget's " + names[i] + " (cluster-wide, as last seen in its map's events)")
          .register(registry));
    }
    meters.add(Gauge.builder("governor.budget.node.available", ledger, l -> l.available(id)).tag("budget", id)
        .description("Room this node holds of the budget, not reserved").register(registry));
  }

  void close() {
    if (registry != null) {
      meters.forEach(registry::remove);
    }
  }
}
