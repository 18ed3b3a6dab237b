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
   * Reply {@code {"agentId", "compliant", "violations": [{"resource", "violation", "current", "limit"}]}}:
   * any violation, soft included, makes the agent non-compliant; {@code violation} says which kind
   * ({@code soft}, {@code hard}, {@code burst}).
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

  // ---- agents (AgentRuntimeVerticle). Requests about one agent may reach any node: the receiver
  // ---- answers for its own agents and forwards the rest to the owning node.

  /**
   * Deploy an agent by registered type. Request {@code {"id", "type", "group", "config"?,
   * "quota"?: {"priority"?, "limits"?}, "node"?}} ({@code node}: deploy there instead of here).
   * Creates the agent's quota from its group (with {@code quota.limits} overriding) unless one
   * exists. Reply: the Agent. Fails INVALID_ID, UNKNOWN_TYPE, UNKNOWN_GROUP, INVALID_LIMIT,
   * ALREADY_EXISTS (a live agent has that id anywhere in the cluster), ADMISSION_REFUSED, NOT_FOUND
   * (unknown node).
   */
  public static final String AGENT_DEPLOY = "governor.agent.deploy";
  /** Undeploy an agent. Request {@code {"id", "keepQuota"?}}. Reply: the Agent, state terminated. Fails NOT_FOUND. */
  public static final String AGENT_UNDEPLOY = "governor.agent.undeploy";
  /** One agent with its live status. Request {@code {"id"}}. Reply: the Agent. Fails NOT_FOUND. */
  public static final String AGENT_GET = "governor.agent.get";
  /**
   * Agents ordered by id. Request {@code {"offset"?, "limit"? (1..1000), "node"?, "group"?,
   * "state"?, "type"?}}. Reply {@code {"items": [Agent], "total", "offset", "limit"}}.
   */
  public static final String AGENT_LIST = "governor.agent.list";
  /** The registered agent types. Request {@code {}}. Reply {@code {"items": [{"type", "description", "configKeys"}]}}. */
  public static final String AGENT_TYPES = "governor.agent.types";
  /**
   * Deliver a JSON body to an agent's inbox ({@link #agentInbox}). Request {@code {"id", "body"}}.
   * Reply {@code {"id", "accepted": true, "queued": n}}. Fails NOT_FOUND, INVALID_STATE (terminated),
   * RATE_LIMITED (its inbox is full).
   */
  public static final String AGENT_SEND = "governor.agent.send";

  /**
   * Carry out a control command on an agent (used by enforcement, degradation and operators'
   * actions). Request {@code {"agentId", "command", "params"?}} with command one of
   * {@code throttle {"factor"}}, {@code suspend}, {@code resume}, {@code notice {"graceMs"}},
   * {@code scale_down {"resource", "target", "deadline"}}, {@code degrade {"strategy", "params",
   * "active"}}, {@code snapshot}, {@code undeploy {"keepQuota"?}}, {@code migrate_out {"target"}}.
   * Reply {@code {"agentId", "command", "outcome": "applied|unsupported", "state", ...}}.
   * Fails NOT_FOUND, INVALID_STATE, INVALID_REQUEST.
   */
  public static final String RUNTIME_CONTROL = "governor.runtime.control";

  /**
   * Lease confirmation, node-specific ({@code onNode(LEASE_CONFIRM, node)}). Request
   * {@code {"incarnation"}}; reply {@code {"member": true|false, "node"}}: whether the asking
   * process is a member in the answering node's view of the cluster.
   */
  public static final String LEASE_CONFIRM = "governor.lease.confirm";

  /** The node-specific form of a routed address: {@code <address>.<nodeId>}. */
  public static String onNode(String address, String nodeId) {
    return address + "." + nodeId;
  }

  // ---- monitor (MonitorVerticle) ----

  /** The latest sample of an agent. Request {@code {"agentId"}}. Reply: Usage {@code {"agentId", "node", "time", "usage": {resource: n}}}. */
  public static final String MONITOR_USAGE = "governor.monitor.usage";
  /**
   * An agent's history. Request {@code {"agentId", "resource"?, "from"?, "to"?}} (epoch ms).
   * Reply {@code {"agentId", "from", "to", "series": {resource: [{"time", "value", "min"?, "max"?}]}}},
   * raw samples for the recent past and rollups further back. Fails NOT_FOUND, INVALID_RANGE.
   */
  public static final String MONITOR_MEASUREMENTS = "governor.monitor.measurements";
  /**
   * The agent's latest usage checked against its quota. Request {@code {"agentId"}}. Reply
   * {@code {"agentId", "compliant", "usage", "violations": [...]}}; {@code compliant} is false on
   * any violation, soft included, each violation naming its kind.
   */
  public static final String MONITOR_COMPLIANCE = "governor.monitor.compliance";

  // ---- enforcement (EnforcementVerticle) ----

  /**
   * An agent's enforcement history, newest first. Request {@code {"agentId", "offset"?, "limit"?}}.
   * Reply {@code {"agentId", "state", "throttleFactor"?, "items": [EnforcementEvent], "total"}}.
   */
  public static final String ENFORCEMENT_HISTORY = "governor.enforcement.history";
  /**
   * An operator's action. Request {@code {"agentId", "action", "params"?, "reason"?}} with action
   * one of warn, throttle, suspend, resume, terminate, scale_down, migrate, custom. Reply: the
   * EnforcementEvent with its real outcome. Fails UNKNOWN_ACTION, NOT_FOUND, INVALID_STATE.
   */
  public static final String ENFORCEMENT_ACTION = "governor.enforcement.action";
  /** Agents under an action. Request {@code {"state": "throttled|suspended"}}. Reply {@code {"items": [{"agentId", "node", "since", ...}]}}. */
  public static final String ENFORCEMENT_LIST = "governor.enforcement.list";
  /**
   * Node-local: record an enforcement the kernel carried out on one of this node's agents (an OOM
   * kill in a process agent's cgroup), so it is in the agent's history and on the feed like the
   * ladder's own. Request {@code {"agentId", "resource", "violation", "current", "limit", "action",
   * "reason", "cause", "enforcedBy", "detail"?}}. Reply: the EnforcementEvent (outcome success).
   * Fails INVALID_REQUEST, UNKNOWN_ACTION, NOT_FOUND.
   */
  public static final String ENFORCEMENT_RECORD = "governor.enforcement.record";

  // ---- analytics (AnalyticsVerticle) ----

  /** Request {@code {"agentId"}}. Reply {@code {"agentId", "time", "patterns": {resource: Pattern}}}. */
  public static final String ANALYTICS_PATTERNS = "governor.analytics.patterns";
  /** Request {@code {"agentId"}}. Reply {@code {"agentId", "items": [Recommendation]}}. */
  public static final String ANALYTICS_RECOMMENDATIONS = "governor.analytics.recommendations";
  /** Apply a recommendation. Request {@code {"agentId", "recommendationId"}}. Reply: the new Quota. */
  public static final String ANALYTICS_APPLY = "governor.analytics.apply";
  /**
   * A report. Request {@code {"agentId"?, "from"?, "to"?}}. Reply {@code {"from", "to", "agents":
   * [{"agentId", "usage": {resource: stats}, "violations", "actions", "patterns", "recommendations"}]}}.
   * Fails INVALID_RANGE (from > to), NOT_FOUND (unknown agent).
   */
  public static final String ANALYTICS_REPORT = "governor.analytics.report";
  /** Run the analysis now. Request {@code {"agentId"?}}. Reply {@code {"analysed": n}}. */
  public static final String ANALYTICS_RUN = "governor.analytics.run";

  // ---- degradation (DegradationVerticle) ----

  /** Request {@code {}}. Reply {@code {"nodes": [{"node", "level", "pressure"}], "agents": [{"agentId", "resource", "level", "plan"}]}}. */
  public static final String DEGRADATION_STATUS = "governor.degradation.status";
  /** Request {@code {}}. Reply {@code {"plans": [RecoveryPlan], "history": [RecoveryEvent]}}. */
  public static final String RECOVERY_STATUS = "governor.recovery.status";

  // ---- capacity (CapacityVerticle) ----

  /** List the live nodes with their spec and spare capacity. Request {@code {}}. Reply {@code {"items": [Node]}}. */
  public static final String CAPACITY_NODES = "governor.capacity.nodes";
  /**
   * Pick the peer with the most spare capacity for a resource that fits an amount. Request
   * {@code {"resource", "amount", "exclude"?: nodeId}}. Reply {@code {"nodeId"}} or fails NOT_FOUND.
   */
  public static final String CAPACITY_TARGET = "governor.capacity.target";
  /**
   * This node's usage totals, sent by the monitor after each sampling pass (handled by this node's
   * own consumer, one way): {@code {"usage": {resource: n}, "agents": n}} summed over its agents.
   */
  public static final String CAPACITY_USAGE = "governor.capacity.usage";

  // ---- budgets (BudgetVerticle; state in the budget map, grants from this node's slices) ----

  /**
   * Create a budget. Request: a Budget {@code {"id", "resource", "amount", "window", "scope",
   * "target"?, "action"?}}. Reply: its status (see {@link #BUDGET_GET}). Fails INVALID_REQUEST,
   * INVALID_ID, INVALID_LIMIT, UNKNOWN_RESOURCE, ALREADY_EXISTS.
   */
  public static final String BUDGET_CREATE = "governor.budget.create";
  /** Create or redefine a budget (what is spent and outstanding stays). Request and reply as create. */
  public static final String BUDGET_PUT = "governor.budget.put";
  /**
   * A budget's status, read at its owner. Request {@code {"id"}}. Reply {@code {"budget", "committed",
   * "outstanding", "remaining", "overrun", "chargedInFull", "windowStart", "windowEnd",
   * "burnRatePerSecond", "forecastExhaustionAt"?, "usedFraction", "heldByNode", "reportedAtByNode"}}: per
   * node holding a slice, what it holds and when (its clock, epoch ms) it read the figures of its
   * last report the owner counted (0: none yet). Fails NOT_FOUND.
   */
  public static final String BUDGET_GET = "governor.budget.get";
  /**
   * A budget's recent figures as this node received them from its owner, one point per
   * {@code budgets.historyIntervalMs}, the current window only, at most {@code budgets.historyPoints}.
   * Request {@code {"id"}}. Reply {@code {"id", "intervalMs", "windowStart"?, "points": [[time,
   * committed, outstanding, remaining], ...]}} oldest first. Fails NOT_FOUND.
   */
  public static final String BUDGET_HISTORY = "governor.budget.history";
  /** Every budget's status, by id. Request {@code {}}. Reply {@code {"items": [status]}}. */
  public static final String BUDGET_LIST = "governor.budget.list";
  /** Delete a budget. Request {@code {"id"}}. Reply {@code {"id", "deleted": true}}. Fails NOT_FOUND. */
  public static final String BUDGET_DELETE = "governor.budget.delete";
  /**
   * Reserve against every budget enclosing an agent, served by the sending node's own budget part
   * (a local consumer; node-specific for others: {@code onNode(BUDGET_RESERVE, node)}, which agents use). Request {@code {"agentId", "resource", "amount", "group"?, "epoch"?,
   * "leaseMs"?, "wait"?, "waitMs"?}} ({@code group} defaults to the agent's quota group). Reply
   * {@code {"status": "granted", "id", "amount", "expiresAt", "node", "budgets"}} or
   * {@code {"status": "denied", "denial": {"budgetId", "scope", "target"?, "amount", "remaining",
   * "outstanding", "committed", "refillsAt", "action"}, "message"}}; with {@code wait} (or a budget
   * whose action is {@code queue}) the reply waits for the window to refill, up to {@code waitMs}.
   * Fails INVALID_REQUEST, INVALID_ID, UNKNOWN_RESOURCE, RATE_LIMITED (the agent holds
   * {@code budgets.maxReservationsPerAgent} unsettled reservations on that node).
   */
  public static final String BUDGET_RESERVE = "governor.budget.reserve";
  /**
   * Settle a reservation on whichever node granted it (a local consumer that forwards to the
   * granter's {@code onNode(BUDGET_SETTLE, node)}). Request {@code {"id", "actual"?, "agentId"?}}: commit
   * {@code actual} (may exceed the reservation: the excess is charged), or release when absent;
   * with {@code agentId}, only a reservation of that agent (an outside agent settling over the
   * bridge). Reply {@code {"id", "reserved", "charged", "excess", "overrun"}}. Fails NOT_FOUND
   * (unknown, settled, or its node is gone: then it was charged in full), FORBIDDEN (another agent's).
   */
  public static final String BUDGET_SETTLE = "governor.budget.settle";
  /** Every tenant, by name. Request {@code {}}. Reply {@code {"items": [{"name", "groups"}]}}. */
  public static final String TENANT_LIST = "governor.tenant.list";
  /** A tenant. Request {@code {"name"}}. Reply {@code {"name", "groups"}}. Fails NOT_FOUND. */
  public static final String TENANT_GET = "governor.tenant.get";
  /**
   * Create or replace a tenant: {@code {"name", "groups": [group, ...]}}; applies at once to the
   * budgets of the agents of those groups. Reply: the stored tenant. Fails INVALID_REQUEST, INVALID_ID.
   */
  public static final String TENANT_PUT = "governor.tenant.put";
  /**
   * Delete a tenant. Request {@code {"name"}}. Reply {@code {"name", "deleted": true}}. Fails
   * NOT_FOUND, INVALID_STATE (the node's {@code budgets.tenants} defines it: change it there, or
   * empty its groups with a put).
   */
  public static final String TENANT_DELETE = "governor.tenant.delete";
  /** Published by a node short of room: {@code {"budgetId", "node"}}; holders give back what they do not use. */
  public static final String BUDGET_WANTED = "governor.budget.wanted";

  // ---- events (published) ----

  /**
   * Every governor event but measurements, published cluster-wide: {@code {"type", "agentId"?,
   * "node", "time", ...}} with type one of {@code alert}, {@code violation}, {@code enforcement},
   * {@code degradation}, {@code recovery}, {@code recommendation}, {@code node}, {@code agent},
   * {@code budget} ({@code {"budgetId", "level": "warning|exhausted", "committed", "remaining", ...}}).
   * Low rate (decisions, not samples); the live feed of every node consumes it once and fans out.
   */
  public static final String EVENTS = "governor.events";

  /**
   * Measurements, published by each node once per sampling interval as one batch:
   * {@code {"node", "time", "count", "samples": [{"agentId", "usage": {resource: n}}]}}, {@code count}
   * being the agents sampled. {@code samples} holds only the agents some feed wants (see
   * {@link #FEED_INTEREST}); while no feed in the cluster wants any, the batch is published on this
   * node only, with no samples (the node's metrics count it).
   */
  public static final String EVENTS_MEASUREMENTS = "governor.events.measurements";

  /**
   * Which measurements the live feeds want, published cluster-wide by each node's feed when what
   * its subscribers want changes and every 10 s while they want any: {@code {"hub", "ttlMs",
   * "agents"?}} (no {@code agents}: every agent; {@code ttlMs} 0: none any more). A monitor that
   * starts publishes {@code {"ask": true}} and the feeds answer with their announcement.
   */
  public static final String FEED_INTEREST = "governor.feed.interest";

  /** The inbox of an agent: {@code governor.agent.<id>}. */
  public static String agentInbox(String agentId) {
    return "governor.agent." + agentId;
  }
}
