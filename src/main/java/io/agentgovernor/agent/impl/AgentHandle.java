package io.agentgovernor.agent.impl;

import io.agentgovernor.agent.AgentState;
import io.agentgovernor.agent.GovernedAgent;
import io.vertx.core.json.JsonObject;

/** One agent deployed on this node: what the runtime, the sampler and enforcement need of it. */
public final class AgentHandle {

  private final String id;
  private final String type;
  private final String group;
  private final JsonObject config;
  private final GovernedAgent agent;
  private final AgentContextImpl context;
  private final long deployedAt;
  private final boolean quotaCreated;
  private final String restartPolicy;
  private final java.util.Set<String> activeStrategies = java.util.concurrent.ConcurrentHashMap.newKeySet();
  private volatile String deploymentId;
  private volatile AgentState state = AgentState.DEPLOYING;
  private volatile boolean terminating;
  private final java.util.concurrent.atomic.AtomicBoolean undeploying = new java.util.concurrent.atomic.AtomicBoolean();
  /** What the node's monitor keeps of this agent between samples; the monitor's thread only. */
  private Object monitorState;

  AgentHandle(String id, String type, String group, JsonObject config, GovernedAgent agent,
              AgentContextImpl context, long deployedAt, boolean quotaCreated, String restartPolicy) {
    this.id = id;
    this.type = type;
    this.group = group;
    this.config = config;
    this.agent = agent;
    this.context = context;
    this.deployedAt = deployedAt;
    this.quotaCreated = quotaCreated;
    this.restartPolicy = restartPolicy;
  }

  /** {@code never} or {@code on-node-loss}. */
  public String restartPolicy() {
    return restartPolicy;
  }

  public String id() {
    return id;
  }

  public String type() {
    return type;
  }

  public String group() {
    return group;
  }

  public JsonObject config() {
    return config.copy();
  }

  public GovernedAgent agent() {
    return agent;
  }

  public AgentContextImpl context() {
    return context;
  }

  public AgentAccount account() {
    return context.account();
  }

  /**
   * The monitor's per-agent state, held here rather than in a map keyed by id: at 100,000 agents
   * the map lookups, cache misses each, were most of the sampling cost.
   */
  public Object monitorState() {
    return monitorState;
  }

  public void monitorState(Object state) {
    this.monitorState = state;
  }

  public long deployedAt() {
    return deployedAt;
  }

  public boolean quotaCreated() {
    return quotaCreated;
  }

  public String deploymentId() {
    return deploymentId;
  }

  void deployed(String deploymentId) {
    this.deploymentId = deploymentId;
  }

  public AgentState state() {
    return state;
  }

  void state(AgentState state) {
    this.state = state;
  }

  /** Degradation strategies the agent has applied and not yet had lifted. */
  public java.util.Set<String> activeStrategies() {
    return java.util.Set.copyOf(activeStrategies);
  }

  void strategy(String strategy, boolean active) {
    if (active) {
      activeStrategies.add(strategy);
    } else {
      activeStrategies.remove(strategy);
    }
  }

  /** Claims the undeploy of this copy: false if one is already under way. */
  boolean beginUndeploy() {
    return undeploying.compareAndSet(false, true);
  }

  void terminating() {
    terminating = true;
  }

  /** The state its control flags add up to, the strongest first. */
  AgentState derivedState() {
    if (terminating) {
      return AgentState.TERMINATING;
    }
    if (context.suspended()) {
      return AgentState.SUSPENDED;
    }
    if (context.throttleFactor() < 1.0) {
      return AgentState.THROTTLED;
    }
    return activeStrategies.isEmpty() ? AgentState.RUNNING : AgentState.DEGRADED;
  }

  /** The Agent JSON of DESIGN.md, without the live status. */
  public JsonObject toJson(String node) {
    return new JsonObject()
        .put("id", id)
        .put("type", type)
        .put("group", group)
        .put("node", node)
        .put("epoch", context.epoch())
        .put("state", state.wireName())
        .put("deployedAt", deployedAt)
        .put("config", config.copy())
        .put("throttleFactor", context.throttleFactor())
        .put("strategies", new io.vertx.core.json.JsonArray(java.util.List.copyOf(activeStrategies)))
        .put("quotaCreated", quotaCreated)
        .put("restartPolicy", restartPolicy);
  }
}
