package io.agentgovernor.degradation.impl;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import java.util.function.LongConsumer;

/**
 * A periodic timer on one event loop: how late it fires, in ms, is that loop's delay. Deployed
 * with one instance per event loop of the node (instances of one deployment take consecutive
 * loops), so a loop held by any part, not only the one degradation would run on, is seen.
 */
public final class EventLoopProbe extends VerticleBase {

  private final long periodMs;
  private final LongConsumer lateMs;
  private long lastNanos;

  /** {@code lateMs} is called on this probe's event loop with each firing's lateness (≥ 0). */
  public EventLoopProbe(long periodMs, LongConsumer lateMs) {
    this.periodMs = periodMs;
    this.lateMs = lateMs;
  }

  @Override
  public Future<?> start() {
    vertx.setPeriodic(periodMs, id -> {
      long now = System.nanoTime();
      if (lastNanos != 0) {
        lateMs.accept(Math.max(0, (now - lastNanos) / 1_000_000 - periodMs));
      }
      lastNanos = now;
    });
    return Future.succeededFuture();
  }
}
