package io.agentgovernor.monitor;

import java.util.Arrays;

/**
 * The raw tier of one resource, for every agent using it at once: a ring of {@value #SLOTS} pass
 * columns, each a dense array over lanes (one lane per agent using the resource). A pass writes
 * one column front to back, so writing 100,000 agents' samples is a sequential copy, not 100,000
 * scattered ring writes.
 *
 * <p>The block being filled ({@value Quantized#BLOCK} passes) is kept exact as floats; when its
 * last pass is written it is quantized by {@link Quantized block floating point} into 16-bit
 * codes, one exponent byte per lane and block, taken from the block's largest value (so no code
 * is ever rescaled, and a value is within 1/65,536 of its block's largest; small integers exact).
 * Per lane: 132 × 2 B of codes, 11 exponent bytes and 12 × 4 B of open block, 323 B.
 */
final class RawColumns {

  static final int SLOTS = UsageHistory.RAW + Quantized.BLOCK;
  private static final int BLOCK = Quantized.BLOCK;
  private static final int BITS = 16;
  private static final int TOP = 0xFFFF;
  /** The value of code 1 by exponent ({@code 2^(e - 16)}, indexed by {@code e + 128}). */
  private static final double[] STEP = new double[256];

  static {
    for (int e = Byte.MIN_VALUE; e <= Byte.MAX_VALUE; e++) {
      STEP[e + 128] = Math.scalb(1.0, e - BITS);
    }
  }

  /** The open block, exact: {@code open[pass % BLOCK][lane]}. */
  float[][] open = new float[BLOCK][0];
  /** Per chunk: codes at {@code position * size + offset}, exponents at {@code block * size + offset}. */
  private char[][] codes = new char[0][];
  private byte[][] exponents = new byte[0][];

  /** Allocates chunk {@code chunk}, the next one, and widens the open block to its lanes. */
  void addChunk(int chunk) {
    int size = LaneChunks.size(chunk);
    codes = Arrays.copyOf(codes, chunk + 1);
    exponents = Arrays.copyOf(exponents, chunk + 1);
    codes[chunk] = new char[SLOTS * size];
    exponents[chunk] = new byte[SLOTS / BLOCK * size];
    int capacity = LaneChunks.capacity(chunk + 1);
    for (int j = 0; j < BLOCK; j++) {
      open[j] = Arrays.copyOf(open[j], capacity);
    }
  }

  /** A lane starting afresh in the open block (its earlier passes there were another agent's). */
  void clearOpen(int lane) {
    for (float[] column : open) {
      column[lane] = 0;
    }
  }

  /** Quantizes block {@code block} (passes {@code block * 12 ..}), whose last pass was just written. */
  void closeBlock(long block, int lanes) {
    int first = (int) (block * BLOCK % SLOTS);
    int b = first / BLOCK;
    for (int c = 0; c < codes.length; c++) {
      int start = LaneChunks.start(c);
      int size = LaneChunks.size(c);
      int n = Math.min(size, lanes - start);
      char[] cc = codes[c];
      byte[] ee = exponents[c];
      for (int o = 0; o < n; o++) {
        int lane = start + o;
        float max = 0;
        for (int j = 0; j < BLOCK; j++) {
          max = Math.max(max, open[j][lane]);
        }
        int e = Quantized.exponentFor(max, Quantized.EMPTY_BLOCK, BITS, TOP);
        ee[b * size + o] = (byte) e;
        double scale = Math.scalb(1.0, BITS - e);
        for (int j = 0; j < BLOCK; j++) {
          cc[(first + j) * size + o] = (char) Math.min(TOP, Math.round(open[j][lane] * scale));
        }
      }
    }
  }

  /** The value of {@code lane} in pass {@code pass}, which must still be held. */
  double value(long pass, long openBlock, int lane) {
    if (pass / BLOCK == openBlock) {
      return open[(int) (pass % BLOCK)][lane];
    }
    int position = (int) (pass % SLOTS);
    int c = LaneChunks.chunkOf(lane);
    int size = LaneChunks.size(c);
    int o = lane - LaneChunks.start(c);
    return codes[c][position * size + o] * STEP[exponents[c][position / BLOCK * size + o] + 128];
  }

  /**
   * Adds pass {@code pass} of every lane that owned it ({@code pass >= since[lane]}) to the
   * lanes' running sum, max and count: a sequential read of one column.
   */
  void accumulate(long pass, long openBlock, long[] since, int lanes, double[] sum, float[] max, int[] count) {
    if (pass / BLOCK == openBlock) {
      float[] column = open[(int) (pass % BLOCK)];
      for (int lane = 0; lane < lanes; lane++) {
        if (pass >= since[lane]) {
          float v = column[lane];
          sum[lane] += v;
          max[lane] = Math.max(max[lane], v);
          count[lane]++;
        }
      }
      return;
    }
    int position = (int) (pass % SLOTS);
    for (int c = 0; c < codes.length; c++) {
      int start = LaneChunks.start(c);
      int size = LaneChunks.size(c);
      int n = Math.min(size, lanes - start);
      char[] cc = codes[c];
      byte[] ee = exponents[c];
      int at = position * size;
      int eat = position / BLOCK * size;
      for (int o = 0; o < n; o++) {
        int lane = start + o;
        if (pass >= since[lane]) {
          double v = cc[at + o] * STEP[ee[eat + o] + 128];
          sum[lane] += v;
          max[lane] = Math.max(max[lane], (float) v);
          count[lane]++;
        }
      }
    }
  }
}
