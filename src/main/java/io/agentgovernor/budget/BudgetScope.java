package io.agentgovernor.budget;

import io.agentgovernor.bus.GovernorException;
import java.util.Locale;

/**
 * Whose spending a budget bounds, from the narrowest to the widest: one agent, a quota group, a
 * tenant (a named set of groups: {@link Tenant}, seeded from {@code budgets.tenants}, changed over
 * {@code /api/v1/tenants}) or the whole
 * cluster. A reservation must fit every budget that encloses the agent for its resource.
 */
public enum BudgetScope {
  AGENT, GROUP, TENANT, CLUSTER;

  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static BudgetScope of(String name) {
    if (name != null) {
      for (BudgetScope s : values()) {
        if (s.wireName().equals(name.toLowerCase(Locale.ROOT))) {
          return s;
        }
      }
    }
    throw GovernorException.invalid("scope must be one of agent, group, tenant, cluster (got '" + name + "')");
  }
}
