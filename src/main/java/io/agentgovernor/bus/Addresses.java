package io.agentgovernor.bus;

/**
 * Every event-bus address the governor uses, in one place: {@code governor.domain.noun[.verb]}.
 *
 * <p>Requests (commands and queries) take a JSON object and reply with a JSON object, or fail
 * with an {@link ErrorCode} failure code and a message safe to show a client. Publications are
 * events. Every handler is idempotent where a retry could repeat it.
 */
public final class Addresses {

  private Addresses() {
  }

  // ---- quota (QuotaVerticle, on every node; state in Hazelcast, so any node answers) ----

  /**
   * Create a quota. Request {@code {"agentId", "group", "priority"?, "limits"?, "dryRun"?}}: the
   * group's default limits, each overridden by {@code limits} if given. Reply: the Quota.
   * Fails INVALID_ID, INVALID_LIMIT, UNKNOWN_RESOURCE, UNKNOWN_GROUP, ALREADY_EXISTS,
   * ADMISSION_REFUSED (the group's cluster-wide total would be exceeded).
   */
  public static final String QUOTA_CREATE = "governor.quota.create";
  /** Get a quota. Request {@code {"agentId"}}. Reply: the Quota. Fails INVALID_ID, NOT_FOUND. */
  public static final String QUOTA_GET = "governor.quota.get";
  /**
   * Replace a quota's group, priority, limits or dry-run flag. Request as for create plus
   * {@code "version"?} (applies only if the stored version matches) and {@code "upsert"?} (create
   * when absent). Reply: the new Quota, its version incremented. Fails as create, plus NOT_FOUND
   * and VERSION_CONFLICT.
   */
  public static final String QUOTA_UPDATE = "governor.quota.update";
  /** Delete a quota. Request {@code {"agentId"}}. Reply {@code {"agentId", "deleted": true}}. Fails NOT_FOUND. */
  public static final String QUOTA_DELETE = "governor.quota.delete";
  /**
   * List quotas ordered by agent id. Request {@code {"offset"?, "limit"? (1..1000, default 100),
   * "group"?}}. Reply {@code {"items": [Quota], "total", "offset", "limit"}}.
   */
  public static final String QUOTA_LIST = "governor.quota.list";
  /**
   * Check usage against an agent's quota. Request {@code {"agentId", "usage": {resource: n}}}.
   * Reply {@code {"agentId", "compliant", "violations": [{"resource", "violation", "current", "limit"}]}}.
   */
  public static final String QUOTA_COMPLIANCE = "governor.quota.compliance";

  /** Get a group. Request {@code {"name"}}. Reply: the Group. Fails NOT_FOUND. */
  public static final String GROUP_GET = "governor.group.get";
  /** List groups. Request {@code {}}. Reply {@code {"items": [Group]}} ordered by name. */
  public static final String GROUP_LIST = "governor.group.list";
  /**
   * Create or replace a group. Request: a Group. Reply: the stored Group. Fails INVALID_GROUP,
   * INVALID_LIMIT, UNKNOWN_RESOURCE.
   */
  public static final String GROUP_PUT = "governor.group.put";

  // ---- capacity (CapacityVerticle) ----

  /** List the live nodes with their spec and spare capacity. Request {@code {}}. Reply {@code {"items": [Node]}}. */
  public static final String CAPACITY_NODES = "governor.capacity.nodes";
  /**
   * Pick the peer with the most spare capacity for a resource that fits an amount. Request
   * {@code {"resource", "amount", "exclude"?: nodeId}}. Reply {@code {"nodeId"}} or fails NOT_FOUND.
   */
  public static final String CAPACITY_TARGET = "governor.capacity.target";

  // ---- events (published) ----

  /** Every node's lifecycle: {@code {"type": "node", "node", "event": "joined|left|ready", "time"}}. */
  public static final String EVENTS_NODE = "governor.events.node";

  /** The inbox of an agent: {@code governor.agent.<id>}. */
  public static String agentInbox(String agentId) {
    return "governor.agent." + agentId;
  }
}
