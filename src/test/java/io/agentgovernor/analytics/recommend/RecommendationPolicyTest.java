package io.agentgovernor.analytics.recommend;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.agentgovernor.analytics.pattern.PatternAnalysis;
import io.agentgovernor.analytics.pattern.PatternAnalyzer;
import io.agentgovernor.analytics.pattern.PatternConfig;
import io.agentgovernor.analytics.pattern.UsagePattern;
import io.agentgovernor.analytics.pattern.UsageSeries;
import io.agentgovernor.quota.Limit;
import io.agentgovernor.quota.Resource;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Random;
import java.util.function.IntToDoubleFunction;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class RecommendationPolicyTest {

  static final double MIB = 1024 * 1024;
  static final RecommendationConfig DEFAULTS = RecommendationConfig.ofDefaults();

  static UsageSeries series(int n, IntToDoubleFunction value) {
    double[] v = new double[n];
    for (int i = 0; i < n; i++) {
      v[i] = value.applyAsDouble(i);
    }
    return UsageSeries.regular(1_700_000_000_000L, 5_000, v);
  }

  static RecommendationInput input(Resource resource, UsageSeries s, Limit current, int violations) {
    Clock clock = Clock.fixed(Instant.ofEpochMilli(s.time(s.size() - 1)), ZoneOffset.UTC);
    PatternAnalysis pattern = new PatternAnalyzer(clock, PatternConfig.ofDefaults()).analyze(resource.name(), s);
    return new RecommendationInput(resource, s, current, pattern, violations, 0);
  }

  static List<Recommendation> recommend(Resource resource, UsageSeries s, Limit current, int violations) {
    return RecommendationPolicy.recommend(input(resource, s, current, violations), DEFAULTS);
  }

  static UsageSeries steady(double level) {
    Random rnd = new Random(11);
    return series(720, i -> level * (1 + 0.02 * rnd.nextGaussian()));
  }

  @Test
  @DisplayName("a steady agent using twice its hard limit gets increase_quota to p99 + 15 %")
  void increase() {
    List<Recommendation> recs = recommend(Resource.CPU, steady(100), Limit.of(40, 50), 0);
    assertThat(recs).singleElement().satisfies(r -> {
      assertThat(r.type()).isEqualTo(RecommendationType.INCREASE_QUOTA);
      assertThat(r.suggested().hard()).isCloseTo(100 * 1.05 * 1.15, within(3.0));
      assertThat(r.suggested().soft()).isCloseTo(0.8 * r.suggested().hard(), within(1e-9));
      assertThat(r.rationale()).contains("cpu").contains("above hard");
      assertThat(r.evidence().pattern()).isEqualTo(UsagePattern.STEADY);
      assertThat(r.confidence()).isBetween(0.5, 1.0);
    });
  }

  @Test
  @DisplayName("an agent using far less than its limit gets decrease_quota, but not right after violations")
  void decrease() {
    assertThat(recommend(Resource.CPU, steady(100), Limit.of(160, 200), 0)).singleElement()
        .satisfies(r -> {
          assertThat(r.type()).isEqualTo(RecommendationType.DECREASE_QUOTA);
          assertThat(r.suggested().hard()).isLessThan(130);
        });
    assertThat(recommend(Resource.CPU, steady(100), Limit.of(160, 200), 2)).isEmpty();
  }

  @Test
  @DisplayName("a need within the 10 % deadband gives no recommendation; too short a history neither")
  void deadbandAndShortHistory() {
    assertThat(recommend(Resource.CPU, steady(100), Limit.of(100, 120), 0)).isEmpty();
    assertThat(recommend(Resource.CPU, series(8, i -> 100), Limit.of(1, 2), 0)).isEmpty();
  }

  @Test
  @DisplayName("a need more than 4x off the hard limit asks for another group")
  void changeGroup() {
    assertThat(recommend(Resource.CPU, steady(100), Limit.of(8, 10), 0)).singleElement().satisfies(r -> {
      assertThat(r.type()).isEqualTo(RecommendationType.CHANGE_GROUP);
      assertThat(r.rationale()).contains("larger group");
    });
    assertThat(recommend(Resource.CPU, steady(10), Limit.of(800, 1000), 0)).singleElement()
        .satisfies(r -> assertThat(r.rationale()).contains("smaller group"));
  }

  @Test
  @DisplayName("a bursty agent whose base fits gets raise_burst: burst room, not a higher hard limit")
  void raiseBurst() {
    UsageSeries bursty = series(720, i -> 10 + (i % 90 < 3 ? 90 : 0));
    assertThat(recommend(Resource.CPU, bursty, Limit.of(12, 15), 0)).singleElement().satisfies(r -> {
      assertThat(r.type()).isEqualTo(RecommendationType.RAISE_BURST);
      assertThat(r.evidence().pattern()).isEqualTo(UsagePattern.BURSTY);
      assertThat(r.suggested().hard()).isEqualTo(15);
      assertThat(r.suggested().burst()).isCloseTo(100 * 1.15, within(1e-6));
      assertThat(r.suggested().burstWindowMs()).isGreaterThanOrEqualTo(2 * 15_000);
    });
  }

  @Test
  @DisplayName("a periodic agent's hard limit follows its cycle's peak")
  void periodicFollowsCyclePeak() {
    UsageSeries periodic = series(720, i -> 100 + 40 * Math.sin(2 * Math.PI * i / 60.0));
    assertThat(recommend(Resource.CPU, periodic, Limit.of(80, 100), 0)).singleElement().satisfies(r -> {
      assertThat(r.type()).isEqualTo(RecommendationType.INCREASE_QUOTA);
      // The load-weighted percentile sits at the cycle's peak: every cycle fits, with headroom.
      assertThat(r.evidence().basis()).startsWith("load-weighted");
      assertThat(r.suggested().hard()).isBetween(140.0, 140 * 1.15);
    });
  }

  @Test
  @DisplayName("a need above the ceiling asks to optimize the code; growing memory is flagged as a leak")
  void optimizeCode() {
    RecommendationConfig capped = RecommendationConfig.custom().ceiling(Resource.CPU, 80).build();
    List<Recommendation> recs = RecommendationPolicy.recommend(input(Resource.CPU, steady(100), Limit.of(40, 50), 0), capped);
    assertThat(recs).singleElement().satisfies(r -> {
      assertThat(r.type()).isEqualTo(RecommendationType.OPTIMIZE_CODE);
      assertThat(r.suggested().hard()).isEqualTo(80);
    });
    Random rnd = new Random(12);
    UsageSeries leak = series(720, i -> (200 + 200.0 * i / 719) * MIB * (1 + 0.01 * rnd.nextGaussian()));
    assertThat(recommend(Resource.MEMORY, leak, Limit.of(300 * MIB, 350 * MIB), 0))
        .extracting(Recommendation::type)
        .containsExactly(RecommendationType.OPTIMIZE_CODE, RecommendationType.INCREASE_QUOTA);
  }

  @Test
  @DisplayName("memory violations bump the limit from the observed peak, and the bump does not feed on itself")
  void memoryBumpWithoutFeedbackLoop() {
    UsageSeries mem = steady(200 * MIB);
    Limit tight = Limit.of(180 * MIB, 220 * MIB);
    assertThat(recommend(Resource.MEMORY, mem, tight, 0)).isEmpty();
    Recommendation bumped = recommend(Resource.MEMORY, mem, tight, 3).get(0);
    assertThat(bumped.type()).isEqualTo(RecommendationType.INCREASE_QUOTA);
    double peak = bumped.evidence().statistics().peak();
    assertThat(bumped.suggested().hard()).isCloseTo(Math.max(peak * 1.2, peak + 100 * MIB), within(1.0));
    // Still violated after applying: the suggestion stays put instead of ratcheting up.
    assertThat(recommend(Resource.MEMORY, mem, bumped.suggested(), 5)).isEmpty();
  }

  @Test
  @DisplayName("the same input gives the same recommendation id; JSON carries type, limits and evidence")
  void stableIdAndJson() {
    Recommendation a = recommend(Resource.CPU, steady(100), Limit.of(40, 50), 0).get(0);
    Recommendation b = recommend(Resource.CPU, steady(100), Limit.of(40, 50), 0).get(0);
    assertThat(a.id()).isEqualTo(b.id());
    assertThat(a.toJson().getString("type")).isEqualTo("increase_quota");
    assertThat(a.toJson().getJsonObject("suggested").getDouble("hard")).isEqualTo(a.suggested().hard());
    assertThat(a.toJson().getJsonObject("evidence").getString("pattern")).isEqualTo("steady");
  }

  @Test
  @DisplayName("the step guard bounds each automatic change and keeps soft <= hard <= burst")
  void stepGuard() {
    Limit stepped = StepGuard.step(Limit.of(80, 100, 120, 1000), Limit.of(240, 300, 400, 2000), 0.5);
    assertThat(stepped.hard()).isEqualTo(150);
    assertThat(stepped.soft()).isEqualTo(120);
    assertThat(stepped.burst()).isEqualTo(180);
    Limit down = StepGuard.step(Limit.of(80, 100), Limit.of(8, 10), 0.25);
    assertThat(down.hard()).isEqualTo(75);
    assertThat(down.soft()).isEqualTo(60);
    assertThatThrownBy(() -> StepGuard.step(Limit.of(1, 1), Limit.of(1, 1), 0)).hasMessageContaining("maxChange");
  }

  @Test
  @DisplayName("invalid config is refused with a message naming the knob")
  void configValidation() {
    assertThatThrownBy(() -> RecommendationConfig.custom().headroom(-1).build()).hasMessageContaining("headroom");
    assertThatThrownBy(() -> RecommendationConfig.custom().changeGroupRatio(1).build())
        .hasMessageContaining("changeGroupRatio");
  }
}
