package io.agentgovernor.monitor;

/**
 * The shared clock of one rollup tier (10 s or 5 min buckets): which bucket is open, and which
 * bucket each ring position last held. All agents close a bucket at the same moment (the pass
 * whose time is in a newer bucket), so this is kept once per node, not per agent: a position
 * whose stored bucket is not the one asked for (skipped in a gap, or overwritten a ring ago) is
 * empty for everyone without touching an agent's memory.
 */
final class BucketRing {

  static final long NONE = Long.MIN_VALUE;

  final long width;
  final int window;
  /** Ring positions: the window plus one block, rounded up to whole blocks. */
  final int slots;
  private final long[] bucketAt;
  /** Per block of positions, the block number ({@code bucket / BLOCK}) last begun there. */
  private final long[] blockAt;
  /** The bucket being filled, or {@link #NONE} before the first sample. */
  long open = NONE;

  BucketRing(long width, int window) {
    this.width = width;
    this.window = window;
    this.slots = Quantized.blocks(window + Quantized.BLOCK) * Quantized.BLOCK;
    this.bucketAt = new long[slots];
    this.blockAt = new long[slots / Quantized.BLOCK];
    java.util.Arrays.fill(bucketAt, NONE);
    java.util.Arrays.fill(blockAt, NONE);
  }

  long bucketOf(long time) {
    return Math.floorDiv(time, width);
  }

  int position(long bucket) {
    return (int) Math.floorMod(bucket, (long) slots);
  }

  /**
   * Marks {@code bucket}'s position as holding it; true when it is the first bucket written in
   * its block since the block came round again (every agent's block exponent starts afresh).
   */
  boolean begin(long bucket) {
    bucketAt[position(bucket)] = bucket;
    int block = position(bucket) / Quantized.BLOCK;
    long number = Math.floorDiv(bucket, Quantized.BLOCK);
    boolean fresh = blockAt[block] != number;
    blockAt[block] = number;
    return fresh;
  }

  boolean holds(long bucket) {
    return bucketAt[position(bucket)] == bucket;
  }

  /** The start of the oldest bucket in the window, or {@code Long.MAX_VALUE} before the first sample. */
  long oldest() {
    return open == NONE ? Long.MAX_VALUE : (open - window + 1) * width;
  }
}
