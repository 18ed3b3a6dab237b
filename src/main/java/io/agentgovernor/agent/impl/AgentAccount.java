package io.agentgovernor.agent.impl;

import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.DoubleAdder;

/**
 * The running totals of one agent's use, written by its handlers (on its event-loop thread and on
 * workers) and read, then reset where they are per-interval, by the node's sampler.
 *
 * <p>Every counter is a field of this one object, changed through a {@link VarHandle}: an
 * uncontended add costs a few nanoseconds, and the sampler's {@code getAndSet(0)} never loses an
 * add made concurrently. One object, not an {@code AtomicLong} per counter: the sampler visits
 * every agent every interval, and nine separate counter objects were a cache miss each and ~200 B
 * of heap per agent (with the sampler's single pass: 322 → 113 ms of worker CPU in 30 s at 30,000
 * agents, 10,895 → 10,656 B per agent; load-tests/scale-idle.sh).
 */
public final class AgentAccount implements io.agentgovernor.agent.AgentMeter {

  private static final VarHandle HANDLER_NANOS = handle("handlerNanos", long.class);
  private static final VarHandle WORKER_CPU_NANOS = handle("workerCpuNanos", long.class);
  private static final VarHandle BYTES_IN = handle("bytesIn", long.class);
  private static final VarHandle BYTES_OUT = handle("bytesOut", long.class);
  private static final VarHandle HANDLED = handle("handled", long.class);
  private static final VarHandle CHILDREN = handle("children", int.class);
  private static final VarHandle WORKERS_RUNNING = handle("workersRunning", int.class);
  private static final VarHandle FILES = handle("files", int.class);
  private static final VarHandle CONNECTIONS = handle("connections", int.class);

  /** Wall time spent in the agent's handlers since the last sample (apportioned to CPU later). */
  private volatile long handlerNanos;
  /** CPU time of the agent's blocking tasks since the last sample, read from their worker threads. */
  private volatile long workerCpuNanos;
  private volatile long bytesIn;
  private volatile long bytesOut;
  private volatile long handled;
  private volatile int children;
  private volatile int workersRunning;
  private volatile int files;
  private volatile int connections;
  /** The inbox as its context last left it: messages waiting and their bytes (written on the agent's context only). */
  private volatile int queued;
  private volatile long queuedBytes;
  /**
   * Custom amounts since the last sample, created at the first report: most agents never report,
   * and the sampler then reads one null field instead of an empty map's counters per sample.
   */
  private volatile Map<String, DoubleAdder> customSinceSample;
  /** Files the agent wrote through its context (their sizes on disk are its disk use); created at the first. */
  private volatile Set<Path> writtenFiles;
  /** The event-loop thread of the agent's context: CPU of that thread is shared among its agents. */
  volatile Thread thread;
  /**
   * For an agent in another process: its cpu and memory as measured from the OS (or, without a
   * PID, as it reported them), indexed by resource; null for agents running in this JVM.
   */
  private volatile double[] external;

  private static VarHandle handle(String field, Class<?> type) {
    try {
      return MethodHandles.lookup().findVarHandle(AgentAccount.class, field, type);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  /** Sets the usage measured (or reported) outside the JVM: replaces cpu and memory in samples. */
  @Override
  public void external(double[] usage) {
    this.external = usage.clone();
  }

  @Override
  public double[] external() {
    double[] e = external;
    return e == null ? null : e.clone();
  }

  void handlerRan(long nanos) {
    HANDLER_NANOS.getAndAdd(this, nanos);
    HANDLED.getAndAdd(this, 1L);
  }

  void received(long bytes) {
    BYTES_IN.getAndAdd(this, bytes);
  }

  void sent(long bytes) {
    BYTES_OUT.getAndAdd(this, bytes);
  }

  void childDeployed(int delta) {
    CHILDREN.getAndAdd(this, delta);
  }

  void workerRunning(int delta) {
    WORKERS_RUNNING.getAndAdd(this, delta);
  }

  void workerCpu(long nanos) {
    WORKER_CPU_NANOS.getAndAdd(this, nanos);
  }

  void filesOpen(int delta) {
    FILES.getAndAdd(this, delta);
  }

  void connectionsOpen(int delta) {
    CONNECTIONS.getAndAdd(this, delta);
  }

  /** The inbox's figures, set by the agent's context after every change of its queue. */
  void queue(int messages, long bytes) {
    queued = messages;
    queuedBytes = bytes;
  }

  /** Handler time since the last call (the sampler's per-interval read). */
  @Override
  public long takeHandlerNanos() {
    return take(HANDLER_NANOS);
  }

  /** Worker CPU time since the last call. */
  @Override
  public long takeWorkerCpuNanos() {
    return take(WORKER_CPU_NANOS);
  }

  /**
   * Reads and zeroes a running total. An idle agent's total is 0: a plain read then, not a locked
   * exchange that also dirties the cache line (the sampler does this for every agent every interval).
   * What a handler adds after the read stays for the next interval.
   */
  private long take(VarHandle total) {
    return (long) total.getVolatile(this) == 0 ? 0 : (long) total.getAndSet(this, 0L);
  }

  /** Adds a custom amount the agent reported (any thread). */
  void reportCustom(String resource, double amount) {
    Map<String, DoubleAdder> since = customSinceSample;
    (since != null ? since : createCustom()).computeIfAbsent(resource, r -> new DoubleAdder()).add(amount);
  }

  /** Remembers a file the agent wrote through its context (any thread). */
  void wrote(Path file) {
    Set<Path> written = writtenFiles;
    (written != null ? written : createWritten()).add(file);
  }

  // Made on first use (most agents never report custom usage or write files); the volatile read
  // above is the fast path, these run at most once each.
  private synchronized Map<String, DoubleAdder> createCustom() {
    if (customSinceSample == null) {
      customSinceSample = new ConcurrentHashMap<>();
    }
    return customSinceSample;
  }

  private synchronized Set<Path> createWritten() {
    if (writtenFiles == null) {
      writtenFiles = ConcurrentHashMap.newKeySet();
    }
    return writtenFiles;
  }

  /** Custom amounts reported since the last call. */
  @Override
  public Map<String, Double> takeCustom() {
    Map<String, DoubleAdder> since = customSinceSample;
    if (since == null || since.isEmpty()) {
      return Map.of();
    }
    Map<String, Double> out = new java.util.HashMap<>();
    since.forEach((k, adder) -> {
      double v = adder.sumThenReset();
      if (v != 0) {
        out.put(k, v);
      }
    });
    return out;
  }

  @Override
  public long bytesIn() {
    return bytesIn;
  }

  @Override
  public long bytesOut() {
    return bytesOut;
  }

  @Override
  public Thread thread() {
    return thread;
  }

  @Override
  public long messagesHandled() {
    return handled;
  }

  public int children() {
    return children;
  }

  @Override
  public int queuedMessages() {
    return queued;
  }

  @Override
  public long queuedBytes() {
    return Math.max(0, queuedBytes);
  }

  @Override
  public int files() {
    return files;
  }

  @Override
  public int connections() {
    return connections;
  }

  /**
   * Bytes on disk held by the files the agent wrote through its context, read from
   * the file system now (one {@code stat} per file, so call it from a worker, once per sample).
   * A file deleted since is forgotten; a file written outside the context is not seen.
   */
  @Override
  public long diskBytes() {
    Set<Path> written = writtenFiles;
    if (written == null || written.isEmpty()) {
      return 0;
    }
    long total = 0;
    for (Path file : written) {
      try {
        total += Files.size(file);
      } catch (NoSuchFileException gone) {
        written.remove(file);
      } catch (IOException unreadable) {
        // kept: a file that cannot be read now may be readable at the next sample
      }
    }
    return total;
  }

  /** Child deployments plus blocking tasks running right now. */
  @Override
  public int processes() {
    return children + workersRunning;
  }
}
