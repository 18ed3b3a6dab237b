package io.agentgovernor.monitor;

import io.agentgovernor.quota.Resource;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * One agent's usage history with bounded memory: per built-in resource, the last
 * {@value #RAW} raw samples, 10 s rollups (mean and max) over the last hour and 5 min rollups over
 * the last 24 h, all as {@code float} rings. A resource's rings are allocated only once it is seen
 * above zero, so an idle agent costs a few dozen bytes and a busy one about 7.5 KB per resource in
 * use (raw 1 KB, hour 3.6 KB, day 2.9 KB).
 *
 * <p>Single-threaded: written by the node's sampler, read by the same verticle.
 */
public final class UsageHistory {

  static final int RAW = 120;
  static final long TEN_SECONDS = 10_000;
  static final int HOUR_BUCKETS = 360;
  static final long FIVE_MINUTES = 300_000;
  static final int DAY_BUCKETS = 288;

  private final Series[] series = new Series[Resource.BUILT_IN_COUNT];

  /** Adds one sample taken at {@code time}. */
  public void add(long time, double[] usage) {
    for (int i = 0; i < series.length; i++) {
      add(i, time, i < usage.length ? usage[i] : 0);
    }
  }

  /** Adds one sample taken at {@code time}: {@code columns[resource index][slot]}. */
  void add(long time, double[][] columns, int slot) {
    for (int i = 0; i < series.length; i++) {
      add(i, time, columns[i][slot]);
    }
  }

  private void add(int resource, long time, double v) {
    if (series[resource] == null) {
      if (v == 0) {
        return;
      }
      series[resource] = new Series();
    }
    series[resource].add(time, (float) v);
  }

  /** Raw samples of one resource, oldest first, as parallel arrays: times and values. */
  public double[][] raw(Resource resource) {
    Series s = series[resource.index()];
    return s == null ? new double[][] {new double[0], new double[0]} : s.raw();
  }

  /**
   * The points of one resource between {@code from} and {@code to}: raw samples where the raw
   * ring reaches back far enough, else 10 s rollups where the hour does, else 5 min rollups.
   */
  public JsonArray points(Resource resource, long from, long to) {
    Series s = series[resource.index()];
    JsonArray points = new JsonArray();
    if (s != null) {
      s.points(from, to, points);
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

  /** The history of one resource. */
  private static final class Series {
    private final float[] raw = new float[RAW];
    private final long[] rawTime = new long[RAW];
    private int rawCount;
    private int rawHead;
    private final Rollup hour = new Rollup(TEN_SECONDS, HOUR_BUCKETS);
    private final Rollup day = new Rollup(FIVE_MINUTES, DAY_BUCKETS);

    void add(long time, float v) {
      raw[rawHead] = v;
      rawTime[rawHead] = time;
      rawHead = (rawHead + 1) % RAW;
      rawCount = Math.min(RAW, rawCount + 1);
      hour.add(time, v);
      day.add(time, v);
    }

    double[][] raw() {
      double[] times = new double[rawCount];
      double[] values = new double[rawCount];
      for (int i = 0; i < rawCount; i++) {
        int idx = (rawHead - rawCount + i + RAW) % RAW;
        times[i] = rawTime[idx];
        values[i] = raw[idx];
      }
      return new double[][] {times, values};
    }

    void points(long from, long to, JsonArray out) {
      long oldestRaw = rawCount == 0 ? Long.MAX_VALUE : rawTime[(rawHead - rawCount + RAW) % RAW];
      // raw samples while they reach back to `from`, or while the ring never wrapped (a young
      // series: raw holds all of it)
      if (from >= oldestRaw || rawCount < RAW) {
        for (int i = 0; i < rawCount; i++) {
          int idx = (rawHead - rawCount + i + RAW) % RAW;
          if (rawTime[idx] >= from && rawTime[idx] <= to) {
            out.add(new JsonObject().put("time", rawTime[idx]).put("value", raw[idx]));
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
   * Fixed-width buckets (mean, max, count) in a ring indexed by bucket number; moving to a newer
   * bucket clears the ones skipped, so no per-bucket time is stored (10 bytes a bucket).
   */
  private static final class Rollup {
    private final long width;
    private final float[] mean;
    private final float[] max;
    private final short[] count;
    private long newest = Long.MIN_VALUE;

    Rollup(long width, int buckets) {
      this.width = width;
      this.mean = new float[buckets];
      this.max = new float[buckets];
      this.count = new short[buckets];
    }

    void add(long time, float v) {
      long bucket = Math.floorDiv(time, width);
      if (newest == Long.MIN_VALUE) {
        newest = bucket;
      } else if (bucket > newest) {
        for (long b = newest + 1; b <= Math.min(bucket, newest + mean.length); b++) {
          clear(index(b));
        }
        newest = bucket;
      } else if (bucket <= newest - mean.length) {
        return;
      }
      int idx = index(bucket);
      if (count[idx] < Short.MAX_VALUE) {
        count[idx]++;
      }
      mean[idx] += (v - mean[idx]) / count[idx];
      max[idx] = count[idx] == 1 ? v : Math.max(max[idx], v);
    }

    private int index(long bucket) {
      return (int) Math.floorMod(bucket, (long) mean.length);
    }

    private void clear(int idx) {
      mean[idx] = 0;
      max[idx] = 0;
      count[idx] = 0;
    }

    long oldest() {
      return newest == Long.MIN_VALUE ? Long.MAX_VALUE : (newest - mean.length + 1) * width;
    }

    void points(long from, long to, JsonArray out) {
      if (newest == Long.MIN_VALUE) {
        return;
      }
      long first = Math.max(newest - mean.length + 1, Math.floorDiv(from, width));
      long last = Math.min(newest, Math.floorDiv(to, width));
      for (long b = first; b <= last; b++) {
        int idx = index(b);
        if (count[idx] > 0) {
          out.add(new JsonObject().put("time", b * width).put("value", mean[idx]).put("max", max[idx]));
        }
      }
    }
  }
}
