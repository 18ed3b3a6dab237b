package io.agentgovernor.agent;

import io.agentgovernor.agent.impl.AgentRuntimeVerticle;
import io.vertx.core.Deployable;

/** The agent runtime part, as the node assembles it (its implementation stays in {@code impl}). */
public final class AgentRuntime {

  private AgentRuntime() {
  }

  /** Checks the {@code agents} section; throws naming the fault. */
  public static void validate(io.vertx.core.json.JsonObject agents) {
    AgentRuntimeVerticle.inboxBound(agents);
  }

  /**
   * The verticle that deploys agents by type, keeps the {@link Registry} and this node's
   * {@link LocalAgents}, and carries out control commands ({@code governor.agent.*} addresses).
   */
  public static Deployable verticle(RuntimeContext node) {
    return new AgentRuntimeVerticle(node);
  }
}
