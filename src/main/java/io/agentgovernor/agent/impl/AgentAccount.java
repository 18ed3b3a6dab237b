package io.agentgovernor.agent.impl;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.DoubleAdder;

/**
 * The running totals of one agent's use, written by its handlers (on its event-loop thread and on
 * workers) and read, then reset where they are per-interval, by the node's sampler.
 *
 * <p>Counters are atomics: an uncontended add costs a few nanoseconds, and the sampler's
 * {@code getAndSet(0)} never loses an add made concurrently.
 */
public final class AgentAccount implements io.agentgovernor.agent.AgentMeter {

  /** Wall time spent in the agent's handlers since the last sample (apportioned to CPU later). */
  final AtomicLong handlerNanos = new AtomicLong();
  /** CPU time of the agent's blocking tasks since the last sample, read from their worker threads. */
  final AtomicLong workerCpuNanos = new AtomicLong();
  final AtomicLong bytesIn = new AtomicLong();
  final AtomicLong bytesOut = new AtomicLong();
  final AtomicLong handled = new AtomicLong();
  final AtomicInteger children = new AtomicInteger();
  final AtomicInteger workersRunning = new AtomicInteger();
  final AtomicInteger files = new AtomicInteger();
  final AtomicInteger connections = new AtomicInteger();
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
    handlerNanos.addAndGet(nanos);
    handled.incrementAndGet();
  }

  /** Handler time since the last call (the sampler's per-interval read). */
  @Override
  public long takeHandlerNanos() {
    return take(handlerNanos);
  }

  /** Worker CPU time since the last call. */
  @Override
  public long takeWorkerCpuNanos() {
    return take(workerCpuNanos);
  }

  /**
   * Reads and zeroes a running total. An idle agent's total is 0: a plain read then, not a locked
   * exchange that also dirties the cache line (the sampler does this for every agent every interval).
   * What a handler adds after the read stays for the next interval.
   */
  private static long take(AtomicLong total) {
    return total.get() == 0 ? 0 : total.getAndSet(0);
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
    return bytesIn.get();
  }

  @Override
  public long bytesOut() {
    return bytesOut.get();
  }

  @Override
  public Thread thread() {
    return thread;
  }

  @Override
  public long messagesHandled() {
    return handled.get();
  }

  public int children() {
    return children.get();
  }

  @Override
  public int files() {
    return files.get();
  }

  @Override
  public int connections() {
    return connections.get();
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
    return children.get() + workersRunning.get();
  }
}
