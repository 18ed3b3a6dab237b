package io.agentgovernor.monitor;

/**
 * How a resource's lanes (one per agent using it) are cut into chunks: 64, 64, 128, 256 … 4,096
 * lanes, then 4,096 each. A chunk's rollup arrays are allocated when its first lane is, and never
 * moved (the raw columns are widened, copied, by a chunk at a time), so a node with few agents
 * allocates little and one with many wastes at most one chunk (4,096 lanes, under 4 % at 100,000
 * agents).
 */
final class LaneChunks {

  private static final int FIRST = 64;
  static final int LARGEST = 4096;
  /** Lanes covered by the doubling chunks 0..7 (64 + 64 + 128 + … + 4,096). */
  private static final int DOUBLING_END = 2 * LARGEST;

  private LaneChunks() {
  }

  static int chunkOf(int lane) {
    if (lane >= DOUBLING_END) {
      return 6 + (lane >>> 12);
    }
    return lane < FIRST ? 0 : 32 - Integer.numberOfLeadingZeros(lane >>> 6);
  }

  static int start(int chunk) {
    if (chunk >= 8) {
      return (chunk - 6) << 12;
    }
    return chunk == 0 ? 0 : FIRST << (chunk - 1);
  }

  static int size(int chunk) {
    return chunk == 0 ? FIRST : chunk >= 8 ? LARGEST : FIRST << (chunk - 1);
  }

  /** Lanes that chunks {@code 0..chunks-1} hold. */
  static int capacity(int chunks) {
    return chunks == 0 ? 0 : start(chunks - 1) + size(chunks - 1);
  }
}
