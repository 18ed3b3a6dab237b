package io.agentgovernor.agent;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;

/**
 * One agent deployed on this node, as the node's other parts (monitor, failover, bridge,
 * enforcement) see it; the agent runtime keeps them in {@link LocalAgents} and alone changes them.
 */
public interface LocalAgent {

  String id();

  String type();

  String group();

  /** {@code never} or {@code on-node-loss}. */
  String restartPolicy();

  long deployedAt();

  boolean quotaCreated();

  AgentState state();

  /** Degradation strategies the agent has applied and not yet had lifted. */
  Set<String> activeStrategies();

  /** The agent itself. */
  GovernedAgent agent();

  /** The agent's context; its methods must run on the agent's context ({@link #onContext}). */
  AgentContext context();

  /** The fencing epoch of this copy (see {@link AgentContext#epoch()}). */
  long epoch();

  /** Runs an action on the agent's own context (its event loop), failing if the agent is gone. */
  <T> Future<T> onContext(Callable<T> action);

  /** The agent's running totals, for the monitor. */
  AgentMeter meter();

  /** Messages waiting in the agent's inbox. */
  int queuedMessages();

  /** Bytes of the messages waiting in the agent's inbox. */
  long queuedBytes();

  /** The objects the agent declared as its state ({@link AgentContext#retain}). */
  List<Object> retainedRoots();

  /**
   * The monitor's per-agent state, held on the agent rather than in a map keyed by id: at 100,000
   * agents the map lookups, cache misses each, were most of the sampling cost. Monitor thread only.
   */
  Object monitorState();

  void monitorState(Object state);

  /** The Agent JSON of DESIGN.md, without the live status. */
  JsonObject toJson(String node);
}
