package io.agentgovernor.monitor;

import io.agentgovernor.quota.Resource;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * One agent's usage history with bounded memory: per built-in resource, the last {@value #RAW}
 * raw samples, 10 s rollups (mean and max) over the last hour and 5 min rollups over the last
 * 24 h. A resource's rings are allocated only once it is seen above zero, so an idle agent costs a
 * few dozen bytes; one resource in use costs under 2 KB (measured with JOL in UsageHistoryTest).
 *
 * <p>Compact by {@link Quantized block floating point}: raw samples as 16-bit codes (within
 * 1/16,384 of the largest of their 12 neighbours; small integers exact), rollups as 8-bit codes
 * (code 255 marks an empty bucket; within 1/64 of the largest max of their 12 neighbouring
 * buckets, the block's largest within 0.4 %; the bucket being filled is served exact). Sample
 * times are one ring per agent, each time the delta from the previous one in ms (a gap over 65 s
 * starts the raw rings afresh: what came before is served from the rollups). Each ring keeps one
 * block more than its window, so a block is reset only once all of it has left the window.
 * Usage is never negative: negative and NaN samples are recorded as 0.
 *
 * <p>Single-threaded: written by the node's sampler, read by the same verticle.
 */
public final class UsageHistory {

  static final int RAW = 120;
  static final long TEN_SECONDS = 10_000;
  static final int HOUR_BUCKETS = 360;
  static final long FIVE_MINUTES = 300_000;
  static final int DAY_BUCKETS = 288;

  private static final int RAW_SLOTS = RAW + Quantized.BLOCK;
  private static final int RAW_BITS = 16;
  private static final int RAW_TOP = 0xFFFF;
  private static final int ROLLUP_BITS = 8;
  private static final int ROLLUP_TOP = 0xFE;
  private static final int EMPTY = 0xFF;
  private static final int MAX_DELTA = 0xFFFF;

  private final Series[] series = new Series[Resource.BUILT_IN_COUNT];
  /** Per raw slot, its time minus the previous sample's (ms); allocated with the first series. */
  private char[] deltas;
  private long newestTime;
  /** Samples in the time ring since the start or the last gap, at most {@value #RAW}. */
  private int timeCount;
  /** The raw slot the next sample goes to (the same in every series). */
  private int head;

  /** Adds one sample taken at {@code time}. */
  public void add(long time, double[] usage) {
    boolean any = deltas != null;
    for (int i = 0; i < series.length && !any; i++) {
      any = i < usage.length && usage[i] != 0;
    }
    if (!any) {
      return;
    }
    int slot = advance(time);
    for (int i = 0; i < series.length; i++) {
      add(i, slot, time, i < usage.length ? usage[i] : 0);
    }
  }

  /** Adds one sample taken at {@code time}: {@code columns[resource index][slot]}. */
  void add(long time, double[][] columns, int slot) {
    if (deltas == null) {
      boolean any = false;
      for (int i = 0; i < series.length && !any; i++) {
        any = columns[i][slot] != 0;
      }
      if (!any) {
        return;
      }
    }
    int rawSlot = advance(time);
    for (int i = 0; i < series.length; i++) {
      add(i, rawSlot, time, columns[i][slot]);
    }
  }

  /** Records the sample's time; returns the raw slot it goes to. */
  private int advance(long time) {
    if (deltas == null) {
      deltas = new char[RAW_SLOTS];
    }
    long delta = time - newestTime;
    if (timeCount == 0 || delta < 0 || delta > MAX_DELTA) {
      timeCount = 0;
      delta = 0;
    }
    int slot = head;
    deltas[slot] = (char) delta;
    newestTime = time;
    timeCount = Math.min(RAW, timeCount + 1);
    head = (head + 1) % RAW_SLOTS;
    return slot;
  }

  private void add(int resource, int slot, long time, double v) {
    if (series[resource] == null) {
      if (v == 0) {
        return;
      }
      series[resource] = new Series();
    }
    series[resource].add(slot, time, Quantized.clean(v));
  }

  /** Raw samples of one resource, oldest first, as parallel arrays: times and values. */
  public double[][] raw(Resource resource) {
    Series s = series[resource.index()];
    int n = s == null ? 0 : s.rawKept();
    double[] times = new double[n];
    double[] values = new double[n];
    long t = newestTime;
    for (int back = 0; back < n; back++) {
      int idx = Math.floorMod(head - 1 - back, RAW_SLOTS);
      times[n - 1 - back] = t;
      values[n - 1 - back] = s.raw(idx);
      t -= deltas[idx];
    }
    return new double[][] {times, values};
  }

  /**
   * The points of one resource between {@code from} and {@code to}: raw samples where the raw
   * ring reaches back far enough, else 10 s rollups where the hour does, else 5 min rollups.
   */
  public JsonArray points(Resource resource, long from, long to) {
    Series s = series[resource.index()];
    JsonArray points = new JsonArray();
    if (s != null) {
      s.points(resource, from, to, points);
    }
    return points;
  }

  public JsonObject toJson(long from, long to) {
    JsonObject out = new JsonObject();
    for (Resource r : Resource.BUILT_IN) {
      out.put(r.name(), points(r, from, to));
    }
    return out;
  }

  /** The history of one resource: raw codes in the agent's time ring, and two rollups. */
  private final class Series {
    private final char[] raw = new char[RAW_SLOTS];
    private final byte[] rawExponent = new byte[Quantized.blocks(RAW_SLOTS)];
    /** Samples written since the series began, at most {@value #RAW}. */
    private int rawCount;
    private final Rollup hour = new Rollup(TEN_SECONDS, HOUR_BUCKETS);
    private final Rollup day = new Rollup(FIVE_MINUTES, DAY_BUCKETS);

    Series() {
      java.util.Arrays.fill(rawExponent, Quantized.EMPTY_BLOCK);
    }

    void add(int slot, long time, double v) {
      int block = slot / Quantized.BLOCK;
      int e = slot % Quantized.BLOCK == 0 ? Quantized.EMPTY_BLOCK : rawExponent[block];
      int need = Quantized.exponentFor(v, e, RAW_BITS, RAW_TOP);
      if (need > e && e != Quantized.EMPTY_BLOCK) {
        for (int i = block * Quantized.BLOCK; i < Math.min(RAW_SLOTS, (block + 1) * Quantized.BLOCK); i++) {
          raw[i] = (char) Quantized.rescale(raw[i], need - e);
        }
      }
      rawExponent[block] = (byte) need;
      raw[slot] = (char) Quantized.encode(v, need, RAW_BITS);
      rawCount = Math.min(RAW, rawCount + 1);
      hour.add(time, v);
      day.add(time, v);
    }

    double raw(int slot) {
      return Quantized.decode(raw[slot], rawExponent[slot / Quantized.BLOCK], RAW_BITS);
    }

    /** Raw samples still readable: since the series began and since the last gap. */
    int rawKept() {
      return Math.min(rawCount, timeCount);
    }

    void points(Resource resource, long from, long to, JsonArray out) {
      int n = rawKept();
      // raw samples while they reach back to `from`, or while the series is young (raw holds all of it)
      double[][] r = n == 0 ? null : UsageHistory.this.raw(resource);
      long oldestRaw = n == 0 ? Long.MAX_VALUE : (long) r[0][0];
      if (from >= oldestRaw || (rawCount < RAW && n == rawCount)) {
        for (int i = 0; i < n; i++) {
          long t = (long) r[0][i];
          if (t >= from && t <= to) {
            out.add(new JsonObject().put("time", t).put("value", r[1][i]));
          }
        }
      } else if (from >= hour.oldest()) {
        hour.points(from, to, out);
      } else {
        day.points(from, to, out);
      }
    }
  }

  /**
   * Fixed-width buckets (mean and max, 8-bit codes sharing a block exponent) in a ring indexed by
   * bucket number; moving to a newer bucket marks the ones skipped empty, so no per-bucket time or
   * count is stored. Only the bucket being filled keeps its running mean, max and count, exact;
   * it goes into the ring when the next bucket begins, so a sample touches the ring's memory once
   * per bucket, not once per sample (the rings of 100,000 agents do not stay in cache).
   * A sample older than the bucket being filled (the clock stepped back) is left out.
   */
  private static final class Rollup {
    private final long width;
    private final int window;
    private final byte[] mean;
    private final byte[] max;
    private final byte[] exponent;
    private long newest = Long.MIN_VALUE;
    private int count;
    private double currentMean;
    private double currentMax;

    Rollup(long width, int window) {
      this.width = width;
      this.window = window;
      int slots = Quantized.blocks(window + Quantized.BLOCK) * Quantized.BLOCK;
      this.mean = new byte[slots];
      this.max = new byte[slots];
      this.exponent = new byte[Quantized.blocks(slots)];
      java.util.Arrays.fill(exponent, Quantized.EMPTY_BLOCK);
    }

    void add(long time, double v) {
      long bucket = Math.floorDiv(time, width);
      if (newest == Long.MIN_VALUE || bucket > newest) {
        if (count > 0) {
          store(index(newest), currentMean, currentMax);
        }
        long first = newest == Long.MIN_VALUE ? bucket : newest + 1;
        for (long b = Math.max(first, bucket - mean.length + 1); b <= bucket; b++) {
          clear(index(b));
        }
        newest = bucket;
        count = 0;
      } else if (bucket < newest) {
        return;
      }
      count++;
      currentMean += (v - currentMean) / count;
      currentMax = count == 1 ? v : Math.max(currentMax, v);
    }

    private int index(long bucket) {
      return (int) Math.floorMod(bucket, (long) mean.length);
    }

    private void clear(int idx) {
      if (idx % Quantized.BLOCK == 0) {
        exponent[idx / Quantized.BLOCK] = Quantized.EMPTY_BLOCK;
      }
      mean[idx] = (byte) EMPTY;
    }

    private void store(int idx, double m, double x) {
      int block = idx / Quantized.BLOCK;
      int e = exponent[block];
      int need = Quantized.exponentFor(x, e, ROLLUP_BITS, ROLLUP_TOP);
      if (need > e && e != Quantized.EMPTY_BLOCK) {
        for (int i = block * Quantized.BLOCK; i < (block + 1) * Quantized.BLOCK; i++) {
          if ((mean[i] & 0xFF) != EMPTY) {
            mean[i] = (byte) Quantized.rescale(mean[i] & 0xFF, need - e);
            max[i] = (byte) Quantized.rescale(max[i] & 0xFF, need - e);
          }
        }
      }
      exponent[block] = (byte) need;
      mean[idx] = (byte) Quantized.encode(m, need, ROLLUP_BITS);
      max[idx] = (byte) Quantized.encode(x, need, ROLLUP_BITS);
    }

    long oldest() {
      return newest == Long.MIN_VALUE ? Long.MAX_VALUE : (newest - window + 1) * width;
    }

    void points(long from, long to, JsonArray out) {
      if (newest == Long.MIN_VALUE) {
        return;
      }
      long first = Math.max(newest - window + 1, Math.floorDiv(from, width));
      long last = Math.min(newest, Math.floorDiv(to, width));
      for (long b = first; b <= last; b++) {
        int idx = index(b);
        if (b == newest) {
          out.add(new JsonObject().put("time", b * width).put("value", currentMean).put("max", currentMax));
        } else if ((mean[idx] & 0xFF) != EMPTY) {
          int e = exponent[idx / Quantized.BLOCK];
          out.add(new JsonObject().put("time", b * width).put("value", Quantized.decode(mean[idx] & 0xFF, e, ROLLUP_BITS))
              .put("max", Quantized.decode(max[idx] & 0xFF, e, ROLLUP_BITS)));
        }
      }
    }
  }
}
