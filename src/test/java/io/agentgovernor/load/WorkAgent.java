package io.agentgovernor.load;

import io.agentgovernor.agent.AgentFactory;
import io.agentgovernor.agent.GovernedAgent;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.concurrent.atomic.LongAdder;

/**
 * A load-test agent doing a fixed amount of work: every {@code periodMs} (default 1000) a timer
 * runs {@code rounds} (default 2000) rounds of xorshift — the same computation every time, so CPU
 * per tick is comparable between runs. Ticks are counted node-wide in {@link #TICKS}.
 */
public final class WorkAgent extends GovernedAgent {

  /** Ticks run by every WorkAgent in this JVM. */
  public static final LongAdder TICKS = new LongAdder();
  private static volatile long sink;

  public static final AgentFactory FACTORY = AgentFactory.of("work", "fixed computation on a timer (load tests)", List.of("periodMs", "rounds"),
        config -> new WorkAgent(config.getLong("periodMs", 1000L), config.getInteger("rounds", 2000)));

  private final long periodMs;
  private final int rounds;
  private long ticks;
  private long x = 0x9E3779B97F4A7C15L;

  WorkAgent(long periodMs, int rounds) {
    this.periodMs = periodMs;
    this.rounds = rounds;
  }

  @Override
  protected Future<?> onStart() {
    // spread the first ticks over one period so 10,000 timers do not fire together
    long first = 1 + (long) (Math.random() * periodMs);
    agent().setTimer(first, t -> {
      tick();
      agent().setPeriodic(periodMs, id -> tick());
    });
    return Future.succeededFuture();
  }

  private void tick() {
    long v = x;
    for (int i = 0; i < rounds; i++) {
      v ^= v << 13;
      v ^= v >>> 7;
      v ^= v << 17;
    }
    x = v;
    sink = v;
    ticks++;
    TICKS.increment();
  }

  @Override
  public JsonObject status() {
    return new JsonObject().put("ticks", ticks);
  }
}
