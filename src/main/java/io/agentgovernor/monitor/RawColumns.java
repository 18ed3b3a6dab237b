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
  private static final int MIN_EXPONENT = -111;
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

  /**
   * Quantizes block {@code block} (passes {@code block * 12 ..}), whose last pass was just written:
   * column by column (the lanes' maxima, their exponents, then each column's codes), so every loop
   * runs front to back over one or two arrays, in float arithmetic (the scale is a power of two,
   * so the products are exact). Exponents are at least {@value #MIN_EXPONENT}: values under
   * 2^-111 lose their precision, not their meaning. {@code max} and {@code scale}: a chunk of scratch.
   */
  void closeBlock(long block, int lanes, float[] max, float[] scale) {
    int first = (int) (block * BLOCK % SLOTS);
    int b = first / BLOCK;
    for (int c = 0; c < codes.length; c++) {
      int start = LaneChunks.start(c);
      int size = LaneChunks.size(c);
      int n = Math.min(size, lanes - start);
      if (n <= 0) {
        return;
      }
      java.util.Arrays.fill(max, 0, n, 0f);
      for (float[] column : open) {
        for (int o = 0; o < n; o++) {
          float v = column[start + o];
          max[o] = v > max[o] ? v : max[o];
        }
      }
      byte[] ee = exponents[c];
      for (int o = 0; o < n; o++) {
        float m = max[o];
        int e = Math.max(MIN_EXPONENT, Math.getExponent(m) + 1);
        float sc = Math.scalb(1f, BITS - e);
        if ((int) (m * sc + 0.5f) > TOP) {
          e++;
          sc *= 0.5f;
        }
        if (e > Byte.MAX_VALUE) {
          e = Byte.MAX_VALUE;
          sc *= 2f;
        }
        ee[b * size + o] = (byte) e;
        scale[o] = sc;
      }
      char[] cc = codes[c];
      for (int j = 0; j < BLOCK; j++) {
        float[] column = open[j];
        int at = (first + j) * size;
        for (int o = 0; o < n; o++) {
          // round half up (values are never negative); the clamp only bites near Float.MAX_VALUE
          cc[at + o] = (char) Math.min(TOP, (int) (column[start + o] * scale[o] + 0.5f));
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
   * Adds the given passes (ascending, all still held) of every lane to the lanes' running sum and
   * max, whoever owned the lane then (the caller corrects lanes taken meanwhile). Passes of a
   * closed block are summed as integer codes, scaled once per lane and block: the inner loops
   * read one column front to back. {@code codeSum}, {@code codeMax}: a chunk of scratch.
   */
  void accumulate(long[] passes, int n, long openBlock, int lanes, double[] sum, float[] max, int[] codeSum, int[] codeMax) {
    for (int j = 0; j < n; ) {
      long block = passes[j] / BLOCK;
      int end = j;
      while (end < n && passes[end] / BLOCK == block) {
        end++;
      }
      if (block == openBlock) {
        for (int i = j; i < end; i++) {
          float[] column = open[(int) (passes[i] % BLOCK)];
          for (int lane = 0; lane < lanes; lane++) {
            float v = column[lane];
            sum[lane] += v;
            max[lane] = v > max[lane] ? v : max[lane];
          }
        }
      } else {
        accumulateClosed(passes, j, end, lanes, sum, max, codeSum, codeMax);
      }
      j = end;
    }
  }

  private void accumulateClosed(long[] passes, int from, int to, int lanes, double[] sum, float[] max, int[] codeSum, int[] codeMax) {
    int b = (int) (passes[from] % SLOTS) / BLOCK;
    for (int c = 0; c < codes.length; c++) {
      int start = LaneChunks.start(c);
      int size = LaneChunks.size(c);
      int n = Math.min(size, lanes - start);
      if (n <= 0) {
        return;
      }
      char[] cc = codes[c];
      java.util.Arrays.fill(codeSum, 0, n, 0);
      java.util.Arrays.fill(codeMax, 0, n, 0);
      for (int i = from; i < to; i++) {
        int at = (int) (passes[i] % SLOTS) * size;
        for (int o = 0; o < n; o++) {
          int code = cc[at + o];
          codeSum[o] += code;
          codeMax[o] = Math.max(codeMax[o], code);
        }
      }
      byte[] ee = exponents[c];
      for (int o = 0; o < n; o++) {
        double step = STEP[ee[b * size + o] + 128];
        int lane = start + o;
        sum[lane] += codeSum[o] * step;
        max[lane] = Math.max(max[lane], (float) (codeMax[o] * step));
      }
    }
  }
}
