package io.agentgovernor.cluster;

/** Names of the governor's Hazelcast maps. Values are JSON strings (compact and versionable). */
public final class Maps {

  private Maps() {
  }

  /** agentId → Quota JSON. */
  public static final String QUOTAS = "governor.quotas";
  /** group name → Group JSON. */
  public static final String GROUPS = "governor.groups";
  /** tenant name → Tenant JSON (a named set of groups; read and written by the budget part). */
  public static final String TENANTS = "governor.tenants";
  /** Budget id → the budget's state: definition, window, committed, slices (budget part). */
  public static final String BUDGETS = "governor.budgets";
  /** nodeId → Node JSON (spec, spare capacity); entries expire unless refreshed. */
  public static final String NODES = "governor.nodes";
  /** agentId → registration JSON. */
  public static final String AGENTS = "governor.agents";
  /** agentId → {@code {"time", "snapshot"}}: the agent's last state, for failover. */
  public static final String SNAPSHOTS = "governor.snapshots";

  /**
   * The value a deleted entry keeps for a while instead of vanishing, so that an older copy (a
   * late event, a minority's data at a split-brain merge) never brings it back: it carries the
   * version after the last live one. {@link MapMirror} treats it as a removal, the store deletes
   * the row.
   */
  public static String tombstone(long version) {
    return TOMBSTONE_PREFIX + version + "}";
  }

  /**
   * A {@link #tombstone} that names the delete that wrote it ({@code by}, unique per request), so
   * a retry of that delete recognises its own.
   */
  public static String tombstone(long version, long by) {
    return TOMBSTONE_PREFIX + version + ",\"by\":" + by + "}";
  }

  /** True if the stored value is a {@link #tombstone}. */
  public static boolean isTombstone(String value) {
    return value != null && value.startsWith(TOMBSTONE_PREFIX);
  }

  /** How long a tombstone stays in the map (longer than any split the cluster heals from). */
  public static final long TOMBSTONE_TTL_SECONDS = 24 * 3600;

  private static final String TOMBSTONE_PREFIX = "{\"deleted\":true,\"version\":";
}
