package io.agentgovernor.agent.samples;

import io.agentgovernor.agent.ControlAck;
import io.agentgovernor.agent.GovernedAgent;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import java.util.Map;

/**
 * Sends {@code bytesPerSecond} to a sink outside itself ({@link #SINK}, a consumer on every node
 * that discards what it gets): ten buffers a second, so its measured network use is that rate.
 * {@code batch_operations} and {@code drop_non_essential} send less.
 */
public final class ChattyAgent extends GovernedAgent {

  /** Where chatty agents send their bytes. */
  public static final String SINK = "governor.sink";

  private final long bytesPerSecond;
  private final Degradable degradation = new Degradable(Map.of("batch_operations", 0.3, "drop_non_essential", 0.5));
  private long sent;

  public ChattyAgent(long bytesPerSecond) {
    this.bytesPerSecond = bytesPerSecond;
  }

  @Override
  protected Future<?> onStart() {
    agent().setPeriodic(100, id -> {
      int size = (int) (bytesPerSecond / 10 * degradation.workScale());
      if (size > 0) {
        agent().send(SINK, Buffer.buffer(new byte[size]));
        sent += size;
      }
    });
    return Future.succeededFuture();
  }

  @Override
  public ControlAck onDegradation(String strategy, JsonObject params, boolean active) {
    return degradation.apply(strategy, params, active);
  }

  @Override
  public JsonObject status() {
    return new JsonObject().put("sentBytes", sent).mergeIn(degradation.toJson());
  }
}
