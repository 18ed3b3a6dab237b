package io.agentgovernor.analytics.replay;

import java.io.BufferedReader;
import java.io.StringReader;
import java.util.EnumSet;
import java.util.Map;
import java.util.function.IntToDoubleFunction;

/** Synthetic traces for replay tests. */
final class TraceFixtures {

  static final long T0 = 1_375_308_000L;

  private TraceFixtures() {
  }

  /** {@code days} days of 300 s samples for each entity; cpu and memory from the given functions. */
  static String trace(int days, IntToDoubleFunction cpu, IntToDoubleFunction memory, String... entities) {
    StringBuilder sb = new StringBuilder("entity_id,timestamp_seconds,cpu_cores,memory_bytes\n");
    for (String e : entities) {
      for (int i = 0; i < days * 288; i++) {
        sb.append(e).append(',').append(T0 + 300L * i).append(',').append(cpu.applyAsDouble(i)).append(',')
            .append(Math.round(memory.applyAsDouble(i))).append('\n');
      }
    }
    return sb.toString();
  }

  static String capacity(double cores, double bytes, String... entities) {
    StringBuilder sb = new StringBuilder("entity_id,timestamp_seconds,cpu_cores_provisioned,memory_provisioned_bytes\n");
    for (String e : entities) {
      sb.append(e).append(',').append(T0).append(',').append(cores).append(',').append((long) bytes).append('\n');
    }
    return sb.toString();
  }

  static Trace read(String text) throws Exception {
    return new TraceReader(EnumSet.allOf(ReplayResource.class)).read(new BufferedReader(new StringReader(text)));
  }

  static Map<String, Capacity> readCapacity(String text) throws Exception {
    return new CapacityReader().read(new BufferedReader(new StringReader(text)));
  }

  /** A noisy daily cycle with spikes, deterministic. */
  static double wavy(int i) {
    double day = Math.sin(2 * Math.PI * i / 288.0);
    double noise = ((i * 7919L) % 101) / 101.0;
    return 1 + 0.5 * day + 0.3 * noise + (i % 97 == 0 ? 2 : 0);
  }
}
