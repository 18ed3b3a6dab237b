package io.agentgovernor.bridge;

import io.agentgovernor.agent.AgentMeter;
import io.agentgovernor.agent.ControlAck;
import io.agentgovernor.agent.GovernedAgent;
import io.agentgovernor.quota.Resource;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;

/**
 * The in-JVM stand-in of an agent that runs in another process and talks through the TCP
 * event-bus bridge. It owns the agent's inbox ({@code governor.agent.<id>}), so the governor's
 * queueing, throttling and suspension apply as to any agent, and passes each message on to
 * {@code governor.agent.<id>.out}, where the outside process listens. Control requests go to
 * {@code governor.agent.<id>.control}. With a PID on this host, the process's CPU and resident
 * memory are measured from {@code /proc} every second; without one, its reports stand.
 *
 * <p>While no bridge connection holds the agent (before its client's first register completes,
 * and between a lost connection and a reconnect), what it would pass on is kept, up to
 * {@link #DETACHED_BOUND} messages (the oldest dropped and counted in its status), and passed on
 * in order once a connection holds it again.
 *
 * <p>An agent of type {@code process} is one of these whose process the node started itself
 * ({@link ProcessAgents}): its {@link ProcessDriver} measures the whole process tree from its
 * cgroup (or {@code /proc}), and the control callbacks reach the kernel as well as the process —
 * throttle as the cgroup's cpu quota, suspend / resume as its freezer, a termination notice as
 * SIGTERM, the stop as the kill of the group.
 */
public final class ExternalAgent extends GovernedAgent {

  public static final String TYPE = "external";
  /** Messages (inbox and control together) kept for an agent no connection holds. */
  public static final int DETACHED_BOUND = 1000;

  private volatile long pid;
  private final ProcessDriver driver;
  private final java.util.function.BiConsumer<String, ExternalAgent> onStopped;
  private final java.util.function.BiFunction<String, ExternalAgent, AgentMeter> meters;
  private AgentMeter account;
  private final java.util.ArrayDeque<Kept> detached = new java.util.ArrayDeque<>();
  private boolean attached;
  private long dropped;
  private ProcessMeter meter;
  private volatile double[] reported = new double[Resource.BUILT_IN_COUNT];
  private long forwarded;
  private boolean processGone;

  /**
   * @param pid       the process to measure from {@code /proc}, or 0
   * @param onStopped told the agent's id and this copy when it stops (its bridge lease ends with it)
   * @param meters    the running totals of the local agent that is this copy (by id), or null once it is gone
   */
  public ExternalAgent(long pid, java.util.function.BiConsumer<String, ExternalAgent> onStopped,
                       java.util.function.BiFunction<String, ExternalAgent, AgentMeter> meters) {
    this.pid = pid;
    this.driver = null;
    this.onStopped = onStopped;
    this.meters = meters;
  }

  /** A process agent: the driver starts its process when the agent starts. */
  ExternalAgent(ProcessDriver driver, java.util.function.BiConsumer<String, ExternalAgent> onStopped,
                java.util.function.BiFunction<String, ExternalAgent, AgentMeter> meters) {
    this.driver = driver;
    this.onStopped = onStopped;
    this.meters = meters;
  }

  public static String out(String id) {
    return io.agentgovernor.bridge.impl.FramePolicy.out(id);
  }

  public static String control(String id) {
    return io.agentgovernor.bridge.impl.FramePolicy.control(id);
  }

  /** The process measured for this agent, or 0. */
  public long pid() {
    return driver != null ? driver.pid() : pid;
  }

  @Override
  protected Future<?> onStart() {
    agent().onMessage(msg -> pass(out(agent().id()), msg.body()));
    if (driver != null) {
      return driver.start(vertx, agent().id(), this, this::external);
    }
    if (pid > 0) {
      meter = new ProcessMeter(pid);
      // The governor's own measurement, not the agent's work: it goes on while the agent is
      // suspended or throttled (an accounted agent timer would pause).
      vertx.setPeriodic(1000, id -> measure());
      measure();
    }
    return Future.succeededFuture();
  }

  @Override
  protected Future<?> onStop() {
    onStopped.accept(agent().id(), this);
    return driver == null ? Future.succeededFuture() : driver.stop();
  }

  /**
   * A bridge connection now holds the agent (true) or no longer does (false). Run on the agent's
   * context. Attaching passes on, in order, what was kept meanwhile.
   */
  void attached(boolean now) {
    attached = now;
    while (attached && !detached.isEmpty()) {
      Kept kept = detached.poll();
      agent().send(kept.address(), kept.body());
      forwarded++;
    }
  }

  private void pass(String address, Object body) {
    if (attached) {
      agent().send(address, body);
      forwarded++;
      return;
    }
    if (detached.size() >= DETACHED_BOUND) {
      detached.poll();
      dropped++;
    }
    detached.add(new Kept(address, body));
  }

  private record Kept(String address, Object body) {
  }

  private void measure() {
    double cpu = meter.cpuPercent(System.nanoTime());
    long rss = meter.residentBytes();
    processGone = cpu < 0 || rss < 0;
    double[] usage = new double[Resource.BUILT_IN_COUNT];
    usage[Resource.CPU.index()] = Math.max(0, cpu);
    usage[Resource.MEMORY.index()] = Math.max(0, rss);
    external(usage);
  }

  /** Usage the outside process reported for built-in resources; used where the OS cannot tell (no PID). */
  void reported(double[] usage) {
    reported = usage;
    if (pid <= 0 && driver == null) {
      external(usage);
    }
  }

  /** CPU and memory of the outside process, added by the monitor to what this stand-in uses. */
  private void external(double[] usage) {
    if (account == null) {
      account = meters.apply(agent().id(), this);
    }
    if (account != null) {
      account.external(usage);
    }
  }

  @Override
  public JsonObject status() {
    JsonObject status = new JsonObject().put("pid", pid()).put("forwarded", forwarded).put("measuredByOs", pid() > 0)
        .put("connected", attached).put("kept", detached.size()).put("dropped", dropped)
        .put("processGone", processGone)
        .put("reportedCpu", reported[Resource.CPU.index()]).put("reportedMemory", reported[Resource.MEMORY.index()]);
    return driver == null ? status : status.put("process", driver.status());
  }

  private void tell(String command, JsonObject params) {
    pass(control(agent().id()), new JsonObject().put("command", command).put("params", params));
  }

  @Override
  public void onThrottle(double factor) {
    tell("throttle", new JsonObject().put("factor", factor));
    if (driver != null) {
      driver.throttle(factor);
    }
  }

  @Override
  public void onSuspend() {
    tell("suspend", new JsonObject());
    if (driver != null) {
      driver.freeze(true);
    }
  }

  @Override
  public void onResume() {
    tell("resume", new JsonObject());
    if (driver != null) {
      driver.freeze(false);
    }
  }

  @Override
  public void onTerminationNotice(long graceMs) {
    tell("terminate", new JsonObject().put("graceMs", graceMs));
    if (driver != null) {
      driver.notice(graceMs);
    }
  }

  @Override
  public ControlAck onScaleDown(String resource, double target, long deadline) {
    tell("scale_down", new JsonObject().put("resource", resource).put("target", target).put("deadline", deadline));
    return ControlAck.APPLIED;
  }

  @Override
  public ControlAck onDegradation(String strategy, JsonObject params, boolean active) {
    tell("degrade", new JsonObject().put("strategy", strategy).put("params", params).put("active", active));
    return ControlAck.APPLIED;
  }
}
