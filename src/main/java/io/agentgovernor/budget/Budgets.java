package io.agentgovernor.budget;

import com.hazelcast.config.Config;
import io.agentgovernor.budget.impl.BudgetStore;
import io.agentgovernor.budget.impl.BudgetVerticle;
import io.agentgovernor.budget.impl.BusReservation;
import io.agentgovernor.quota.QuotaContext;
import io.vertx.core.Deployable;
import io.vertx.core.Future;
import io.vertx.core.Vertx;

/** The budget part, as the node assembles it (its implementation stays in {@code impl}). */
public final class Budgets {

  private Budgets() {
  }

  /**
   * The verticle that owns the budgets map ({@code governor.budgets}): slices leased from each
   * budget's owner, reservations, commits and releases, and the {@code governor.budget.*} addresses.
   */
  public static Deployable verticle(QuotaContext node) {
    return new BudgetVerticle(node);
  }

  /** Adds the budgets map's configuration (backups, split-brain protection, merge policy). */
  public static void configureMaps(Config hz, int backupCount, String splitBrainProtection) {
    BudgetStore.configure(hz, backupCount, splitBrainProtection);
  }

  /** A reservation for an agent on this node, through the node's budget part (its event bus addresses). */
  public static Future<Reservation> reserve(Vertx vertx, String nodeId, String agentId, String group, long epoch,
                                            String resource, long amount, ReserveOptions options) {
    return BusReservation.reserve(vertx, nodeId, agentId, group, epoch, resource, amount, options);
  }
}
