package io.agentgovernor.analytics.replay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.agentgovernor.analytics.recommend.DecayingHistogram;
import io.agentgovernor.analytics.recommend.RecommendationConfig;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class BaselinesAndMetricsTest {

  static final double MIB = 1024 * 1024;

  static ReplayMetrics score(String trace, String capacity, RecommenderKind kind, ReplayResource r) throws Exception {
    Trace t = TraceFixtures.read(trace);
    Map<String, Capacity> caps = TraceFixtures.readCapacity(capacity);
    MetricsAccumulator acc = new MetricsAccumulator(kind.wireName(), r);
    for (EntitySeries e : t.entities()) {
      acc.add(e, ReplayEngine.replay(e, r, kind.create(r, caps.get(e.id()))));
    }
    return acc.result();
  }

  @Test
  @DisplayName("static at twice a constant usage: slack 0.5 every day, nothing over, no changes")
  void staticKnownAnswer() throws Exception {
    ReplayMetrics m = score(TraceFixtures.trace(4, i -> 1, i -> 1e9, "a"), TraceFixtures.capacity(2, 4e9, "a"),
        RecommenderKind.STATIC, ReplayResource.CPU);
    assertThat(m.slackMedian()).isCloseTo(0.5, within(1e-9));
    assertThat(m.slackTime()).isCloseTo(0.5, within(1e-9));
    assertThat(m.overFraction()).isZero();
    assertThat(m.changesPerDay()).isZero();
    assertThat(m.entitiesWithoutRuns()).isEqualTo(1);
    assertThat(m.absoluteSlack()).isCloseTo(3 * 24 * 1.0, within(0.2));
  }

  @Test
  @DisplayName("usage over a static limit: the time fraction over, the mean overrun and one run per burst")
  void overrunsKnownAnswer() throws Exception {
    // Three samples at 3 cores against a 2-core capacity, on day 2 (scored).
    String trace = TraceFixtures.trace(3, i -> i >= 400 && i < 403 ? 3 : 1, i -> 1e9, "a");
    ReplayMetrics m = score(trace, TraceFixtures.capacity(2, 4e9, "a"), RecommenderKind.STATIC, ReplayResource.CPU);
    int scored = 3 * 288 - 288;
    assertThat(m.overFraction()).isCloseTo(3.0 / scored, within(1e-9));
    assertThat(m.severity()).isCloseTo(0.5, within(1e-9));
    assertThat(m.runsPerDay()).isCloseTo(1.0 / 2, within(1e-3));
    assertThat(m.entitiesWithoutRuns()).isZero();
  }

  @Test
  @DisplayName("VPA CPU: the target is the end of the P90 bucket times 1.15")
  void vpaCpuTarget() {
    VpaRecommender vpa = new VpaRecommender(ReplayResource.CPU);
    for (int i = 0; i < 288; i++) {
      vpa.observe(TraceFixtures.T0 + 300L * i, 1.0);
    }
    DecayingHistogram h = new DecayingHistogram(0.01, 86_400, DecayingHistogram.VPA_BUCKETS);
    double expected = h.bucketStart(h.bucket(1.0) + 1) * 1.15;
    assertThat(vpa.recommend(TraceFixtures.T0 + 300L * 288)).isCloseTo(expected, within(1e-12));
    assertThat(expected).isBetween(1.15, 1.15 * 1.05);
  }

  @Test
  @DisplayName("VPA memory: an overrun feeds the OOM rule and lifts the target past max(used + 100 MiB, used * 1.2)")
  void vpaMemoryOom() {
    VpaRecommender vpa = new VpaRecommender(ReplayResource.MEMORY);
    long t = TraceFixtures.T0;
    vpa.observe(t, 1000 * MIB);
    double before = vpa.recommend(t + 300);
    vpa.observe(t + 300, 1000 * MIB);
    vpa.onOverrun(t + 300, 1000 * MIB, 900 * MIB);
    assertThat(vpa.recommend(t + 600)).isGreaterThan(1200 * MIB * 1.15).isGreaterThan(before);
    assertThat(new VpaRecommender(ReplayResource.MEMORY).recommend(t)).isNaN();
  }

  @Test
  @DisplayName("VPA clamps tiny usage to the pod minimum (25 millicores, 250 MiB)")
  void vpaMinimum() {
    VpaRecommender cpu = new VpaRecommender(ReplayResource.CPU);
    VpaRecommender mem = new VpaRecommender(ReplayResource.MEMORY);
    cpu.observe(TraceFixtures.T0, 0.001);
    mem.observe(TraceFixtures.T0, 1);
    assertThat(cpu.recommend(TraceFixtures.T0 + 300)).isEqualTo(0.025);
    assertThat(mem.recommend(TraceFixtures.T0 + 300)).isEqualTo(250 * MIB);
  }

  @Test
  @DisplayName("Autopilot: a constant usage gives its bucket's upper edge plus 10 %")
  void autopilotConstant() {
    AutopilotRecommender ap = new AutopilotRecommender(4, AutopilotRecommender.Settings.defaults(ReplayResource.CPU));
    for (int i = 0; i < 100; i++) {
      ap.observe(TraceFixtures.T0 + 300L * i, 1.0);
    }
    double width = 4 * 1.5 / 400;
    double edge = (Math.floor(1.0 / width) + 1) * width;
    assertThat(ap.recommend(TraceFixtures.T0 + 30_000)).isCloseTo(edge * 1.1, within(1e-9));
  }

  @Test
  @DisplayName("governor: a memory overrun sets a floor from the usage seen")
  void governorOverrunFloor() {
    TrackerRecommender g = new TrackerRecommender(ReplayResource.MEMORY, RecommendationConfig.ofDefaults());
    long t = TraceFixtures.T0;
    for (int i = 0; i < 288; i++) {
      g.observe(t + 300L * i, 100 * MIB);
    }
    double steady = g.recommend(t + 300L * 288);
    g.observe(t + 300L * 288, 500 * MIB);
    g.onOverrun(t + 300L * 288, 500 * MIB, steady);
    assertThat(g.recommend(t + 300L * 289)).isGreaterThanOrEqualTo(600 * MIB);
    assertThat(steady).isBetween(100 * MIB, 100 * MIB * 1.08 * 1.06);
  }
}
