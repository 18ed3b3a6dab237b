package io.agentgovernor.monitor;

import java.util.Arrays;

/**
 * The raw tier of one resource, for every agent using it at once: a ring of {@value #SLOTS} pass
 * columns, each a dense float array over lanes (one lane per agent using the resource). A pass
 * writes one column front to back, so writing 100,000 agents' samples is a sequential copy, not
 * 100,000 scattered ring writes, and nothing is re-coded later.
 *
 * <p>Floats, not 16-bit block codes: a value keeps 24 bits of precision (relative error under
 * 6e-8; integers up to 2^24 exact), and quantizing blocks of 12 passes, which re-read and re-wrote
 * every column (measured: as costly as the rest of the history together), is gone. Per lane
 * 120 × 4 B = 480 B; the columns grow with the lane chunks (copied, one chunk at a time).
 */
final class RawColumns {

  static final int SLOTS = UsageHistory.RAW;

  /** {@code columns[pass % SLOTS][lane]}. */
  final float[][] columns = new float[SLOTS][0];

  /** Widens every column to {@code lanes}. */
  void capacity(int lanes) {
    for (int j = 0; j < SLOTS; j++) {
      columns[j] = Arrays.copyOf(columns[j], lanes);
    }
  }

  /** The value of {@code lane} in pass {@code pass}, which must still be held. */
  double value(long pass, int lane) {
    return columns[(int) (pass % SLOTS)][lane];
  }

  /**
   * Sums the given passes (all still held) of lanes {@code start .. start+n-1} into
   * {@code sum[o]} and {@code max[o]} (which start at 0), whoever owned a lane then: the caller
   * corrects lanes taken meanwhile. Each inner loop reads one column front to back.
   */
  void accumulate(int start, int n, long[] passes, int count, float[] sum, float[] max) {
    for (int j = 0; j < count; j++) {
      float[] column = columns[(int) (passes[j] % SLOTS)];
      for (int o = 0; o < n; o++) {
        float v = column[start + o];
        sum[o] += v;
        max[o] = Math.max(max[o], v);
      }
    }
  }
}
