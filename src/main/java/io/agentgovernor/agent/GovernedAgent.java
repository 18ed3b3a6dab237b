package io.agentgovernor.agent;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.json.JsonObject;

/**
 * The base of every agent: a verticle whose work goes through its {@link AgentContext}, so the
 * governor can measure, throttle, suspend, migrate and degrade it.
 *
 * <p>An agent implements {@link #onStart()} (install its inbox handler and timers through
 * {@link #agent()}), and overrides the control callbacks it can do better than the defaults. The
 * governor enforces whatever the agent does with its callbacks: a throttle slows its handlers and
 * timers, a suspension pauses them, whether or not the agent cooperates.
 */
public abstract class GovernedAgent extends VerticleBase {

  private AgentContext agentContext;
  private java.util.function.Supplier<Future<?>> onContextStart;

  /**
   * Called by the runtime before deployment; not for agents. {@code onContextStart} runs first
   * thing on the agent's own context (where the runtime opens its inbox).
   */
  public final void bind(AgentContext context, java.util.function.Supplier<Future<?>> onContextStart) {
    if (agentContext != null) {
      throw new IllegalStateException("agent already bound to " + agentContext.id());
    }
    this.agentContext = context;
    this.onContextStart = onContextStart;
  }

  /** The agent's context: its identity, inbox, timers and every accounted resource. */
  protected final AgentContext agent() {
    return agentContext;
  }

  @Override
  public final Future<?> start() {
    if (agentContext == null) {
      return Future.failedFuture("an agent must be deployed through the governor's runtime");
    }
    return onContextStart.get().compose(v -> onStart());
  }

  @Override
  public final Future<?> stop() {
    return onStop();
  }

  /** Starts the agent: install the inbox handler, timers, retained state. */
  protected abstract Future<?> onStart();

  /** Stops the agent; the runtime closes its files, sockets and children afterwards. */
  protected Future<?> onStop() {
    return Future.succeededFuture();
  }

  /**
   * What the agent reports about itself, shown as {@code "status"} of the agent (e.g. a counter's
   * count). Called on the agent's context.
   */
  public JsonObject status() {
    return new JsonObject();
  }

  /** The state to carry over a migration or a restart; {@link #restore} gets it back. */
  public JsonObject snapshot() {
    return new JsonObject();
  }

  /** Restores a snapshot, before {@link #onStart()} runs on the new node. */
  public void restore(JsonObject snapshot) {
  }

  /** The governor now paces the agent by this factor (1.0 = lifted). Informational by default. */
  public void onThrottle(double factor) {
  }

  /** The agent's inbox and timers are paused; messages keep arriving into its queue. */
  public void onSuspend() {
  }

  /** The agent runs again; waiting messages are delivered in order. */
  public void onResume() {
  }

  /** The agent will be undeployed after {@code graceMs}: finish or hand off work. */
  public void onTerminationNotice(long graceMs) {
  }

  /**
   * The governor asks the agent to bring {@code resource} down to {@code target} by
   * {@code deadline} (epoch ms). If unmet by then, the next escalation step runs.
   */
  public ControlAck onScaleDown(String resource, double target, long deadline) {
    return ControlAck.UNSUPPORTED;
  }

  /**
   * A degradation strategy to apply (e.g. {@code reduce_precision} with its parameters), or, with
   * {@code active == false}, to lift during staged recovery.
   */
  public ControlAck onDegradation(String strategy, JsonObject params, boolean active) {
    return ControlAck.UNSUPPORTED;
  }
}
