package io.agentgovernor.cluster;

/** Names of the governor's Hazelcast maps. Values are JSON strings (compact and versionable). */
public final class Maps {

  private Maps() {
  }

  /** agentId → Quota JSON. */
  public static final String QUOTAS = "governor.quotas";
  /** group name → Group JSON. */
  public static final String GROUPS = "governor.groups";
  /** nodeId → Node JSON (spec, spare capacity); entries expire unless refreshed. */
  public static final String NODES = "governor.nodes";
  /** agentId → registration JSON. */
  public static final String AGENTS = "governor.agents";
  /** agentId → {@code {"time", "snapshot"}}: the agent's last state, for failover. */
  public static final String SNAPSHOTS = "governor.snapshots";
}
