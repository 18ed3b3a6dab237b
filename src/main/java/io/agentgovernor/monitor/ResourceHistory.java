package io.agentgovernor.monitor;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.Arrays;

/**
 * The history of one built-in resource for all of a node's agents: a lane per agent that has
 * used it (taken at its first sample above zero, given back when the agent leaves, reused by the
 * next), the raw tier ({@link RawColumns}) and the two rollup tiers ({@link RollupColumns}) in
 * columns over lanes, and the running sums of the open 5 min bucket.
 *
 * <p>A lane is owned from pass {@code since[lane]} (time {@code sinceTime[lane]}) on: nothing an
 * earlier owner wrote before that is served, and the rollups are summed from that pass on.
 * Per slot (every agent, using the resource or not): the lane number, 4 B. Per lane: raw 480 B,
 * rollups 1,400 B, 28 B of own state (first pass and time, open 5 min sum, max and count).
 */
final class ResourceHistory {

  private static final long FREE = Long.MAX_VALUE;

  private final IntervalRing clock;
  /** The lane of each slot, -1 while the slot's agent has not used the resource. */
  private int[] laneOf = new int[0];
  /** Lanes ever taken (in use or free): the columns' length that passes read and write. */
  private int lanes;
  private int[] free = new int[0];
  private int freeCount;
  private int chunks;
  private long[] since = new long[0];
  private long[] sinceTime = new long[0];
  /** The open 5 min bucket's running sum, max and count (float sums: a rollup code has 8 bits). */
  private float[] daySum = new float[0];
  private float[] dayMax = new float[0];
  private int[] dayCount = new int[0];
  private final RawColumns raw = new RawColumns();
  private final RollupColumns hour;
  private final RollupColumns day;

  ResourceHistory(IntervalRing clock) {
    this.clock = clock;
    this.hour = new RollupColumns(clock.hour);
    this.day = new RollupColumns(clock.day);
  }

  int lanes() {
    return lanes;
  }

  void growSlots(int capacity) {
    int old = laneOf.length;
    laneOf = Arrays.copyOf(laneOf, capacity);
    Arrays.fill(laneOf, old, capacity, -1);
  }

  /** The agent in {@code slot} left: its lane, if any, is free for the next agent. */
  void leave(int slot) {
    int lane = laneOf[slot];
    if (lane >= 0) {
      since[lane] = FREE;
      if (freeCount == free.length) {
        free = Arrays.copyOf(free, Math.max(16, freeCount * 2));
      }
      free[freeCount++] = lane;
      laneOf[slot] = -1;
    }
  }

  void move(int from, int to) {
    laneOf[to] = laneOf[from];
    laneOf[from] = -1;
  }

  /** Writes pass {@code pass} (column {@code pass % SLOTS}) from {@code usage[slot]}. */
  void write(long pass, long time, double[] usage, int count) {
    int column = (int) (pass % RawColumns.SLOTS);
    int[] lane = laneOf;
    float[] open = raw.columns[column];
    int from = 0;
    if (lanes == 0) {
      // nobody has used this resource yet: nothing to write before its first user
      while (from < count && !(usage[from] > 0)) {
        from++;
      }
    }
    for (int i = from; i < count; i++) {
      int l = lane[i];
      double v = usage[i];
      if (l >= 0) {
        open[l] = v > 0 ? (float) Math.min(v, Float.MAX_VALUE) : 0f;
      } else if (v > 0) {
        int taken = take(i, pass, time);
        open = raw.columns[column]; // taking a lane may have widened the columns
        open[taken] = (float) Math.min(v, Float.MAX_VALUE);
      }
    }
  }

  /** A lane for the agent in {@code slot}, owned from this pass on. */
  private int take(int slot, long pass, long time) {
    int lane;
    if (freeCount > 0) {
      lane = free[--freeCount];
    } else {
      lane = lanes++;
      if (lane == LaneChunks.capacity(chunks)) {
        addChunk();
      }
    }
    laneOf[slot] = lane;
    since[lane] = pass;
    sinceTime[lane] = time;
    daySum[lane] = 0;
    dayMax[lane] = 0;
    dayCount[lane] = 0;
    if (clock.hour.open != BucketRing.NONE) {
      hour.startLane(clock.hour.open, lane);
      day.startLane(clock.day.open, lane);
    }
    return lane;
  }

  private void addChunk() {
    hour.addChunk(chunks);
    day.addChunk(chunks);
    int capacity = LaneChunks.capacity(++chunks);
    raw.capacity(capacity);
    int old = since.length;
    since = Arrays.copyOf(since, capacity);
    Arrays.fill(since, old, capacity, FREE);
    sinceTime = Arrays.copyOf(sinceTime, capacity);
    daySum = Arrays.copyOf(daySum, capacity);
    dayMax = Arrays.copyOf(dayMax, capacity);
    dayCount = Arrays.copyOf(dayCount, capacity);
  }

  /**
   * The open 10 s bucket closed ({@code passes}: its passes still held): every lane's mean and max
   * from the raw columns, into the hour and the open 5 min bucket, a chunk of lanes at a time (its
   * sums stay in the core's cache). Lanes taken after the bucket's first pass are summed again
   * from their own first pass; free lanes have none.
   */
  void closeHour(long bucket, boolean fresh, long[] passes, int n, Scratch s) {
    s.fitChunks(lanes);
    long first = n == 0 ? Long.MAX_VALUE : passes[0];
    for (int c = 0; c < chunks; c++) {
      int start = LaneChunks.start(c);
      int m = Math.min(LaneChunks.size(c), lanes - start);
      if (m <= 0) {
        break;
      }
      Arrays.fill(s.sum, 0, m, 0);
      Arrays.fill(s.max, 0, m, 0);
      raw.accumulate(start, m, passes, n, s.sum, s.max);
      for (int o = 0; o < m; o++) {
        int lane = start + o;
        if (since[lane] > first) {
          double[] own = ownSamples(lane, passes, n);
          s.sum[o] = (float) own[0];
          s.max[o] = (float) own[1];
          s.count[o] = (int) own[2];
        } else {
          s.count[o] = n;
        }
      }
      hour.write(bucket, fresh, c, m, s.sum, s.max, s.count, 0);
      for (int o = 0; o < m; o++) {
        int lane = start + o;
        daySum[lane] += s.sum[o];
        dayMax[lane] = Math.max(dayMax[lane], s.max[o]);
        dayCount[lane] += s.count[o];
      }
    }
  }

  /** {sum, max, count} of the lane's samples among {@code passes}, from its first pass on. */
  private double[] ownSamples(int lane, long[] passes, int n) {
    double sum = 0;
    double max = 0;
    int count = 0;
    for (int j = 0; j < n; j++) {
      if (passes[j] >= since[lane]) {
        double v = raw.value(passes[j], lane);
        sum += v;
        max = Math.max(max, v);
        count++;
      }
    }
    return new double[] {sum, max, count};
  }

  /** The open 5 min bucket closed: into the day, and the running sums start again. */
  void closeDay(long bucket, boolean fresh) {
    for (int c = 0; c < chunks; c++) {
      int start = LaneChunks.start(c);
      int m = Math.min(LaneChunks.size(c), lanes - start);
      if (m <= 0) {
        break;
      }
      day.write(bucket, fresh, c, m, daySum, dayMax, dayCount, start);
    }
    Arrays.fill(daySum, 0, lanes, 0);
    Arrays.fill(dayMax, 0, lanes, 0);
    Arrays.fill(dayCount, 0, lanes, 0);
  }

  // ---- reads (one agent at a time) ----

  /** Raw samples still served for the agent in {@code slot}, oldest first: {times, values}. */
  double[][] raw(int slot) {
    int lane = laneOf[slot];
    long first = lane < 0 ? clock.next : rawFirst(lane);
    int n = (int) (clock.next - first);
    double[] times = new double[n];
    double[] values = new double[n];
    for (int i = 0; i < n; i++) {
      times[i] = clock.time(first + i);
      values[i] = raw.value(first + i, lane);
    }
    return new double[][] {times, values};
  }

  private long rawFirst(int lane) {
    return Math.max(Math.max(since[lane], clock.rawStart), clock.next - UsageHistory.RAW);
  }

  /**
   * The agent's points between {@code from} and {@code to}: raw samples where the raw tier reaches
   * back far enough (or holds all the agent has), else 10 s rollups where the hour does, else 5 min.
   */
  void points(int slot, long from, long to, JsonArray out) {
    int lane = laneOf[slot];
    if (lane < 0) {
      return;
    }
    long kept = clock.next - rawFirst(lane);
    long count = Math.min(UsageHistory.RAW, clock.next - since[lane]);
    double[][] r = raw(slot);
    long oldestRaw = kept == 0 ? Long.MAX_VALUE : (long) r[0][0];
    if (from >= oldestRaw || (count < UsageHistory.RAW && kept == count)) {
      for (int i = 0; i < r[0].length; i++) {
        long t = (long) r[0][i];
        if (t >= from && t <= to) {
          out.add(new JsonObject().put("time", t).put("value", r[1][i]));
        }
      }
    } else if (from >= clock.hour.oldest()) {
      rollupPoints(clock.hour, hour, lane, from, to, out);
    } else {
      rollupPoints(clock.day, day, lane, from, to, out);
    }
  }

  private void rollupPoints(BucketRing ring, RollupColumns columns, int lane, long from, long to, JsonArray out) {
    if (ring.open == BucketRing.NONE) {
      return;
    }
    long first = Math.max(Math.max(ring.open - ring.window + 1, ring.bucketOf(from)), ring.bucketOf(sinceTime[lane]));
    long last = Math.min(ring.open, ring.bucketOf(to));
    for (long b = first; b <= last; b++) {
      double[] p = b == ring.open ? openBucket(ring, lane) : columns.get(b, lane);
      if (p != null) {
        out.add(new JsonObject().put("time", b * ring.width).put("value", p[0]).put("max", p[1]));
      }
    }
  }

  /** The open bucket's {mean, max} for the lane, from the raw tier (and for 5 min, the 10 s buckets closed in it). */
  private double[] openBucket(BucketRing ring, int lane) {
    long[] passes = new long[RawColumns.SLOTS];
    double[] own = ownSamples(lane, passes, clock.hourPasses(passes));
    boolean day = ring == clock.day;
    double count = own[2] + (day ? dayCount[lane] : 0);
    double sum = own[0] + (day ? daySum[lane] : 0);
    double max = Math.max(own[1], day ? dayMax[lane] : 0);
    return count == 0 ? null : new double[] {sum / count, max};
  }

  /** Scratch of the 10 s close, shared by the resources (one node-wide set), a chunk long at most. */
  static final class Scratch {
    float[] sum = new float[0];
    float[] max = new float[0];
    int[] count = new int[0];

    /** Room for the largest chunk that {@code lanes} lanes use (none while there are none). */
    void fitChunks(int lanes) {
      if (lanes == 0) {
        return;
      }
      int size = LaneChunks.size(LaneChunks.chunkOf(lanes - 1));
      if (sum.length < size) {
        sum = new float[size];
        max = new float[size];
        count = new int[size];
      }
    }
  }
}
