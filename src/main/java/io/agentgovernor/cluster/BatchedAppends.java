package io.agentgovernor.cluster;

import com.hazelcast.map.IMap;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Bounded per-key histories ({@link BoundedAppend}) written in batches: events collect for
 * {@code flushMs}, then one entry processor per key carries all of that key's events, and the
 * keys' processors run at once ({@code submitToKey}) from a worker. Before, every event was its
 * own blocking task and its own processor run: in a storm of 1,000 breaches that was 2,000 tasks
 * queued on the workers and as many runs of the partition threads, all competing with the actions
 * themselves for two cores.
 *
 * <p>One batch is written at a time, so a key's events are stored in the order they were added.
 * A read on this node calls {@link #flush()} first and sees every event added before it; on other
 * nodes an event is readable within {@code flushMs} plus the write. What a node had not yet
 * written when it died is lost with it (at most {@code flushMs} of history; the events themselves
 * were published on the feed when they happened). Thread-safe.
 */
public final class BatchedAppends {

  private static final Logger LOG = LoggerFactory.getLogger(BatchedAppends.class);
  /** How long the governor's histories (enforcement, degradation) collect events before a write. */
  public static final long FLUSH_MS = 100;

  private final Vertx vertx;
  private final IMap<String, String> map;
  private final int bound;
  private final long flushMs;
  private final String what;
  private Map<String, List<String>> pending = new LinkedHashMap<>();
  private boolean timerSet;
  private Future<Void> written = Future.succeededFuture();

  /**
   * @param bound   events kept per key
   * @param flushMs how long events collect before they are written
   * @param what    names the history in the log
   */
  public BatchedAppends(Vertx vertx, IMap<String, String> map, int bound, long flushMs, String what) {
    this.vertx = vertx;
    this.map = map;
    this.bound = bound;
    this.flushMs = flushMs;
    this.what = what;
  }

  /** Adds an encoded event to a key's history; written within {@code flushMs}. */
  public synchronized void add(String key, String event) {
    pending.computeIfAbsent(key, k -> new ArrayList<>(2)).add(event);
    if (!timerSet) {
      timerSet = true;
      vertx.setTimer(flushMs, id -> flush());
    }
  }

  /** Writes what is pending now, after the batch under way; completes once it is stored (or its failure logged). */
  public synchronized Future<Void> flush() {
    timerSet = false;
    Map<String, List<String>> batch = pending;
    if (batch.isEmpty()) {
      return written;
    }
    pending = new LinkedHashMap<>();
    written = written.transform(previous -> vertx.executeBlocking(() -> {
      write(batch);
      return null;
    }, false));
    return written;
  }

  private void write(Map<String, List<String>> batch) {
    List<CompletableFuture<Object>> runs = new ArrayList<>(batch.size());
    batch.forEach((key, events) -> runs.add(map.submitToKey(key, new BoundedAppend(events, bound)).toCompletableFuture()));
    int failed = 0;
    Throwable first = null;
    for (CompletableFuture<Object> run : runs) {
      try {
        run.join();
      } catch (CompletionException | java.util.concurrent.CancellationException e) {
        failed++;
        first = first == null ? e : first;
      }
    }
    if (failed > 0) {
      LOG.warn("{} history of {} of {} key(s) not stored: {}", what, failed, runs.size(), String.valueOf(first));
    }
  }
}
