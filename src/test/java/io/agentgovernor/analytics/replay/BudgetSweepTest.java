package io.agentgovernor.analytics.replay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BudgetSweepTest {

  /** The documented range; beyond 0.3, memory's overrun floors (after ever more overruns) add slack back. */
  static final List<Double> BUDGETS = List.of(0.005, 0.02, 0.05, 0.15, 0.3);

  @TempDir
  Path dir;

  /** Three entities with different shapes, so the curve pools violations as on a real trace. */
  static Trace trace() throws Exception {
    return TraceFixtures.read(TraceFixtures.trace(5, TraceFixtures::wavy, i -> 1e9 * TraceFixtures.wavy(i), "a")
        + TraceFixtures.trace(5, i -> 0.2 + 0.05 * TraceFixtures.wavy(i * 13), i -> 3e8 + 1e7 * (i % 17), "b")
            .replace("entity_id,timestamp_seconds,cpu_cores,memory_bytes\n", "")
        + TraceFixtures.trace(5, i -> i % 31 < 2 ? 1.5 : 0.3, i -> 5e8 + 2e8 * Math.sin(i / 40.0), "c")
            .replace("entity_id,timestamp_seconds,cpu_cores,memory_bytes\n", ""));
  }

  @Test
  @DisplayName("a larger violation budget trades slack for violations: slack never rises, time over never falls")
  void monotonicTradeOff() throws Exception {
    Trace trace = trace();
    for (ReplayResource resource : ReplayResource.values()) {
      List<BudgetSweep.Point> curve = BudgetSweep.run(trace, resource, BUDGETS, Map.of()).curve();
      for (int i = 1; i < curve.size(); i++) {
        ReplayMetrics tighter = curve.get(i - 1).metrics();
        ReplayMetrics looser = curve.get(i).metrics();
        assertThat(looser.slackMedian()).as("%s slack at budget %s", resource, curve.get(i).budget())
            .isLessThanOrEqualTo(tighter.slackMedian());
        assertThat(looser.overFraction()).as("%s time over at budget %s", resource, curve.get(i).budget())
            .isGreaterThanOrEqualTo(tighter.overFraction());
      }
      ReplayMetrics first = curve.get(0).metrics();
      ReplayMetrics last = curve.get(curve.size() - 1).metrics();
      assertThat(last.slackMedian()).as("%s: the range moves slack", resource).isLessThan(first.slackMedian());
      assertThat(last.overFraction()).as("%s: the range moves violations", resource).isGreaterThan(first.overFraction());
    }
  }

  static BudgetSweep.Point point(double budget, double slack, double over) {
    return new BudgetSweep.Point(budget, metrics("governor", slack, over));
  }

  static ReplayMetrics metrics(String name, double slack, double over) {
    return new ReplayMetrics(name, ReplayResource.CPU, 1, 1, slack, slack, 0, 0, 0, 0, 0, 0, over, 0, 0, 0, 0, 0,
        Double.NaN);
  }

  @Test
  @DisplayName("the curve is read at a baseline's violation rate by linear interpolation; outside it is not read")
  void interpolation() {
    List<BudgetSweep.Point> curve = List.of(point(0.05, 0.3, 0.004), point(0.01, 0.6, 0.001), point(0.1, 0.1, 0.01));
    assertThat(BudgetSweep.slackAt(curve, 0.0025)).isCloseTo(0.45, within(1e-12));
    assertThat(BudgetSweep.slackAt(curve, 0.007)).isCloseTo(0.2, within(1e-12));
    assertThat(BudgetSweep.slackAt(curve, 0.02)).isNaN();
    BudgetSweep.Comparison beaten = BudgetSweep.compare(curve, metrics("vpa", 0.25, 0.007));
    assertThat(beaten.beaten()).isTrue();
    assertThat(BudgetSweep.compare(curve, metrics("autopilot", 0.4, 0.004)).beaten()).isTrue();
    assertThat(BudgetSweep.compare(curve, metrics("x", 0.29, 0.004)).beaten()).isFalse();
  }

  @Test
  @DisplayName("replay --sweep writes the curve and the comparison as Markdown and CSV; bad budgets fail with exit 2")
  void command() throws Exception {
    Path usage = Files.writeString(dir.resolve("usage.csv"), TraceFixtures.trace(3, TraceFixtures::wavy,
        i -> 1e9 * TraceFixtures.wavy(i), "a"));
    Path capacity = Files.writeString(dir.resolve("capacity.csv"), TraceFixtures.capacity(8, 16e9, "a"));
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code = ReplayCommand.run(new String[] {"--trace", usage.toString(), "--capacity", capacity.toString(),
        "--sweep", "0.01,0.1", "--output", dir.resolve("sweep").toString()},
        new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
    assertThat(code).as(err.toString(StandardCharsets.UTF_8)).isZero();
    String md = Files.readString(dir.resolve("sweep.md"));
    assertThat(md).contains("## cpu", "## memory", "| governor | 0.01 |", "| governor | 0.1 |", "| vpa |",
        "| autopilot |", "governor slack at that %");
    List<String> csv = Files.readAllLines(dir.resolve("sweep.csv"));
    assertThat(csv.get(0)).isEqualTo(SweepReport.CSV_HEADER);
    assertThat(csv).hasSize(1 + 2 * (2 + 2));
    assertThat(ReplayCommand.run(new String[] {"--trace", usage.toString(), "--sweep", "0.7"},
        new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8)))
        .isEqualTo(ReplayCommand.BAD_INPUT);
    assertThat(err.toString(StandardCharsets.UTF_8)).contains("--sweep: each violation budget must be in (0, 0.5]");
  }
}
