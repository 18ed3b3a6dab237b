package io.agentgovernor.agent.impl;

import io.agentgovernor.agent.AgentState;
import io.agentgovernor.agent.GovernedAgent;
import io.agentgovernor.agent.LocalAgent;
import io.agentgovernor.agent.LocalAgents;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.concurrent.Callable;

/** One agent deployed on this node: the runtime's side of {@link LocalAgent}. */
public final class AgentHandle implements LocalAgent {

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

  /** The runtime's handle of a local agent, or null: the runtime alone adds to {@link LocalAgents}. */
  static AgentHandle of(LocalAgents agents, String id) {
    return (AgentHandle) agents.get(id);
  }

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

  @Override
  public String restartPolicy() {
    return restartPolicy;
  }

  @Override
  public String id() {
    return id;
  }

  @Override
  public String type() {
    return type;
  }

  @Override
  public String group() {
    return group;
  }

  public JsonObject config() {
    return config.copy();
  }

  @Override
  public GovernedAgent agent() {
    return agent;
  }

  @Override
  public AgentContextImpl context() {
    return context;
  }

  @Override
  public AgentAccount meter() {
    return context.account();
  }

  @Override
  public long epoch() {
    return context.epoch();
  }

  @Override
  public <T> Future<T> onContext(Callable<T> action) {
    return context.onContext(action);
  }

  @Override
  public int queuedMessages() {
    return context.queuedMessages();
  }

  @Override
  public long queuedBytes() {
    return context.queuedBytes();
  }

  @Override
  public List<Object> retainedRoots() {
    return context.retainedRoots();
  }

  @Override
  public Object monitorState() {
    return monitorState;
  }

  @Override
  public void monitorState(Object state) {
    this.monitorState = state;
  }

  @Override
  public long deployedAt() {
    return deployedAt;
  }

  @Override
  public boolean quotaCreated() {
    return quotaCreated;
  }

  public String deploymentId() {
    return deploymentId;
  }

  void deployed(String deploymentId) {
    this.deploymentId = deploymentId;
  }

  @Override
  public AgentState state() {
    return state;
  }

  void state(AgentState state) {
    this.state = state;
  }

  @Override
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

  @Override
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
