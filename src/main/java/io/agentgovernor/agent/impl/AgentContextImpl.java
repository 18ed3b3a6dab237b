package io.agentgovernor.agent.impl;

import com.sun.management.ThreadMXBean;
import io.agentgovernor.agent.AgentContext;
import io.agentgovernor.bus.Addresses;
import io.agentgovernor.bus.ErrorCode;
import io.agentgovernor.cluster.NodeLease;
import io.agentgovernor.bus.GovernorException;
import io.agentgovernor.quota.CompiledQuota;
import io.agentgovernor.quota.QuotaIndex;
import io.vertx.core.Context;
import io.vertx.core.Deployable;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.file.AsyncFile;
import io.vertx.core.file.OpenOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.NetSocket;
import java.lang.management.ManagementFactory;
import java.util.ArrayDeque;
import java.util.Collections;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;

/**
 * The runtime's side of an agent: its inbox queue, accounted timers and handlers, counted files,
 * sockets and children, and the throttle and suspension the enforcement applies.
 *
 * <p>Threading: everything but the read-only getters runs on the agent's context. Control calls
 * from the runtime are moved there with {@link #onContext}.
 */
public final class AgentContextImpl implements AgentContext {

  private static final ThreadMXBean THREADS = (ThreadMXBean) ManagementFactory.getThreadMXBean();

  private final Vertx vertx;
  private final String id;
  private final String type;
  private final String group;
  private final JsonObject config;
  private final AgentAccount account = new AgentAccount();
  private final QuotaIndex quotas;
  private final int inboxBound;
  /** Dispatch happens only while the node holds its lease (see {@link NodeLease}). */
  private final NodeLease lease;
  // Small initial sizes: most agents never queue a message nor retain more than a root or two, and
  // the defaults (17 and 64 slots) cost ~270 B per agent at 100,000 agents (load-tests/results/scale-idle-*).
  private final ArrayDeque<Message<Object>> queue = new ArrayDeque<>(4);
  private final Map<Long, TimerState> timers = new HashMap<>();
  private final Set<Object> retained = Collections.synchronizedSet(Collections.newSetFromMap(new IdentityHashMap<>(2)));
  /** {@code retained} as the sampler reads it: one volatile read per sample, no lock, no copy. */
  private volatile List<Object> retainedView = List.of();
  private Context context;
  private MessageConsumer<Object> inbox;
  private MessageConsumer<Object> nodeInbox;
  /** Where arrivals go once this copy has given the agent up (migrated away, or fenced); null while it runs here. */
  private Handler<Message<Object>> redirect;
  private Handler<Message<Object>> handler;
  /** Bytes of the messages in {@code queue} (the agent's context only; the sampler reads the account's copy). */
  private long queuedBytes;
  private volatile boolean suspended;
  private volatile double factor = 1.0;
  private volatile String nodeId;
  private volatile long epoch;
  private volatile long dropped;
  private DutyGate gate;
  private boolean drainScheduled;
  private long lastDeliveredCount;
  private long lastRateNanos = System.nanoTime();
  private double deliveryRate;

  public AgentContextImpl(Vertx vertx, String id, String type, String group, JsonObject config, QuotaIndex quotas,
                          int inboxBound, NodeLease lease) {
    this.vertx = vertx;
    this.lease = lease;
    this.id = id;
    this.type = type;
    this.group = group;
    this.config = config.copy();
    this.quotas = quotas;
    this.inboxBound = inboxBound;
  }

  /**
   * Opens the inbox on the agent's own context: its cluster-wide address and this node's own form
   * of it (where a node handing the agent over forwards what it still receives). The agent's start
   * waits for both registrations.
   */
  public Future<?> open(String nodeId) {
    this.nodeId = nodeId;
    context = vertx.getOrCreateContext();
    account.thread = Thread.currentThread();
    inbox = vertx.eventBus().consumer(Addresses.agentInbox(id), this::arrive);
    nodeInbox = vertx.eventBus().consumer(Addresses.onNode(Addresses.agentInbox(id), nodeId), this::arrive);
    return Future.all(inbox.completion(), nodeInbox.completion());
  }

  /** Closes the inbox; messages still waiting are failed with a code when they expect a reply. */
  public Future<Void> close() {
    stopTimers();
    Message<Object> m;
    while ((m = queue.poll()) != null) {
      if (m.replyAddress() != null) {
        m.fail(ErrorCode.INVALID_STATE.failureCode(), "agent " + id + " stopped");
      }
    }
    updateQueueFigures();
    return unregisterInbox();
  }

  /**
   * Migration: from now on every message for the agent goes to {@code targetInbox} (the new
   * node's own inbox address), those waiting in the queue first, in order. Replies are relayed.
   */
  public void handOver(String targetInbox) {
    // the undeploy that follows unregisters the inbox: a message the bus had already dispatched to
    // it, still queued on this context, would be discarded by Vert.x; it goes to the target instead
    giveUp(m -> forward(vertx, targetInbox, m));
  }

  /**
   * Fencing: the registry gave the agent to a newer copy while this node was frozen or cut off,
   * and this copy stops for good. What waits in its inbox (accepted here, perhaps acknowledged to
   * its sender, never handled) goes to {@code relay}, in order, for the live copy to handle; so
   * does whatever still arrives, and a one-way message the bus had already dispatched here as the
   * inbox closes. Completes once the inbox is closed.
   */
  public Future<Void> fence(Handler<Message<Object>> relay) {
    stopTimers();
    giveUp(relay);
    return unregisterInbox();
  }

  /**
   * Stops dispatch for good: what is queued, what arrives and the one-way messages the closing
   * inbox discards all go to {@code elsewhere}, in that order.
   */
  private void giveUp(Handler<Message<Object>> elsewhere) {
    redirect = elsewhere;
    suspended = true;
    forwardDiscards(inbox, elsewhere);
    forwardDiscards(nodeInbox, elsewhere);
    Message<Object> m;
    while ((m = queue.poll()) != null) {
      elsewhere.handle(m);
    }
    updateQueueFigures();
  }

  private void stopTimers() {
    timers.keySet().forEach(vertx::cancelTimer);
    timers.clear();
  }

  private Future<Void> unregisterInbox() {
    return Future.all(inbox == null ? Future.succeededFuture() : inbox.unregister(),
        nodeInbox == null ? Future.succeededFuture() : nodeInbox.unregister()).mapEmpty();
  }

  /**
   * Catches what Vert.x discards when {@code consumer} is unregistered with messages already
   * dispatched to it (queued on its context, or arriving a moment after the unregister; see
   * {@code MessageConsumerImpl.handleDiscard}): a one-way message goes to {@code oneWay} instead
   * of being dropped. A request is not: Vert.x itself fails it at once ("Discarded the request"),
   * so its sender knows it was not handled and may send it again; handling it here as well could
   * count it twice. Uses the consumer's discard hook, which Vert.x 5 keeps on its implementation
   * class; with another implementation nothing changes.
   */
  static void forwardDiscards(MessageConsumer<Object> consumer, Handler<Message<Object>> oneWay) {
    if (consumer instanceof io.vertx.core.eventbus.impl.MessageConsumerImpl<Object> impl) {
      impl.discardHandler(m -> {
        if (m.replyAddress() == null) {
          oneWay.handle(m);
        }
      });
    }
  }

  /** Sends a message on to another address, relaying the reply (or failure) to its sender. */
  public static void forward(Vertx vertx, String address, Message<Object> m) {
    if (m.replyAddress() == null) {
      vertx.eventBus().send(address, m.body());
      return;
    }
    vertx.eventBus().request(address, m.body()).onComplete(ar -> {
      if (ar.succeeded()) {
        m.reply(ar.result().body());
      } else if (ar.cause() instanceof io.vertx.core.eventbus.ReplyException r) {
        m.fail(r.failureCode(), r.getMessage());
      } else {
        m.fail(ErrorCode.UNAVAILABLE.failureCode(), "agent " + id(m) + " is moving; try again");
      }
    });
  }

  private static String id(Message<Object> m) {
    return m.address();
  }

  /** Runs an action on the agent's context (where its handlers run). */
  public <T> Future<T> onContext(Callable<T> action) {
    Context target = context;
    if (target == null) {
      return Future.failedFuture(new GovernorException(ErrorCode.INVALID_STATE, "agent " + id + " is not started"));
    }
    return call(target, action);
  }

  /** Runs an action on {@code target}; its result, or what it threw, completes the future. */
  static <T> Future<T> call(Context target, Callable<T> action) {
    io.vertx.core.Promise<T> promise = io.vertx.core.Promise.promise();
    target.runOnContext(v -> {
      try {
        promise.complete(action.call());
      } catch (Exception e) {
        promise.fail(e);
      }
    });
    return promise.future();
  }

  // ---- the inbox ----

  private void arrive(Message<Object> message) {
    if (redirect != null) {
      redirect.handle(message);
      return;
    }
    account.received(Sizes.of(message.body()));
    long now = System.nanoTime();
    if (queue.isEmpty() && !suspended && handler != null && lease.holds(now) && (gate == null || gate.tryTake(now))) {
      deliver(message, now);
      return;
    }
    if (queue.size() >= inboxBound) {
      dropped++;
      if (message.replyAddress() != null) {
        message.fail(ErrorCode.RATE_LIMITED.failureCode(), "the inbox of agent " + id + " is full (" + inboxBound + ")");
      }
      return;
    }
    queue.add(message);
    queuedBytes += Sizes.of(message.body());
    updateQueueFigures();
    scheduleDrain(0);
  }

  private void deliver(Message<Object> message, long start) {
    try {
      handler.handle(message);
    } finally {
      account.handlerRan(System.nanoTime() - start);
    }
  }

  private void drain() {
    drainScheduled = false;
    while (!queue.isEmpty() && !suspended && handler != null) {
      long now = System.nanoTime();
      if (!lease.holds(now)) {
        return; // drained again when the node regains its lease
      }
      if (gate != null && !gate.tryTake(now)) {
        scheduleDrain(gate.waitMs(now));
        return;
      }
      Message<Object> next = queue.poll();
      queuedBytes -= Sizes.of(next.body());
      updateQueueFigures();
      deliver(next, now);
    }
  }

  private void scheduleDrain(long delayMs) {
    if (drainScheduled || suspended || handler == null) {
      return;
    }
    drainScheduled = true;
    if (delayMs <= 0) {
      context.runOnContext(v -> drain());
    } else {
      vertx.setTimer(delayMs, t -> drain());
    }
  }

  private void updateQueueFigures() {
    if (queue.isEmpty()) {
      queuedBytes = 0;
    }
    account.queue(queue.size(), queuedBytes);
  }

  // ---- control, on the agent's context ----

  /** Paces the inbox and timers by {@code newFactor} (1.0 lifts the throttle). */
  public void throttle(double newFactor) {
    double f = Math.max(0.001, Math.min(1.0, newFactor));
    long now = System.nanoTime();
    if (f >= 1.0) {
      gate = null;
    } else if (gate == null) {
      gate = new DutyGate(f, Math.max(deliveryRate(now), 1.0), now);
    } else {
      gate.setRate(f, Math.max(deliveryRate, 1.0));
    }
    factor = f;
    scheduleDrain(0);
  }

  public void suspend() {
    suspended = true;
  }

  public void resume() {
    suspended = false;
    releaseHeld();
  }

  /** The node regained its lease: what waited for it runs now (on the agent's context). */
  public void leaseRegained() {
    Context target = context;
    if (target != null) {
      target.runOnContext(v -> {
        if (!suspended) {
          releaseHeld();
        }
      });
    }
  }

  /** Runs one-shot timers that came due while held back, and drains the inbox. */
  private void releaseHeld() {
    List<TimerState> due = timers.values().stream().filter(t -> t.oneShot && t.due).toList();
    timers.values().removeAll(due);
    due.forEach(t -> timers.put(vertx.setTimer(1, t::fire), t));
    scheduleDrain(0);
  }

  /** Messages per second delivered before the throttle began: what the factor scales. */
  private double deliveryRate(long now) {
    long delivered = account.messagesHandled();
    double seconds = (now - lastRateNanos) / 1e9;
    if (seconds > 0.05) {
      deliveryRate = (delivered - lastDeliveredCount) / seconds;
      lastDeliveredCount = delivered;
      lastRateNanos = now;
    }
    return deliveryRate;
  }

  // ---- figures for the sampler (any thread) ----

  public AgentAccount account() {
    return account;
  }

  public int queuedMessages() {
    return account.queuedMessages();
  }

  public long queuedBytes() {
    return account.queuedBytes();
  }

  public long droppedMessages() {
    return dropped;
  }

  /** The objects the agent declared as its state (an immutable copy, made when they change, not per sample). */
  public List<Object> retainedRoots() {
    return retainedView;
  }

  // ---- AgentContext ----

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

  @Override
  public JsonObject config() {
    return config.copy();
  }

  @Override
  public void onMessage(Handler<Message<Object>> handler) {
    this.handler = handler;
    scheduleDrain(0);
  }

  @Override
  public long setPeriodic(long delayMs, Handler<Long> handler) {
    TimerState state = new TimerState(handler, false);
    long timerId = vertx.setPeriodic(delayMs, state::fire);
    timers.put(timerId, state);
    return timerId;
  }

  @Override
  public long setTimer(long delayMs, Handler<Long> handler) {
    TimerState state = new TimerState(handler, true);
    long timerId = vertx.setTimer(delayMs, state::fire);
    timers.put(timerId, state);
    return timerId;
  }

  @Override
  public boolean cancelTimer(long timerId) {
    timers.remove(timerId);
    return vertx.cancelTimer(timerId);
  }

  @Override
  public void send(String address, Object body) {
    account.sent(Sizes.of(body));
    vertx.eventBus().send(address, body);
  }

  @Override
  public void publish(String address, Object body) {
    account.sent(Sizes.of(body));
    vertx.eventBus().publish(address, body);
  }

  @Override
  public <T> Future<Message<T>> request(String address, Object body) {
    account.sent(Sizes.of(body));
    return vertx.eventBus().<T>request(address, body).map(reply -> {
      account.received(Sizes.of(reply.body()));
      return reply;
    });
  }

  @Override
  public Future<String> deployChild(Deployable child, DeploymentOptions options) {
    return vertx.deployVerticle(child, options).onSuccess(d -> account.childDeployed(1));
  }

  @Override
  public Future<Void> undeployChild(String deploymentId) {
    return vertx.undeploy(deploymentId).onSuccess(v -> account.childDeployed(-1));
  }

  @Override
  public Future<AsyncFile> openFile(String path, OpenOptions options) {
    return vertx.fileSystem().open(path, options)
        .map(f -> Counted.file(f, java.nio.file.Path.of(path).toAbsolutePath().normalize(), account, this));
  }

  @Override
  public Future<NetSocket> connect(int port, String host) {
    return vertx.createNetClient().connect(port, host).map(s -> Counted.socket(s, account, this));
  }

  @Override
  public <T> Future<T> executeBlocking(Callable<T> work) {
    return vertx.executeBlocking(() -> {
      account.workerRunning(1);
      long cpu = THREADS.getCurrentThreadCpuTime();
      try {
        return work.call();
      } finally {
        account.workerCpu(THREADS.getCurrentThreadCpuTime() - cpu);
        account.workerRunning(-1);
      }
    }, false);
  }

  @Override
  public <T> Handler<T> accounted(Handler<T> user) {
    return event -> {
      long start = System.nanoTime();
      try {
        user.handle(event);
      } finally {
        account.handlerRan(System.nanoTime() - start);
      }
    };
  }

  @Override
  public void report(String resource, double amount) {
    if (!(amount >= 0) || Double.isInfinite(amount)) {
      throw new GovernorException(ErrorCode.INVALID_REQUEST, "a reported amount must be a finite number >= 0");
    }
    CompiledQuota quota = quotas.get(id);
    if (quota == null || quota.quota().limit(resource) == null || !quota.quota().limit(resource).custom()) {
      throw new GovernorException(ErrorCode.UNKNOWN_RESOURCE, "'" + resource
          + "' is not a custom resource of agent " + id + "'s quota");
    }
    account.reportCustom(resource, amount);
  }

  @Override
  public Future<io.agentgovernor.budget.Reservation> reserve(String resource, long amount,
                                                             io.agentgovernor.budget.ReserveOptions options) {
    return io.agentgovernor.budget.Budgets.reserve(vertx, nodeId, id, group, epoch, resource, amount, options);
  }

  @Override
  public void retain(Object root) {
    synchronized (retained) {
      if (retained.add(root)) {
        retainedView = List.copyOf(retained);
      }
    }
  }

  @Override
  public void release(Object root) {
    synchronized (retained) {
      if (retained.remove(root)) {
        retainedView = retained.isEmpty() ? List.of() : List.copyOf(retained);
      }
    }
  }

  @Override
  public double throttleFactor() {
    return factor;
  }

  @Override
  public boolean suspended() {
    return suspended;
  }

  @Override
  public String nodeId() {
    return nodeId;
  }

  @Override
  public long epoch() {
    return epoch;
  }

  /** Set by the runtime before the agent starts: the epoch its registry claim holds. */
  public void epoch(long epoch) {
    this.epoch = epoch;
  }

  /**
   * An accounted timer: while suspended a periodic tick is skipped and a one-shot one waits for
   * resume; while throttled only a {@code factor} share of ticks run (credit accumulation).
   */
  private final class TimerState {
    private final Handler<Long> handler;
    private final boolean oneShot;
    private double credit;
    private boolean due;

    TimerState(Handler<Long> handler, boolean oneShot) {
      this.handler = handler;
      this.oneShot = oneShot;
    }

    void fire(long timerId) {
      long start = System.nanoTime();
      if (suspended || !lease.holds(start)) {
        due = oneShot;
        return;
      }
      if (!oneShot && factor < 1.0) {
        credit += factor;
        if (credit < 1.0) {
          return;
        }
        credit -= 1.0;
      }
      if (oneShot) {
        timers.remove(timerId);
      }
      due = false;
      try {
        handler.handle(timerId);
      } finally {
        account.handlerRan(System.nanoTime() - start);
      }
    }
  }
}
