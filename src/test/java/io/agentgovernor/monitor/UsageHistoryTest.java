package io.agentgovernor.monitor;

import static org.assertj.core.api.Assertions.assertThat;

import io.agentgovernor.quota.Resource;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.Random;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.openjdk.jol.info.GraphLayout;

/**
 * The compact history against an exact model of the same samples: the points it serves (the JSON
 * the monitor returns for {@code GET /api/agents/{id}/usage} history queries) have the same times
 * and buckets, and values within one step of their block; and its size per resource in use,
 * measured with JOL (the JVM's real layout).
 */
class UsageHistoryTest {

  private static final long T0 = 1_700_000_000_000L;
  private static final int CPU = Resource.CPU.index();
  private static final int MEMORY = Resource.MEMORY.index();

  /** 25 h of 1 s samples: cpu 0-100 % with idle stretches near 0.01 %, memory 5 MB-200 MB with spikes. */
  private static double[][] day() {
    Random random = new Random(11);
    int n = 25 * 3600;
    double[][] usage = new double[n][Resource.BUILT_IN_COUNT];
    for (int s = 0; s < n; s++) {
      boolean idle = (s / 600) % 3 == 0;
      usage[s][CPU] = idle ? 0.01 * random.nextDouble() : 100 * random.nextDouble();
      usage[s][MEMORY] = 5e6 + (s % 977 == 0 ? 2e8 : 1e6 * random.nextDouble());
    }
    return usage;
  }

  private static UsageHistory fill(double[][] usage, long[] times) {
    UsageHistory h = new UsageHistory();
    for (int s = 0; s < usage.length; s++) {
      h.add(times[s], usage[s]);
    }
    return h;
  }

  private static long[] everySecond(int n) {
    long[] times = new long[n];
    for (int s = 0; s < n; s++) {
      times[s] = T0 + s * 1000L + (s % 7);   // a few ms of jitter, as a real timer has
    }
    return times;
  }

  @Test
  @DisplayName("served raw samples and 10 s / 5 min rollups keep their times and buckets, values within one step of their block")
  void servedHistoryKeepsItsMeaning() {
    double[][] usage = day();
    long[] times = everySecond(usage.length);
    UsageHistory h = fill(usage, times);
    long now = times[times.length - 1];
    for (Resource r : new Resource[] {Resource.CPU, Resource.MEMORY}) {
      int ri = r.index();
      // raw: the last minute, exact times, within one step (at most 1/16,384 of the largest near it)
      JsonArray raw = h.points(r, now - 60_000, now);
      assertThat(raw.size()).isEqualTo(61);
      for (int i = 0; i < raw.size(); i++) {
        int s = usage.length - raw.size() + i;
        JsonObject p = raw.getJsonObject(i);
        assertThat(p.getLong("time")).isEqualTo(times[s]);
        assertThat(p.getDouble("value")).isCloseTo(usage[s][ri], org.assertj.core.data.Offset.offset(
            neighbourMax(usage, ri, s, 24) / 16_384 + 1e-12));
        assertThat(p.containsKey("max")).isFalse();
      }
      checkRollup(h.points(r, now - 3_000_000, now), usage, times, ri, UsageHistory.TEN_SECONDS, 300);
      checkRollup(h.points(r, now - 20 * 3_600_000L, now), usage, times, ri, UsageHistory.FIVE_MINUTES, 240);
    }
    // a resource never above zero has no points; the whole-agent form has every built-in resource
    assertThat(h.points(Resource.NETWORK, T0, now)).isEmpty();
    assertThat(h.toJson(now - 10_000, now).fieldNames()).hasSize(Resource.BUILT_IN_COUNT);
  }

  /** Every bucket of the span, at its start time, mean and max within one step (at most 1/64) of the largest max near it. */
  private static void checkRollup(JsonArray points, double[][] usage, long[] times, int ri, long width, int expected) {
    assertThat(points.size()).isBetween(expected, expected + 1);
    for (int i = 0; i < points.size(); i++) {
      JsonObject p = points.getJsonObject(i);
      long bucket = p.getLong("time") / width;
      assertThat(p.getLong("time")).isEqualTo(bucket * width);
      double sum = 0;
      double max = 0;
      double near = 0;
      int n = 0;
      for (int s = 0; s < times.length; s++) {
        long b = Math.floorDiv(times[s], width);
        if (b == bucket) {
          sum += usage[s][ri];
          max = Math.max(max, usage[s][ri]);
          n++;
        }
        if (Math.abs(b - bucket) <= 2 * Quantized.BLOCK) {
          near = Math.max(near, usage[s][ri]);
        }
      }
      double tolerance = near / 64 + 1e-9;
      assertThat(n).isPositive();
      assertThat(p.getDouble("value")).isCloseTo(sum / n, org.assertj.core.data.Offset.offset(tolerance));
      assertThat(p.getDouble("max")).isCloseTo(max, org.assertj.core.data.Offset.offset(tolerance));
    }
  }

  private static double neighbourMax(double[][] usage, int ri, int s, int span) {
    double m = 0;
    for (int i = Math.max(0, s - span); i < Math.min(usage.length, s + span); i++) {
      m = Math.max(m, usage[i][ri]);
    }
    return m;
  }

  @Test
  @DisplayName("a 25 h history costs under 2 KB per resource in use (JOL), and an idle agent almost nothing")
  void underTwoKilobytesPerResource() {
    double[][] usage = day();
    long[] times = everySecond(usage.length);
    double[][] one = new double[usage.length][Resource.BUILT_IN_COUNT];
    double[][] all = new double[usage.length][Resource.BUILT_IN_COUNT];
    for (int s = 0; s < usage.length; s++) {
      one[s][CPU] = usage[s][CPU];
      for (int r = 0; r < Resource.BUILT_IN_COUNT; r++) {
        all[s][r] = usage[s][CPU] + r;
      }
    }
    long idle = GraphLayout.parseInstance(fill(new double[usage.length][Resource.BUILT_IN_COUNT], times)).totalSize();
    long oneResource = GraphLayout.parseInstance(fill(one, times)).totalSize();
    long allResources = GraphLayout.parseInstance(fill(all, times)).totalSize();
    long perResource = (allResources - oneResource) / (Resource.BUILT_IN_COUNT - 1);
    System.out.printf("history after 25 h: idle %d B, one resource %d B, all %d resources %d B, per resource %d B%n",
        idle, oneResource, Resource.BUILT_IN_COUNT, allResources, perResource);
    assertThat(idle).isLessThan(100);
    assertThat(perResource).isLessThanOrEqualTo(2048);
    assertThat(oneResource - perResource).as("per agent, shared by its resources: the time ring").isLessThan(400);
    assertThat(allResources).isLessThanOrEqualTo(Resource.BUILT_IN_COUNT * 2048L);
  }

  @Test
  @DisplayName("a gap over 65 s starts the raw ring afresh; older points come from the rollups; NaN and negative count as 0")
  void gapsAndBadValues() {
    UsageHistory h = new UsageHistory();
    double[] u = new double[Resource.BUILT_IN_COUNT];
    for (int s = 0; s < 30; s++) {
      u[CPU] = 10 + s;
      h.add(T0 + s * 1000L, u);
    }
    long resumed = T0 + 29_000 + 120_000;
    u[CPU] = 5;
    h.add(resumed, u);
    u[CPU] = Double.NaN;
    h.add(resumed + 1000, u);
    u[CPU] = -3;
    h.add(resumed + 2000, u);
    double[][] raw = h.raw(Resource.CPU);
    assertThat(raw[0]).containsExactly(resumed, resumed + 1000, resumed + 2000);
    assertThat(raw[1]).containsExactly(5, 0, 0);
    // before the gap: 10 s rollups of the 30 samples 10..39
    JsonArray before = h.points(Resource.CPU, T0, T0 + 40_000);
    assertThat(before).isNotEmpty();
    assertThat(before.stream().map(o -> ((JsonObject) o).getDouble("max")).max(Double::compare).orElseThrow())
        .isEqualTo(39);
  }
}
