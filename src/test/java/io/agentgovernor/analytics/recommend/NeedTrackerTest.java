package io.agentgovernor.analytics.recommend;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.agentgovernor.quota.Resource;
import java.time.Duration;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class NeedTrackerTest {

  static final double MIB = 1024 * 1024;
  static final long MINUTE = 60_000;
  static final RecommendationConfig DEFAULTS = RecommendationConfig.ofDefaults();

  static NeedTracker fed(Resource resource, RecommendationConfig config, int n, java.util.function.IntToDoubleFunction v) {
    NeedTracker t = new NeedTracker(config.need(resource), config);
    for (int i = 0; i < n; i++) {
      t.observe(i * MINUTE, v.applyAsDouble(i));
    }
    return t;
  }

  @Test
  @DisplayName("the need is the load-weighted percentile of the usage plus headroom, and a larger budget gives less")
  void needFromBudget() {
    java.util.function.IntToDoubleFunction spiky = i -> i % 20 == 0 ? 200 : 50;
    double tight = fed(Resource.CPU, DEFAULTS, 600, spiky).need(600 * MINUTE);
    double loose = fed(Resource.CPU, RecommendationConfig.custom().violationBudget(Resource.CPU, 0.3).build(), 600,
        spiky).need(600 * MINUTE);
    // Spikes are 5 % of the time but 17 % of the load: a 5 % budget covers them, a 30 % one does not.
    assertThat(tight).isBetween(200 * 1.1, 200 * 1.05 * 1.1);
    assertThat(loose).isBetween(50 * 1.1, 50 * 1.05 * 1.1);
    assertThat(new NeedTracker(DEFAULTS.need(Resource.CPU), DEFAULTS).need(0)).isNaN();
  }

  @Test
  @DisplayName("increases apply at once, decreases at most downStep per evaluation")
  void smoothDecrease() {
    NeedTracker t = fed(Resource.CPU, RecommendationConfig.custom().halfLife(Duration.ofHours(1)).build(), 60, i -> 100);
    double high = t.need(60 * MINUTE);
    for (int i = 60; i < 600; i++) {
      t.observe(i * MINUTE, 10);
    }
    double next = t.need(600 * MINUTE);
    assertThat(next).isCloseTo(high * (1 - DEFAULTS.downStep()), org.assertj.core.data.Offset.offset(1e-9));
    for (int i = 600; i < 605; i++) {
      t.observe(i * MINUTE, 500);
    }
    assertThat(t.need(605 * MINUTE)).isGreaterThan(500);
  }

  @Test
  @DisplayName("a memory overrun floors the need from the usage seen for the hold, then the floor lapses; cpu has none")
  void overrunFloor() {
    NeedTracker mem = fed(Resource.MEMORY, DEFAULTS, 600, i -> 200 * MIB);
    double before = mem.need(600 * MINUTE);
    mem.onOverrun(600 * MINUTE, 400 * MIB);
    assertThat(mem.need(601 * MINUTE)).isEqualTo(Math.max(400 * MIB * 1.2, 400 * MIB + 100 * MIB));
    long after = 600 * MINUTE + DEFAULTS.overrunHold().toMillis();
    double lapsed = mem.need(after);
    assertThat(lapsed).isLessThan(500 * MIB).isGreaterThan(before);
    NeedTracker cpu = fed(Resource.CPU, DEFAULTS, 600, i -> 50);
    double cpuBefore = cpu.need(600 * MINUTE);
    cpu.onOverrun(600 * MINUTE, 400);
    assertThat(cpu.need(601 * MINUTE)).isEqualTo(cpuBefore);
  }

  @Test
  @DisplayName("zeros before a resource's first use are not history")
  void leadingZerosSkipped() {
    NeedTracker t = fed(Resource.CPU, DEFAULTS, 100, i -> i < 90 ? 0 : 40);
    assertThat(t.need(100 * MINUTE)).isBetween(40 * 1.1, 40 * 1.05 * 1.1);
  }

  @Test
  @DisplayName("a need model outside its ranges is refused naming the setting")
  void modelValidation() {
    assertThatThrownBy(() -> new NeedModel(0, 0.1, 1, 0, false)).hasMessageContaining("violationBudget");
    assertThatThrownBy(() -> new NeedModel(0.6, 0.1, 1, 0, false)).hasMessageContaining("violationBudget");
    assertThatThrownBy(() -> RecommendationConfig.custom().downStep(0).build()).hasMessageContaining("downStep");
  }
}
