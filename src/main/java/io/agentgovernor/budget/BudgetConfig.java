package io.agentgovernor.budget;

import io.agentgovernor.bus.GovernorException;
import io.agentgovernor.bus.Ids;
import io.agentgovernor.bus.Json;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The {@code budgets} section of the configuration, validated at start.
 *
 * @param sliceFraction     the share of a budget's amount a node leases at a time (0.0001 .. 0.5)
 * @param prefetchAt        after a grant leaves less than this share of a slice on the node, it leases
 *                          ahead, up to one slice, in the background (0: never, a reservation that
 *                          finds too little waits for the lease)
 * @param sliceLeaseMs      a slice not renewed within this is charged in full at the owner
 * @param flushIntervalMs   how often a node reports spending, renews leases and gives back room
 * @param idleReturnMs      a slice unused this long is given back
 * @param rebalanceWaitMs   how long a reservation waits for other nodes to give back room before it is refused
 * @param reservationLeaseMs the lease of a reservation that names none; unsettled at its end, it is charged in full
 * @param maxReservationLeaseMs the longest lease a reservation may ask for
 * @param maxQueueMs        the longest a queued reservation waits for its window to refill
 * @param historyIntervalMs how often each budget's figures are recorded for its burn-down history
 * @param historyPoints     points of burn-down history kept per budget (0: none)
 * @param maxReservationsPerAgent unsettled reservations one agent may hold on a node; more are refused (RATE_LIMITED)
 * @param tenants           tenant name → the groups it holds
 * @param budgets           budgets created at start unless a budget with that id exists
 */
public record BudgetConfig(double sliceFraction, double prefetchAt, long sliceLeaseMs, long flushIntervalMs,
                           long idleReturnMs, long rebalanceWaitMs, long reservationLeaseMs, long maxReservationLeaseMs, long maxQueueMs,
                           long historyIntervalMs, int historyPoints, int maxReservationsPerAgent,
                           Map<String, Set<String>> tenants, List<Budget> budgets) {

  public static BudgetConfig ofDefaults() {
    return fromJson(new JsonObject());
  }

  public static BudgetConfig fromJson(JsonObject json) {
    String p = "budgets";
    Double fraction = Json.optNumber(json, "sliceFraction", p);
    if (fraction != null && (fraction < 0.0001 || fraction > 0.5)) {
      throw GovernorException.invalid("budgets.sliceFraction must be in [0.0001, 0.5]");
    }
    Double prefetchAt = Json.optNumber(json, "prefetchAt", p);
    if (prefetchAt != null && !(prefetchAt >= 0 && prefetchAt < 1)) {
      throw GovernorException.invalid("budgets.prefetchAt must be in [0, 1)");
    }
    long lease = opt(json, "sliceLeaseMs", 1_000, 600_000, 30_000);
    long maxLease = opt(json, "maxReservationLeaseMs", 1_000, 86_400_000, 3_600_000);
    long reservationLease = opt(json, "reservationLeaseMs", 100, maxLease, 60_000);
    Map<String, Set<String>> tenants = new LinkedHashMap<>();
    JsonObject t = Json.optObject(json, "tenants", p);
    if (t != null) {
      for (String name : t.fieldNames()) {
        Ids.require(name, "budgets.tenants key");
        JsonArray groups = Json.optArray(t, name, "budgets.tenants");
        if (groups == null) {
          throw GovernorException.invalid("budgets.tenants." + name + " must be a list of group names");
        }
        Set<String> set = new LinkedHashSet<>();
        for (Object g : groups) {
          set.add(Ids.require(g instanceof String s ? s : null, "budgets.tenants." + name + " group"));
        }
        tenants.put(name, Set.copyOf(set));
      }
    }
    List<Budget> budgets = new ArrayList<>();
    JsonArray list = Json.optArray(json, "budgets", p);
    if (list != null) {
      for (int i = 0; i < list.size(); i++) {
        try {
          budgets.add(Budget.fromJson(Json.object(list.getValue(i), "budgets.budgets[" + i + "]")));
        } catch (GovernorException e) {
          throw new GovernorException(e.code(), "budgets.budgets[" + i + "]: " + e.getMessage());
        }
      }
    }
    return new BudgetConfig(fraction == null ? 0.01 : fraction, prefetchAt == null ? 0.5 : prefetchAt, lease,
        opt(json, "flushIntervalMs", 10, 10_000, 100), opt(json, "idleReturnMs", 100, 600_000, 2_000), opt(json, "rebalanceWaitMs", 0, 60_000, 1_000),
        reservationLease, maxLease, opt(json, "maxQueueMs", 0, 86_400_000, 120_000),
        opt(json, "historyIntervalMs", 100, 3_600_000, 2_000), (int) opt(json, "historyPoints", 0, 10_000, 300),
        (int) opt(json, "maxReservationsPerAgent", 1, 1_000_000, 1_000),
        Map.copyOf(tenants),
        List.copyOf(budgets));
  }

  private static long opt(JsonObject json, String field, long min, long max, long dflt) {
    Long v = Json.optLong(json, field, "budgets", min, max);
    return v == null ? dflt : v;
  }
}
