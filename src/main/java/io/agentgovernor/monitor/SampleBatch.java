package io.agentgovernor.monitor;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.MessageCodec;
import java.util.List;

/**
 * All samples one node took in one interval, published on the node-local address
 * {@link MonitorVerticle#SAMPLES} to the parts that act on them (enforcement, degradation,
 * analytics). Passed by reference: it never leaves the JVM.
 *
 * @param takenNanos {@code System.nanoTime()} when sampling began: where breach-to-action latency starts
 */
public record SampleBatch(String node, long time, long takenNanos, long intervalMs, List<AgentSample> samples) {

  /** The codec that lets the batch travel the local event bus as a plain object. */
  public static final class LocalCodec implements MessageCodec<SampleBatch, SampleBatch> {
    public static final String NAME = "governor-sample-batch";

    @Override
    public void encodeToWire(Buffer buffer, SampleBatch batch) {
      throw new UnsupportedOperationException("sample batches are node-local");
    }

    @Override
    public SampleBatch decodeFromWire(int pos, Buffer buffer) {
      throw new UnsupportedOperationException("sample batches are node-local");
    }

    @Override
    public SampleBatch transform(SampleBatch batch) {
      return batch;
    }

    @Override
    public String name() {
      return NAME;
    }

    @Override
    public byte systemCodecID() {
      return -1;
    }
  }
}
