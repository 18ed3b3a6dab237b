package io.agentgovernor.monitor;

/**
 * The node's sampling clock, shared by every agent's history: the passes (intervals) numbered
 * from 0, the time of each of the last {@value RawColumns#SLOTS}, where the raw tier restarted,
 * and the two rollup tiers' open buckets. One pass is one time for all agents, so a time costs
 * 8 bytes per node, not a ring per agent.
 *
 * <p>The raw tier restarts (its earlier samples are no longer served; the rollups keep them) when
 * a pass comes more than {@value #MAX_GAP} ms after the previous one, or before it (the clock
 * stepped back).
 */
final class IntervalRing {

  static final long MAX_GAP = 0xFFFF;

  private final long[] times = new long[RawColumns.SLOTS];
  /** The number the next pass gets. */
  long next;
  /** The first pass the raw tier serves (after the last restart). */
  long rawStart;
  private long newest;
  final BucketRing hour = new BucketRing(UsageHistory.TEN_SECONDS, UsageHistory.HOUR_BUCKETS);
  final BucketRing day = new BucketRing(UsageHistory.FIVE_MINUTES, UsageHistory.DAY_BUCKETS);
  /** The first pass of the open 10 s bucket. */
  long hourStart;

  /** Numbers the pass taken at {@code time} and records its time; the caller moves {@link #next} on. */
  long begin(long time) {
    if (next == 0 || time < newest || time - newest > MAX_GAP) {
      rawStart = next;
    }
    times[(int) (next % RawColumns.SLOTS)] = time;
    newest = time;
    return next;
  }

  long time(long pass) {
    return times[(int) (pass % RawColumns.SLOTS)];
  }

  /** The oldest pass whose time and raw values are still held. */
  long oldestHeld() {
    return Math.max(0, next - RawColumns.SLOTS);
  }

  /**
   * The passes of the open 10 s bucket still held, into {@code out}; returns how many. A pass
   * whose time fell in an older bucket (the clock stepped back) is left out, as the rollups do.
   */
  int hourPasses(long[] out) {
    int n = 0;
    for (long k = Math.max(hourStart, oldestHeld()); k < next; k++) {
      if (hour.bucketOf(time(k)) == hour.open) {
        out[n++] = k;
      }
    }
    return n;
  }
}
