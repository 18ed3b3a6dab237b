package io.agentgovernor.monitor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.offset;

import io.agentgovernor.quota.Resource;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.openjdk.jol.info.GraphLayout;

/**
 * The compact history against an exact model of the same samples: the points it serves (the JSON
 * the monitor returns for {@code GET /api/agents/{id}/measurements}) have the same times and
 * buckets, and values within one step of their block; agents that join late, leave (their lanes
 * reused) or move between slots keep only their own samples; and its size per agent and resource
 * in use, measured with JOL (the JVM's real layout), the agent's share of the node-wide columns
 * included.
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

  /** One agent (slot 0) given these samples, one pass each. */
  private static UsageHistory fill(double[][] usage, long[] times) {
    UsageHistory h = node(1);
    for (int s = 0; s < usage.length; s++) {
      h.record(times[s], column(usage[s]), 1);
    }
    return h;
  }

  private static UsageHistory node(int agents) {
    UsageHistory h = new UsageHistory();
    h.grow(agents);
    for (int i = 0; i < agents; i++) {
      h.join(i);
    }
    return h;
  }

  /** One agent's usage row as the pass's columns. */
  private static double[][] column(double[] row) {
    double[][] columns = new double[Resource.BUILT_IN_COUNT][1];
    for (int r = 0; r < row.length; r++) {
      columns[r][0] = row[r];
    }
    return columns;
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
      // raw: the last minute, exact times, within 1/16,384 of the largest near it (the tier keeps floats: 6e-8)
      JsonArray raw = h.points(0, r, now - 60_000, now);
      assertThat(raw.size()).isEqualTo(61);
      for (int i = 0; i < raw.size(); i++) {
        int s = usage.length - raw.size() + i;
        JsonObject p = raw.getJsonObject(i);
        assertThat(p.getLong("time")).isEqualTo(times[s]);
        assertThat(p.getDouble("value")).isCloseTo(usage[s][ri], org.assertj.core.data.Offset.offset(
            neighbourMax(usage, ri, s, 24) / 16_384 + 1e-12));
        assertThat(p.containsKey("max")).isFalse();
      }
      checkRollup(h.points(0, r, now - 3_000_000, now), usage, times, ri, UsageHistory.TEN_SECONDS, 300);
      checkRollup(h.points(0, r, now - 20 * 3_600_000L, now), usage, times, ri, UsageHistory.FIVE_MINUTES, 240);
    }
    // a resource never above zero has no points; the whole-agent form has every built-in resource
    assertThat(h.points(0, Resource.NETWORK, T0, now)).isEmpty();
    assertThat(h.toJson(0, now - 10_000, now).fieldNames()).hasSize(Resource.BUILT_IN_COUNT);
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
  @DisplayName("per agent and resource in use under 2 KB (JOL, the agent's share of the node-wide columns included), an idle agent a few dozen bytes, and nothing grows with time")
  void underTwoKilobytesPerResource() {
    int agents = 1000;
    long idle = bytesPerAgent(agents, 0, 7200);
    long oneResource = bytesPerAgent(agents, 1, 7200);
    long allResources = bytesPerAgent(agents, Resource.BUILT_IN_COUNT, 7200);
    long perResource = (allResources - oneResource) / (Resource.BUILT_IN_COUNT - 1);
    System.out.printf("history per agent (%d agents, 2 h of 1 s passes): idle %d B, one resource %d B, all %d resources %d B,"
        + " per resource %d B%n", agents, idle, oneResource, Resource.BUILT_IN_COUNT, allResources, perResource);
    assertThat(idle).isLessThan(100);
    assertThat(perResource).isLessThanOrEqualTo(2048);
    assertThat(oneResource - perResource).as("per agent, whatever it uses: lane numbers and its share of the clock").isLessThan(100);
    assertThat(allResources).isLessThanOrEqualTo(Resource.BUILT_IN_COUNT * 2048L);
    // every ring is allocated with the agent's lane: an hour of passes adds nothing after the first minute
    assertThat(bytesPerAgent(agents, Resource.BUILT_IN_COUNT, 60)).isEqualTo(allResources);
  }

  /** JOL size of a node's history after {@code passes} 1 s passes of {@code agents} agents using the first {@code used} resources, per agent. */
  private static long bytesPerAgent(int agents, int used, int passes) {
    UsageHistory h = node(agents);
    Random random = new Random(5);
    double[][] columns = new double[Resource.BUILT_IN_COUNT][agents];
    for (int s = 0; s < passes; s++) {
      for (int r = 0; r < used; r++) {
        for (int i = 0; i < agents; i++) {
          columns[r][i] = 1 + random.nextInt(1000) * (r + 1);
        }
      }
      h.record(T0 + s * 1000L, columns, agents);
    }
    return GraphLayout.parseInstance(h).totalSize() / agents;
  }

  @Test
  @DisplayName("a gap over 65 s starts the raw ring afresh; older points come from the rollups; NaN and negative count as 0")
  void gapsAndBadValues() {
    UsageHistory h = node(1);
    double[] u = new double[Resource.BUILT_IN_COUNT];
    for (int s = 0; s < 30; s++) {
      u[CPU] = 10 + s;
      h.record(T0 + s * 1000L, column(u), 1);
    }
    long resumed = T0 + 29_000 + 120_000;
    u[CPU] = 5;
    h.record(resumed, column(u), 1);
    u[CPU] = Double.NaN;
    h.record(resumed + 1000, column(u), 1);
    u[CPU] = -3;
    h.record(resumed + 2000, column(u), 1);
    double[][] raw = h.raw(0, Resource.CPU);
    assertThat(raw[0]).containsExactly(resumed, resumed + 1000, resumed + 2000);
    assertThat(raw[1]).containsExactly(5, 0, 0);
    // before the gap: 10 s rollups of the 30 samples 10..39
    JsonArray before = h.points(0, Resource.CPU, T0, T0 + 40_000);
    assertThat(before).isNotEmpty();
    assertThat(before.stream().map(o -> ((JsonObject) o).getDouble("max")).max(Double::compare).orElseThrow())
        .isEqualTo(39);
  }

  /** One pass of several agents' cpu ({@code Double.NaN}: slot left at 0). */
  private static void cpuPass(UsageHistory h, long time, double... cpu) {
    double[][] columns = new double[Resource.BUILT_IN_COUNT][cpu.length];
    for (int i = 0; i < cpu.length; i++) {
      columns[CPU][i] = Double.isNaN(cpu[i]) ? 0 : cpu[i];
    }
    h.record(time, columns, cpu.length);
  }

  private static List<Long> times(JsonArray points) {
    return points.stream().map(o -> ((JsonObject) o).getLong("time")).toList();
  }

  @Test
  @DisplayName("an agent joining mid-block and mid-bucket is served from its first sample on; the others keep theirs")
  void agentJoiningLate() {
    UsageHistory h = node(2);
    for (int s = 0; s < 200; s++) {
      cpuPass(h, T0 + s * 1000L, s, s < 53 ? 0 : 1000 + s);
      if (s == 99) {
        // young: all of its 47 samples are raw, exact, at their own times
        double[][] raw = h.raw(1, Resource.CPU);
        assertThat(raw[0]).hasSize(47);
        assertThat(raw[0][0]).isEqualTo(T0 + 53_000);
        assertThat(raw[1][0]).isEqualTo(1053);
        assertThat(raw[1][46]).isEqualTo(1099);
        assertThat(h.points(1, Resource.CPU, T0, T0 + 99_000)).hasSize(47);
        assertThat(h.raw(0, Resource.CPU)[0]).hasSize(99);  // slot 0's cpu is 0 at pass 0: its lane begins at pass 1
      }
    }
    long now = T0 + 199_000;
    JsonArray hour = h.points(1, Resource.CPU, T0, now);
    assertThat(times(hour).get(0)).as("no bucket before it joined").isEqualTo(T0 + 50_000);
    JsonObject first = hour.getJsonObject(0);
    assertThat(first.getDouble("value")).as("mean of its own 53..59 only").isCloseTo(1056, offset(1200.0 / 64));
    assertThat(first.getDouble("max")).isCloseTo(1059, offset(1200.0 / 64));
    assertThat(hour).hasSize(15);
    double[][] raw = h.raw(0, Resource.CPU);
    assertThat(raw[0]).hasSize(UsageHistory.RAW);
    assertThat(raw[1][0]).isEqualTo(80);
    assertThat(h.points(0, Resource.CPU, T0, now)).hasSize(20);
  }

  @Test
  @DisplayName("a lane given back by an agent that left is reused without leaking its samples: raw, 10 s and 5 min")
  void slotAndLaneReuse() {
    UsageHistory h = node(2);
    for (int s = 0; s < 105; s++) {
      cpuPass(h, T0 + s * 1000L, 1e9 + s, 2e9);
    }
    // slot 0 leaves, the store moves slot 1 into it, a new agent takes slot 1 (and slot 0's old lane)
    h.leave(0);
    h.move(1, 0);
    h.join(1);
    for (int s = 105; s < 135; s++) {
      cpuPass(h, T0 + s * 1000L, 2e9, 3);
    }
    double[][] raw = h.raw(1, Resource.CPU);
    assertThat(raw[0]).hasSize(30);
    assertThat(raw[0][0]).isEqualTo(T0 + 105_000);
    assertThat(raw[1]).containsOnly(3.0);  // exact: the block it joined in was cleared for it
    assertThat(h.points(1, Resource.CPU, T0, T0 + 134_000)).hasSize(30);  // young: raw, whatever the range
    for (int s = 135; s < 520; s++) {
      cpuPass(h, T0 + s * 1000L, 2e9, 3);
    }
    long now = T0 + 519_000;
    JsonArray hour = h.points(1, Resource.CPU, now - 3_000_000, now);
    JsonArray day = h.points(1, Resource.CPU, now - 86_000_000, now);
    assertThat(times(hour).get(0)).isEqualTo(T0 + 100_000);
    assertThat(hour).hasSize(42);
    // 5 min buckets: T0 + 100 s (closed; the agent before it had 1e9 there) and T0 + 400 s (open)
    assertThat(times(day)).containsExactly(T0 + 100_000, T0 + 400_000);
    for (JsonArray rollups : List.of(hour, day)) {
      rollups.forEach(o -> {
        assertThat(((JsonObject) o).getDouble("value")).isEqualTo(3);
        assertThat(((JsonObject) o).getDouble("max")).isEqualTo(3);
      });
    }
    // the agent that moved keeps its history: 2e9 throughout
    double[] moved = h.raw(0, Resource.CPU)[1];
    assertThat(moved).hasSize(UsageHistory.RAW);
    for (double v : moved) {
      assertThat(v).isCloseTo(2e9, offset(2e9 / 65_536));
    }
  }

  @Test
  @DisplayName("a node-wide gap restarts every agent's raw tier; buckets skipped in it are empty, even after the rings come round")
  void gapInThePasses() {
    UsageHistory h = node(2);
    for (int s = 0; s < 30; s++) {
      cpuPass(h, T0 + s * 1000L, 5, 7);
    }
    long resumed = T0 + 29_000 + 2 * 3_600_000L + 5_000;
    for (int s = 0; s < 3; s++) {
      cpuPass(h, resumed + s * 1000L, 6, 8);
    }
    long now = resumed + 2000;
    assertThat(h.raw(0, Resource.CPU)[0]).containsExactly(resumed, resumed + 1000, resumed + 2000);
    assertThat(h.raw(1, Resource.CPU)[1]).containsExactly(8, 8, 8);
    // the last hour: only the open bucket (what the hour held before the gap came round and is gone)
    JsonArray hour = h.points(1, Resource.CPU, now - 3_000_000, now);
    assertThat(times(hour)).containsExactly(resumed / 10_000 * 10_000);
    // the day: the 5 min bucket before the gap, then the open one
    JsonArray day = h.points(1, Resource.CPU, T0, now);
    assertThat(times(day)).containsExactly(T0 / 300_000 * 300_000, resumed / 300_000 * 300_000);
    assertThat(day.getJsonObject(0).getDouble("value")).isEqualTo(7);
    assertThat(day.getJsonObject(1).getDouble("value")).isEqualTo(8);
  }
}
