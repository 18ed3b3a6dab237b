package io.agentgovernor.agent.samples;

import io.agentgovernor.agent.ControlAck;
import io.agentgovernor.agent.GovernedAgent;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Holds memory for real: {@code holdBytes} in 1 MiB chunks (each written, so the pages are
 * touched), growing by {@code growBytesPerSecond}. The chunks are its declared state, measured by
 * the governor. {@code drop_non_essential} releases half of what it holds (scaled by intensity),
 * {@code cache_aggressively} stops the growth; lifting them lets it grow again.
 */
public final class MemoryHogAgent extends GovernedAgent {

  private static final int CHUNK = 1 << 20;

  private final long holdBytes;
  private final long growBytesPerSecond;
  private final List<byte[]> chunks = new ArrayList<>();
  private final Degradable degradation = new Degradable(Map.of(
      "drop_non_essential", 0.5, "cache_aggressively", 1.0, "reduce_precision", 0.25));
  private long held;

  public MemoryHogAgent(long holdBytes, long growBytesPerSecond) {
    this.holdBytes = holdBytes;
    this.growBytesPerSecond = growBytesPerSecond;
  }

  @Override
  protected Future<?> onStart() {
    agent().retain(chunks);
    grow(holdBytes);
    if (growBytesPerSecond > 0) {
      agent().setPeriodic(1000, id -> {
        if (!degradation.isActive("cache_aggressively")) {
          grow(growBytesPerSecond);
        }
      });
    }
    agent().onMessage(msg -> {
      if (msg.replyAddress() != null) {
        msg.reply(status());
      }
    });
    return Future.succeededFuture();
  }

  private void grow(long bytes) {
    long remaining = bytes;
    while (remaining > 0) {
      int size = (int) Math.min(CHUNK, remaining);
      byte[] chunk = new byte[size];
      for (int i = 0; i < size; i += 4096) {
        chunk[i] = (byte) i;
      }
      chunks.add(chunk);
      held += size;
      remaining -= size;
    }
  }

  private void shed(double share) {
    int drop = (int) Math.floor(chunks.size() * share);
    for (int i = 0; i < drop; i++) {
      held -= chunks.remove(chunks.size() - 1).length;
    }
  }

  @Override
  public ControlAck onDegradation(String strategy, JsonObject params, boolean active) {
    ControlAck ack = degradation.apply(strategy, params, active);
    if (ack == ControlAck.APPLIED && active && !strategy.equals("cache_aggressively")) {
      double intensity = params == null ? 1.0 : params.getDouble("intensity", 1.0);
      shed(strategy.equals("drop_non_essential") ? 0.5 * intensity : 0.25 * intensity);
    }
    return ack;
  }

  @Override
  public ControlAck onScaleDown(String resource, double target, long deadline) {
    if (!resource.equals("memory")) {
      return ControlAck.UNSUPPORTED;
    }
    while (held > target && !chunks.isEmpty()) {
      held -= chunks.remove(chunks.size() - 1).length;
    }
    return ControlAck.APPLIED;
  }

  @Override
  public JsonObject status() {
    return new JsonObject().put("heldBytes", held).mergeIn(degradation.toJson());
  }
}
