package io.agentgovernor.agent;

import io.agentgovernor.agent.impl.AccountingProbe;
import io.agentgovernor.agent.impl.AgentAccount;
import io.agentgovernor.agent.impl.AgentContextImpl;
import io.agentgovernor.agent.impl.Sizes;
import io.agentgovernor.quota.QuotaIndex;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonObject;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Message throughput of an agent handler with the governor's accounting (an agent bound to a
 * real {@link AgentContextImpl} and deployed as a verticle, exactly as the runtime does it, minus
 * Hazelcast) against the same handler registered as a plain Vert.x consumer, in the same run.
 *
 * <p>One event loop ({@code eventLoopPoolSize = 1}): each invocation sends {@value #BATCH}
 * messages from that event loop and waits until the handler has seen them all, so sender,
 * delivery and handler cost are all on one thread and the two cores' noise matters less.
 *
 * <p>{@code accountingParts_*} are the experiments that say what the accounting costs: a plain
 * consumer plus only the handler timing (two {@code nanoTime} and two atomic adds), or only the
 * body sizing ({@code Sizes.of} and one atomic add).
 *
 * <p>Targets (issue 3): no-op ≥ 0.7× of plain, 10 µs handler ≥ 0.97×.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 4, time = 1)
@Measurement(iterations = 6, time = 1)
@Fork(value = 2, jvmArgsAppend = {"-Xmx1g", "-Djava.util.concurrent.ForkJoinPool.common.parallelism=4"})
@OperationsPerInvocation(AccountingBenchmark.BATCH)
public class AccountingBenchmark {

  static final int BATCH = 1000;

  /**
   * {@code noop}: counts only, never reads the body; {@code noopReadsBody}: reads {@code body()}
   * (as any real handler does: on the local bus that is when Vert.x copies a JSON body) and counts;
   * {@code spin10us}: busy-spins 10 µs per message.
   */
  @Param({"noop", "noopReadsBody", "spin10us"})
  public String work;

  private Vertx vertx;
  private Context sender;
  private EventBus bus;
  private final JsonObject body = new JsonObject().put("task", "t-42").put("n", 42).put("ok", true);
  private long spinNanos;
  private boolean readBody;
  private Object sink;
  private long clockSink;
  private int remaining;
  private volatile CountDownLatch done;
  private final AgentAccount partsAccount = new AgentAccount();
  private final AtomicLong partsBytes = new AtomicLong();

  @Setup(Level.Trial)
  public void start() throws Exception {
    spinNanos = work.equals("spin10us") ? 10_000 : 0;
    readBody = work.equals("noopReadsBody");
    vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1));
    bus = vertx.eventBus();
    Handler<Message<Object>> handler = this::handle;
    await(vertx.deployVerticle(new Plain("plain", handler)));
    await(vertx.deployVerticle(new Plain("parts.timing", timed(handler))));
    await(vertx.deployVerticle(new Plain("parts.sizing", sized(handler))));
    await(vertx.deployVerticle(new Plain("parts.clock", m -> {
      long start = System.nanoTime();
      handler.handle(m);
      clockSink += System.nanoTime() - start;
    })));
    await(vertx.deployVerticle(new Plain("parts.body", m -> {
      sink = m.body();
      handler.handle(m);
    })));
    NoOpAgent agent = new NoOpAgent(handler);
    AgentContextImpl context = new AgentContextImpl(vertx, "bench-agent", "bench", "bench", new JsonObject(),
        new QuotaIndex(), 10_000, new io.agentgovernor.cluster.NodeLease(Long.MAX_VALUE / 4_000_000L));
    agent.bind(context, () -> context.open("bench-node"));
    await(vertx.deployVerticle(agent));
    sender = vertx.getOrCreateContext();
  }

  /** The context messages are sent from (for {@link AccountingPaired}). */
  Context senderContext() {
    return sender;
  }

  @TearDown(Level.Trial)
  public void stop() throws Exception {
    await(vertx.close());
  }

  /** Baseline: the handler as a plain Vert.x consumer. */
  @Benchmark
  public void plainConsumer() throws InterruptedException {
    run("plain");
  }

  /** The governed agent: inbox consumer, queue checks, sizing, timing and atomics. */
  @Benchmark
  public void governedAgent() throws InterruptedException {
    run(io.agentgovernor.bus.Addresses.agentInbox("bench-agent"));
  }

  /** Experiment: plain consumer + handler timing only (2 × nanoTime, AgentAccount.handlerRan). */
  @Benchmark
  public void accountingParts_timingOnly() throws InterruptedException {
    run("parts.timing");
  }

  /** Experiment: plain consumer + body sizing only (Sizes.of + one AtomicLong add). */
  @Benchmark
  public void accountingParts_sizingOnly() throws InterruptedException {
    run("parts.sizing");
  }

  /** Experiment: plain consumer + the two {@code nanoTime} reads only (no atomics). */
  @Benchmark
  public void accountingParts_clockOnly() throws InterruptedException {
    run("parts.clock");
  }

  /** Experiment: plain consumer + {@code body()} only (the local bus's copy of a JSON body). */
  @Benchmark
  public void accountingParts_bodyOnly() throws InterruptedException {
    run("parts.body");
  }

  private void run(String address) throws InterruptedException {
    CountDownLatch latch = new CountDownLatch(1);
    done = latch;
    sender.runOnContext(v -> {
      remaining = BATCH;
      for (int i = 0; i < BATCH; i++) {
        bus.send(address, body);
      }
    });
    if (!latch.await(30, TimeUnit.SECONDS)) {
      throw new IllegalStateException("messages to " + address + " not all handled");
    }
  }

  private void handle(Message<Object> message) {
    if (readBody) {
      sink = message.body();
    }
    if (spinNanos > 0) {
      long until = System.nanoTime() + spinNanos;
      while (System.nanoTime() < until) {
        Thread.onSpinWait();
      }
    }
    if (--remaining == 0) {
      done.countDown();
    }
  }

  private Handler<Message<Object>> timed(Handler<Message<Object>> h) {
    return m -> {
      long start = System.nanoTime();
      try {
        h.handle(m);
      } finally {
        AccountingProbe.handlerRan(partsAccount, System.nanoTime() - start);
      }
    };
  }

  private Handler<Message<Object>> sized(Handler<Message<Object>> h) {
    return m -> {
      partsBytes.addAndGet(Sizes.of(m.body()));
      h.handle(m);
    };
  }

  private static <T> T await(Future<T> f) throws Exception {
    return f.await(30, TimeUnit.SECONDS);
  }

  /** A plain verticle with one consumer: what an agent would be without the governor. */
  static final class Plain extends VerticleBase {
    private final String address;
    private final Handler<Message<Object>> handler;

    Plain(String address, Handler<Message<Object>> handler) {
      this.address = address;
      this.handler = handler;
    }

    @Override
    public Future<?> start() {
      return vertx.eventBus().consumer(address, handler).completion();
    }
  }

  /** The same handler as a governed agent. */
  static final class NoOpAgent extends GovernedAgent {
    private final Handler<Message<Object>> handler;

    NoOpAgent(Handler<Message<Object>> handler) {
      this.handler = handler;
    }

    @Override
    protected Future<?> onStart() {
      agent().onMessage(handler);
      return Future.succeededFuture();
    }
  }
}
