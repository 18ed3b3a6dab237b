package io.agentgovernor.agent;

import io.vertx.core.Deployable;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.eventbus.Message;
import io.vertx.core.file.AsyncFile;
import io.vertx.core.file.OpenOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.NetSocket;
import java.util.concurrent.Callable;

/**
 * Everything an agent does with the outside world goes through its context, which is how the
 * governor measures it. Work done around the context (a raw {@code vertx.setPeriodic}, a
 * {@code NetClient} of one's own) still runs but escapes accounting, throttling and suspension.
 *
 * <p>What is accounted, and how:
 * <ul>
 *   <li>cpu: every handler run through the context ({@link #onMessage}, timers, replies) is timed
 *       with {@code System.nanoTime()}; once per sampling interval each thread's CPU time is read
 *       once and shared among the agents that ran on it by their handler time. Blocking tasks
 *       ({@link #executeBlocking}) read their worker thread's CPU time directly.</li>
 *   <li>memory: the retained size of the objects passed to {@link #retain} (walked by JOL), plus
 *       the bytes of messages waiting in the agent's inbox.</li>
 *   <li>processes, files, connections: counted exactly as they open and close.</li>
 *   <li>network: bytes of message bodies sent and received through the context and bytes over its
 *       sockets, per second.</li>
 *   <li>message_queue: messages waiting in the inbox.</li>
 *   <li>disk: the size on disk, read once per sample, of every file the agent wrote through
 *       {@link #openFile} (until the file is deleted).</li>
 *   <li>custom resources: what the agent {@link #report}s.</li>
 * </ul>
 *
 * <p>All methods must be called on the agent's own context (its event-loop thread), like the rest
 * of a verticle's code.
 */
public interface AgentContext {

  /** The agent's id, unique in the cluster. */
  String id();

  /** The registered type the agent was deployed as. */
  String type();

  /** The quota group of the agent. */
  String group();

  /** The configuration the agent was deployed with. */
  JsonObject config();

  /** The id of the node this copy of the agent runs on. */
  String nodeId();

  /**
   * The fencing epoch of this copy of the agent: it grows by one each time the agent's id is
   * (re)claimed in the cluster registry (deploy, migration, restart after a node loss), so two
   * copies of one agent never share an epoch and the newer copy has the larger one.
   */
  long epoch();

  /**
   * Sets the handler of the agent's inbox ({@code governor.agent.<id>}). Messages are delivered in
   * order; while the agent is suspended they wait (none dropped, up to the inbox bound), while it
   * is throttled they are paced.
   */
  void onMessage(Handler<Message<Object>> handler);

  /** A periodic timer whose ticks are accounted, slowed by throttling and paused by suspension. */
  long setPeriodic(long delayMs, Handler<Long> handler);

  /** A one-shot timer, accounted; a tick due while suspended runs on resume. */
  long setTimer(long delayMs, Handler<Long> handler);

  boolean cancelTimer(long id);

  /** Sends a message, counting its bytes as network out. */
  void send(String address, Object body);

  /** Publishes a message, counting its bytes as network out. */
  void publish(String address, Object body);

  /** Sends a request; the request and reply bytes are counted, the reply handler accounted. */
  <T> Future<Message<T>> request(String address, Object body);

  /** Deploys a child (counted under {@code processes} until it is undeployed). */
  Future<String> deployChild(Deployable child, DeploymentOptions options);

  Future<Void> undeployChild(String deploymentId);

  /**
   * Opens a file (counted under {@code files} until closed; once written through the returned
   * file, it counts under {@code disk} with its size on disk for as long as it exists).
   */
  Future<AsyncFile> openFile(String path, OpenOptions options);

  /**
   * Connects a TCP socket (counted under {@code connections} until closed; its bytes count as
   * network). Install handlers on the returned socket through {@link #accounted(Handler)}.
   */
  Future<NetSocket> connect(int port, String host);

  /** Runs blocking work on a worker thread, its CPU time charged to the agent exactly. */
  <T> Future<T> executeBlocking(Callable<T> work);

  /** Wraps a handler the agent installs elsewhere so its runs are accounted. */
  <T> Handler<T> accounted(Handler<T> handler);

  /**
   * Reports use of a custom resource (e.g. {@code report("llm_tokens", 1200)}); the measured usage
   * is the amount reported over the last 60 s. The name must be declared as a custom limit in the
   * agent's quota, or the report is refused.
   */
  void report(String resource, double amount);

  /**
   * Reserves {@code amount} of a budgeted resource (e.g. {@code reserve("llm_tokens", 1200)}) before
   * spending it, against every budget that encloses the agent (its own, its group's, its tenant's,
   * the cluster's). The future holds a granted {@link io.agentgovernor.budget.Reservation} (settle it
   * with {@code commit(actual)} or {@code release()} within its lease, or it is charged in full) or a
   * denied one whose {@code denial()} names the budget that refused, what is left and when it
   * refills. It fails only on bad input. A grant from room this node already holds takes no
   * network call.
   */
  default Future<io.agentgovernor.budget.Reservation> reserve(String resource, long amount) {
    return reserve(resource, amount, io.agentgovernor.budget.ReserveOptions.defaults());
  }

  /** As {@link #reserve(String, long)}, with a lease or a wait for the window to refill. */
  Future<io.agentgovernor.budget.Reservation> reserve(String resource, long amount,
                                                      io.agentgovernor.budget.ReserveOptions options);

  /** Declares an object as part of the agent's state: its retained size counts as memory. */
  void retain(Object root);

  /** Stops counting an object declared with {@link #retain}. */
  void release(Object root);

  /** The current throttle factor: 1.0 when not throttled. */
  double throttleFactor();

  /** Whether the agent is suspended. */
  boolean suspended();
}
