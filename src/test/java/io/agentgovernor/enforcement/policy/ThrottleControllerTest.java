package io.agentgovernor.enforcement.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class ThrottleControllerTest {

  private static final ThrottleConfig CONFIG = ThrottleConfig.ofDefaults();

  /** A simulated agent: usage = demand × factor, demand with uniform noise of ± {@code noise}. */
  private static final class SimulatedAgent {
    private final Random random = new Random(42);
    double demand;
    final double noise;

    SimulatedAgent(double demand, double noise) {
      this.demand = demand;
      this.noise = noise;
    }

    double usage(double factor) {
      double jitter = 1 + noise * (2 * random.nextDouble() - 1);
      return demand * jitter * factor;
    }
  }

  @ParameterizedTest(name = "{0} % of the hard limit starts at factor {1}")
  @CsvSource({"105, 0.9", "120, 0.9", "121, 0.85", "150, 0.85", "151, 0.7", "200, 0.7", "201, 0.5", "1000, 0.5"})
  @DisplayName("the first factor comes from the seed's table: excess <= 20 % 0.9, <= 50 % 0.85, <= 100 % 0.7, more 0.5")
  void startsFromTable(double percentOfHard, double factor) {
    assertThat(ThrottleController.start(CONFIG, percentOfHard / 5, 20).factor()).isEqualTo(factor);
  }

  @Test
  @DisplayName("usage not over the limit starts at factor 1")
  void notOverStartsAtOne() {
    assertThat(FactorTable.ofDefaults().factorFor(20, 20)).isEqualTo(1.0);
  }

  @ParameterizedTest(name = "demand {0} against hard 20")
  @ValueSource(doubles = {21, 25, 40, 100, 400})
  @DisplayName("a noisy agent settles at or under 1.1 × target within 15 intervals and stays there")
  void convergesAndStays(double demand) {
    SimulatedAgent agent = new SimulatedAgent(demand, 0.05);
    double hard = 20;
    double target = CONFIG.targetFraction() * hard;
    ThrottleController c = ThrottleController.start(CONFIG, agent.usage(1.0), hard);
    double sum = 0;
    for (int i = 0; i < 200; i++) {
      double usage = agent.usage(c.factor());
      if (i >= 15) {
        assertThat(usage).as("interval %d", i).isLessThanOrEqualTo(1.1 * target);
        sum += usage;
      }
      c.update(usage, hard);
    }
    assertThat(sum / 185).as("mean settled usage").isBetween(0.9 * target, 1.02 * target);
    assertThat(c.state()).isEqualTo(ThrottleStep.State.THROTTLING);
  }

  @Test
  @DisplayName("a cpu-burner at 40 % of a core under a hard 20 settles at <= 22 %")
  void cpuBurnerCase() {
    SimulatedAgent agent = new SimulatedAgent(40, 0.1);
    ThrottleController c = ThrottleController.start(CONFIG, 40, 20);
    double[] settled = new double[290];
    for (int i = 0; i < 300; i++) {
      double usage = agent.usage(c.factor());
      if (i >= 10) {
        settled[i - 10] = usage;
      }
      c.update(usage, 20);
    }
    java.util.Arrays.sort(settled);
    assertThat(java.util.Arrays.stream(settled).average().orElseThrow()).isLessThanOrEqualTo(19.5);
    assertThat(settled[(int) (settled.length * 0.99)]).as("p99 with ±10 %% noise").isLessThanOrEqualTo(22.0);
    assertThat(settled[settled.length - 1]).as("max, this seed").isLessThanOrEqualTo(22.0);
  }

  @Test
  @DisplayName("the factor never falls below the minimum, even for a runaway agent")
  void minimumFactor() {
    ThrottleController c = ThrottleController.start(CONFIG, 1e6, 1);
    for (int i = 0; i < 50; i++) {
      c.update(1e6 * c.factor(), 1);
    }
    assertThat(c.factor()).isEqualTo(CONFIG.minFactor());
  }

  @Test
  @DisplayName("each interval changes the factor by a bounded step")
  void boundedSteps() {
    ThrottleController c = ThrottleController.start(CONFIG, 21, 20);
    double before = c.factor();
    assertThat(c.update(1000, 20).factor()).as("a spike halves the factor at most").isEqualTo(before * CONFIG.maxDecrease());
    Random random = new Random(7);
    for (int i = 0; i < 500; i++) {
      double prev = c.factor();
      double next = c.update(random.nextDouble() * 200, 20).factor();
      assertThat(next).isBetween(Math.max(CONFIG.minFactor(), prev * CONFIG.maxDecrease()) - 1e-12,
          Math.min(1.0, prev * CONFIG.maxIncrease()) + 1e-12);
      if (c.state() == ThrottleStep.State.LIFTED) {
        break;
      }
    }
  }

  @Test
  @DisplayName("after demand drops the factor climbs back to 1 and is lifted with hysteresis")
  void recoversWhenDemandDrops() {
    SimulatedAgent agent = new SimulatedAgent(40, 0.05);
    ThrottleController c = ThrottleController.start(CONFIG, 40, 20);
    for (int i = 0; i < 30; i++) {
      c.update(agent.usage(c.factor()), 20);
    }
    agent.demand = 12;
    int liftedAt = -1;
    for (int i = 0; i < 40 && liftedAt < 0; i++) {
      ThrottleStep step = c.update(agent.usage(c.factor()), 20);
      if (step.state() == ThrottleStep.State.LIFTED) {
        liftedAt = i;
      }
    }
    assertThat(liftedAt).isBetween(CONFIG.liftHoldIntervals() - 1, 20);
    assertThat(c.factor()).isEqualTo(1.0);
    assertThat(c.update(100, 20).state()).as("a lifted throttle stays lifted").isEqualTo(ThrottleStep.State.LIFTED);
  }

  @Test
  @DisplayName("after the limit is raised the agent gets its full rate back")
  void recoversWhenLimitRises() {
    SimulatedAgent agent = new SimulatedAgent(40, 0.05);
    ThrottleController c = ThrottleController.start(CONFIG, 40, 20);
    for (int i = 0; i < 30; i++) {
      c.update(agent.usage(c.factor()), 20);
    }
    ThrottleStep last = null;
    for (int i = 0; i < 30; i++) {
      last = c.update(agent.usage(c.factor()), 100);
    }
    assertThat(last.state()).isEqualTo(ThrottleStep.State.LIFTED);
    assertThat(last.factor()).isEqualTo(1.0);
  }

  @Test
  @DisplayName("an agent hovering between the lift band and target keeps a throttle at 1 without lifting")
  void noLiftInsideBand() {
    ThrottleController c = ThrottleController.start(CONFIG, 21, 20);
    for (int i = 0; i < 50; i++) {
      c.update(18.5, 20);
    }
    assertThat(c.state()).isEqualTo(ThrottleStep.State.THROTTLING);
  }

  @Test
  @DisplayName("the Kafka throttle time is (observed - target) / target × window, clamped")
  void kafkaThrottleTime() {
    ThrottleConfig config = ThrottleConfig.custom().windowMs(1_000).maxThrottleTimeMs(5_000).build();
    ThrottleController c = ThrottleController.start(config, 30, 20);
    assertThat(c.update(38, 20).throttleTimeMs()).isEqualTo(1_000);
    assertThat(c.update(10_000, 20).throttleTimeMs()).isEqualTo(5_000);
    assertThat(c.update(5, 20).throttleTimeMs()).isZero();
    assertThat(c.update(5, 20).toJson().getString("state")).isEqualTo("throttling");
  }

  @Test
  @DisplayName("bad throttle config and tables are refused with clear messages")
  void invalidConfig() {
    assertThatThrownBy(() -> ThrottleConfig.custom().minFactor(0).build()).hasMessageContaining("minFactor");
    assertThatThrownBy(() -> ThrottleConfig.custom().targetFraction(1.2).build()).hasMessageContaining("targetFraction");
    assertThatThrownBy(() -> ThrottleConfig.custom().maxIncrease(1).build()).hasMessageContaining("maxIncrease");
    assertThatThrownBy(() -> ThrottleConfig.custom().maxDecrease(1).build()).hasMessageContaining("maxDecrease");
    assertThatThrownBy(() -> ThrottleConfig.custom().lift(0.99, 3).build()).hasMessageContaining("liftFraction");
    assertThatThrownBy(() -> ThrottleConfig.custom().lift(0.5, 0).build()).hasMessageContaining("liftHoldIntervals");
    assertThatThrownBy(() -> new FactorTable(List.of(new FactorTable.Row(0.5, 0.5))))
        .hasMessageContaining("maxOver = Infinity");
    assertThatThrownBy(() -> new FactorTable(List.of(new FactorTable.Row(0.5, 0.3),
        new FactorTable.Row(Double.POSITIVE_INFINITY, 0.6)))).hasMessageContaining("must not increase");
    assertThatThrownBy(() -> new FactorTable(List.of(new FactorTable.Row(0.5, 0.3),
        new FactorTable.Row(0.5, 0.2), new FactorTable.Row(Double.POSITIVE_INFINITY, 0.1))))
        .hasMessageContaining("increase strictly");
    assertThatThrownBy(() -> new FactorTable(List.of(new FactorTable.Row(Double.POSITIVE_INFINITY, 0))))
        .hasMessageContaining("factor must be in (0, 1]");
    assertThatThrownBy(() -> ThrottleController.start(CONFIG, Double.NaN, 20)).hasMessageContaining("finite");
  }
}
