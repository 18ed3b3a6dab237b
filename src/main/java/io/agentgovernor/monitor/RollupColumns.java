package io.agentgovernor.monitor;

import java.util.Arrays;

/**
 * One rollup tier of one resource (10 s buckets over an hour, or 5 min buckets over a day) for
 * every agent using it: per ring position a column of mean codes and one of max codes, dense over
 * lanes, written once per bucket when it closes (one sequential pass over the lanes, every 10 s
 * or 5 min, not per sample). Which bucket a position holds is kept once per node in the tier's
 * {@link BucketRing}.
 *
 * <p>8-bit {@link Quantized block floating point}: per lane and block of 12 positions one exponent
 * byte; code 255 marks a bucket in which the lane had no sample. A bucket whose max is above its
 * block's range raises the lane's exponent and halves the lane's earlier codes in the block (rare,
 * and only at a close). Per lane: 2 bytes per position plus one per block (hour: 775 B, day: 625 B).
 */
final class RollupColumns {

  static final int EMPTY = 0xFF;
  private static final int BLOCK = Quantized.BLOCK;
  private static final int BITS = 8;
  private static final int TOP = 0xFE;

  /** {@code 2^(8 - e)} by {@code e + 128}: a value times it is its code, before rounding. */
  private static final double[] SCALE = new double[256];

  static {
    for (int e = Byte.MIN_VALUE; e <= Byte.MAX_VALUE; e++) {
      SCALE[e + 128] = Math.scalb(1.0, BITS - e);
    }
  }

  private final BucketRing ring;
  /** Per chunk: codes at {@code position * size + offset}, exponents at {@code block * size + offset}. */
  private byte[][] mean = new byte[0][];
  private byte[][] max = new byte[0][];
  private byte[][] exponents = new byte[0][];

  RollupColumns(BucketRing ring) {
    this.ring = ring;
  }

  void addChunk(int chunk) {
    int size = LaneChunks.size(chunk);
    mean = Arrays.copyOf(mean, chunk + 1);
    max = Arrays.copyOf(max, chunk + 1);
    exponents = Arrays.copyOf(exponents, chunk + 1);
    mean[chunk] = new byte[ring.slots * size];
    max[chunk] = new byte[ring.slots * size];
    exponents[chunk] = new byte[ring.slots / BLOCK * size];
    Arrays.fill(mean[chunk], (byte) EMPTY);
    Arrays.fill(exponents[chunk], Quantized.EMPTY_BLOCK);
  }

  /** A new agent in {@code lane}: the block that {@code bucket} goes into starts afresh for it. */
  void startLane(long bucket, int lane) {
    int c = LaneChunks.chunkOf(lane);
    exponents[c][ring.position(bucket) / BLOCK * LaneChunks.size(c) + lane - LaneChunks.start(c)] = Quantized.EMPTY_BLOCK;
  }

  /**
   * Writes the closed {@code bucket} of chunk {@code chunk}'s first {@code n} lanes: mean
   * {@code sum / count} and {@code max} (lane {@code start + o} at {@code [from + o]}), or empty
   * where the count is 0. {@code fresh}: the bucket is the first of its block this time round.
   */
  void write(long bucket, boolean fresh, int chunk, int n, float[] sum, float[] maxima, int[] count, int from) {
    int position = ring.position(bucket);
    int b = position / BLOCK;
    int size = LaneChunks.size(chunk);
    byte[] mc = mean[chunk];
    byte[] xc = max[chunk];
    byte[] ec = exponents[chunk];
    for (int o = 0; o < n; o++) {
      if (fresh) {
        ec[b * size + o] = Quantized.EMPTY_BLOCK;
      }
      int k = count[from + o];
      if (k == 0) {
        mc[position * size + o] = (byte) EMPTY;
        continue;
      }
      double x = maxima[from + o];
      int e = ec[b * size + o];
      int need = Quantized.exponentFor(x, e, BITS, TOP);
      if (need > e && e != Quantized.EMPTY_BLOCK) {
        for (int i = b * BLOCK; i < (b + 1) * BLOCK; i++) {
          int at = i * size + o;
          if ((mc[at] & 0xFF) != EMPTY) {
            mc[at] = (byte) Quantized.rescale(mc[at] & 0xFF, need - e);
            xc[at] = (byte) Quantized.rescale(xc[at] & 0xFF, need - e);
          }
        }
      }
      ec[b * size + o] = (byte) need;
      double scale = SCALE[need + 128];
      mc[position * size + o] = (byte) Math.min(TOP, (int) ((double) sum[from + o] / k * scale + 0.5));
      xc[position * size + o] = (byte) Math.min(TOP, (int) (x * scale + 0.5));
    }
  }

  /** The lane's {mean, max} in a closed bucket its ring still holds, or null where it had no sample. */
  double[] get(long bucket, int lane) {
    if (!ring.holds(bucket)) {
      return null;
    }
    int position = ring.position(bucket);
    int c = LaneChunks.chunkOf(lane);
    int size = LaneChunks.size(c);
    int o = lane - LaneChunks.start(c);
    int m = mean[c][position * size + o] & 0xFF;
    if (m == EMPTY) {
      return null;
    }
    int e = exponents[c][position / BLOCK * size + o];
    return new double[] {Quantized.decode(m, e, BITS), Quantized.decode(max[c][position * size + o] & 0xFF, e, BITS)};
  }
}
