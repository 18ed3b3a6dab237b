package io.agentgovernor.monitor;

import io.agentgovernor.quota.Resource;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * The usage history of all of a node's agents, with bounded memory: per built-in resource, the
 * last {@value #RAW} raw samples, 10 s rollups (mean and max) over the last hour and 5 min rollups
 * over the last 24 h. Agents are addressed by their {@link SampleStore} slot.
 *
 * <p>Columnar: each pass ({@link #record}) writes one column per resource, dense over the agents
 * using it, front to back; the rollups are folded from the raw columns only when a bucket closes
 * (every 10 s and 5 min). All agents of a pass share its time, kept once per node
 * ({@link IntervalRing}). So a pass over 100,000 agents streams through memory instead of touching
 * 100,000 agents' rings (measured in {@code SamplePassBenchmark}, {@code load-tests/sample-pass.sh}).
 * A 10 s bucket is folded from the passes the raw tier still holds: were more than {@value #RAW}
 * passes to fall into one (passes under 83 ms apart; the monitor's interval is at least 100 ms),
 * its oldest would be left out of its rollups.
 *
 * <p>Raw samples are floats (24 bits: within 6e-8 of the value, integers up to 2^24 exact).
 * Rollups are compact by {@link Quantized block floating point}: 8-bit codes, within 1/64 of the
 * largest max of their 12 neighbouring buckets (the block's largest within 0.4 %); the open bucket
 * is folded from the raw samples when served. A resource costs an agent nothing until it is seen
 * above zero; then a lane: 1,954 B per agent with its share of the node-wide columns, measured with
 * JOL on 1,000 agents after 2 h of 1 s passes ({@code UsageHistoryTest}; every ring is allocated
 * with the lane). An idle agent costs 4 B per resource (its lane number), 62 B in all. A pass more
 * than 65 s after the previous one (or before it) starts the raw tier afresh: what came before is
 * served from the rollups. Usage is never negative: negative and NaN samples are recorded as 0.
 *
 * <p>Slots follow {@link SampleStore}: {@link #grow}, {@link #join} a new agent's slot, {@link #leave}
 * when it goes (its lanes are reused by later agents, which never see its samples), {@link #move}
 * when the store moves the last slot into a freed one. Single-threaded: the monitor's context.
 */
public final class UsageHistory {

  static final int RAW = 120;
  static final long TEN_SECONDS = 10_000;
  static final int HOUR_BUCKETS = 360;
  static final long FIVE_MINUTES = 300_000;
  static final int DAY_BUCKETS = 288;

  private static final int R = Resource.BUILT_IN_COUNT;

  private final IntervalRing clock = new IntervalRing();
  private final ResourceHistory[] series = new ResourceHistory[R];
  private final ResourceHistory.Scratch scratch = new ResourceHistory.Scratch();
  private final long[] passes = new long[RawColumns.SLOTS];

  public UsageHistory() {
    for (int r = 0; r < R; r++) {
      series[r] = new ResourceHistory(clock);
    }
  }

  /** Room for slots {@code 0..capacity-1}. */
  public void grow(int capacity) {
    for (ResourceHistory s : series) {
      s.growSlots(capacity);
    }
  }

  /** A new agent in {@code slot}: no history yet. */
  public void join(int slot) {
    leave(slot);
  }

  /** The agent in {@code slot} left: its history is dropped. */
  public void leave(int slot) {
    for (ResourceHistory s : series) {
      s.leave(slot);
    }
  }

  /** The agent in {@code from} now lives in {@code to} (which must have left), with its history. */
  public void move(int from, int to) {
    for (ResourceHistory s : series) {
      s.move(from, to);
    }
  }

  /** Records one pass taken at {@code time}: {@code usage[resource index][slot]} for slots {@code 0..count-1}. */
  public void record(long time, double[][] usage, int count) {
    record(time, usage, count, null);
  }

  /**
   * {@link #record(long, double[][], int)}, told each column's largest value ({@code peaks[resource
   * index]}, or null: not known) by a caller that already read the columns: a resource no agent
   * has used yet is then skipped unless its peak is above zero, instead of read to find none.
   */
  public void record(long time, double[][] usage, int count, double[] peaks) {
    closeBuckets(time);
    long pass = clock.begin(time);
    for (int r = 0; r < R; r++) {
      if (peaks == null || peaks[r] > 0 || series[r].lanes() > 0) {
        series[r].write(pass, time, usage[r], count);
      }
    }
    clock.next = pass + 1;
  }

  /** Before a pass at {@code time}: closes the open 10 s bucket if the pass is in a newer one (and the 5 min bucket with it). */
  private void closeBuckets(long time) {
    BucketRing hour = clock.hour;
    BucketRing day = clock.day;
    long bucket = hour.bucketOf(time);
    if (hour.open != BucketRing.NONE && bucket > hour.open) {
      int n = clock.hourPasses(passes);
      boolean fresh = hour.begin(hour.open);
      for (ResourceHistory s : series) {
        s.closeHour(hour.open, fresh, passes, n, scratch);
      }
      long dayBucket = day.bucketOf(time);
      if (dayBucket > day.open) {
        boolean freshDay = day.begin(day.open);
        for (ResourceHistory s : series) {
          s.closeDay(day.open, freshDay);
        }
        day.open = dayBucket;
      }
    }
    if (hour.open == BucketRing.NONE || bucket > hour.open) {
      hour.open = bucket;
      clock.hourStart = clock.next;
      if (day.open == BucketRing.NONE) {
        day.open = day.bucketOf(time);
      }
    }
  }

  /** Raw samples of one agent's resource still served, oldest first, as parallel arrays: times and values. */
  public double[][] raw(int slot, Resource resource) {
    return series[resource.index()].raw(slot);
  }

  /**
   * The points of one agent's resource between {@code from} and {@code to}: raw samples where the
   * raw tier reaches back far enough, else 10 s rollups where the hour does, else 5 min rollups.
   */
  public JsonArray points(int slot, Resource resource, long from, long to) {
    JsonArray points = new JsonArray();
    series[resource.index()].points(slot, from, to, points);
    return points;
  }

  /** Every built-in resource's {@link #points}, by name. */
  public JsonObject toJson(int slot, long from, long to) {
    JsonObject out = new JsonObject();
    for (Resource r : Resource.BUILT_IN) {
      out.put(r.name(), points(slot, r, from, to));
    }
    return out;
  }
}
