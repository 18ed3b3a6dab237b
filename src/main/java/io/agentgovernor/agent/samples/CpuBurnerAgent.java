package io.agentgovernor.agent.samples;

import io.agentgovernor.agent.ControlAck;
import io.agentgovernor.agent.GovernedAgent;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.util.Map;
import java.util.function.LongToDoubleFunction;

/**
 * Burns CPU by computing: every 50 ms tick it hashes for {@code percent(now)} % of 50 ms of its
 * thread's CPU time. The plain {@code cpu-burner} keeps a constant percentage; {@code bursty} and
 * {@code periodic} vary it over time. Honours {@code reduce_precision}, {@code use_fallback_algorithm}
 * and {@code batch_operations} by doing less work per tick.
 */
public class CpuBurnerAgent extends GovernedAgent {

  static final long TICK_MS = 50;

  private final LongToDoubleFunction percentAt;
  private final boolean cooperative;
  private final Degradable degradation = new Degradable(Map.of(
      "reduce_precision", 0.5, "use_fallback_algorithm", 0.6, "batch_operations", 0.2));
  private long ticks;
  private long startedAt;

  /**
   * @param percentAt the CPU percent of one core to burn, given milliseconds since start
   * @param cooperative whether it honours degradation strategies (an uncooperative one answers
   *     unsupported, and the governor has to enforce)
   */
  public CpuBurnerAgent(LongToDoubleFunction percentAt, boolean cooperative) {
    this.percentAt = percentAt;
    this.cooperative = cooperative;
  }

  @Override
  protected Future<?> onStart() {
    startedAt = System.currentTimeMillis();
    agent().setPeriodic(TICK_MS, id -> tick());
    agent().onMessage(msg -> {
      if (msg.replyAddress() != null) {
        msg.reply(status());
      }
    });
    return Future.succeededFuture();
  }

  private void tick() {
    double percent = percentAt.applyAsDouble(System.currentTimeMillis() - startedAt) * degradation.workScale();
    CpuWork.burn((long) (percent / 100.0 * TICK_MS * 1_000_000L));
    ticks++;
  }

  @Override
  public JsonObject status() {
    return new JsonObject().put("ticks", ticks).mergeIn(degradation.toJson());
  }

  @Override
  public ControlAck onDegradation(String strategy, JsonObject params, boolean active) {
    return cooperative ? degradation.apply(strategy, params, active) : ControlAck.UNSUPPORTED;
  }
}
