package io.agentgovernor.degradation.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.agentgovernor.bus.GovernorException;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class PressureStateMachineTest {

  private final PressureStateMachine machine = PressureStateMachine.forAgent("a1", "memory", PressureConfig.ofDefaults());

  @ParameterizedTest(name = "pressure {0} -> {1}")
  @CsvSource({"0, NONE", "0.9, NONE", "0.91, MINIMAL", "1.0, MINIMAL", "1.01, MODERATE", "1.2, MODERATE",
      "1.21, AGGRESSIVE", "1.5, AGGRESSIVE", "1.51, EMERGENCY", "9, EMERGENCY"})
  @DisplayName("the seed's thresholds: a level holds when pressure is strictly above its threshold")
  void levelForPressure(double pressure, PressureLevel level) {
    assertThat(PressureThresholds.ofDefaults().levelFor(pressure)).isEqualTo(level);
  }

  @Test
  @DisplayName("up through every level, one transition each, at once")
  void everyLevelUp() {
    List<LevelTransition> ts = new ArrayList<>();
    double[] pressures = {0.5, 0.95, 1.05, 1.3, 1.6};
    for (int i = 0; i < pressures.length; i++) {
      machine.update(i * 1_000L, pressures[i]).ifPresent(ts::add);
    }
    assertThat(ts).extracting(LevelTransition::from).containsExactly(PressureLevel.NONE, PressureLevel.MINIMAL,
        PressureLevel.MODERATE, PressureLevel.AGGRESSIVE);
    assertThat(ts).extracting(LevelTransition::to).containsExactly(PressureLevel.MINIMAL, PressureLevel.MODERATE,
        PressureLevel.AGGRESSIVE, PressureLevel.EMERGENCY);
    assertThat(ts).allMatch(LevelTransition::isUp);
    assertThat(ts.get(0).key()).isEqualTo("a1/memory");
  }

  @Test
  @DisplayName("a jump goes straight to the deepest level exceeded")
  void jumpsUp() {
    assertThat(machine.update(0, 2.0)).get().extracting(LevelTransition::to).isEqualTo(PressureLevel.EMERGENCY);
  }

  @Test
  @DisplayName("down through every level, one at a time, each after its own 30 s hold")
  void everyLevelDown() {
    machine.update(0, 2.0);
    List<LevelTransition> ts = new ArrayList<>();
    for (long t = 1_000; t <= 200_000; t += 1_000) {
      machine.update(t, 0.1).ifPresent(ts::add);
    }
    assertThat(ts).extracting(LevelTransition::to).containsExactly(PressureLevel.AGGRESSIVE, PressureLevel.MODERATE,
        PressureLevel.MINIMAL, PressureLevel.NONE);
    assertThat(ts).extracting(LevelTransition::atMs).containsExactly(31_000L, 61_000L, 91_000L, 121_000L);
    assertThat(ts).noneMatch(LevelTransition::isUp);
  }

  @Test
  @DisplayName("no flapping: pressure oscillating around a threshold moves the level up once and holds it")
  void noFlapping() {
    List<LevelTransition> ts = new ArrayList<>();
    for (long t = 0; t < 600_000; t += 1_000) {
      double pressure = (t / 1_000) % 2 == 0 ? 1.02 : 0.98;
      machine.update(t, pressure).ifPresent(ts::add);
    }
    assertThat(ts).singleElement().extracting(LevelTransition::to).isEqualTo(PressureLevel.MODERATE);
  }

  @Test
  @DisplayName("under the threshold but within the margin: no step down however long it lasts")
  void withinMarginHolds() {
    machine.update(0, 1.1);
    for (long t = 1_000; t <= 300_000; t += 1_000) {
      assertThat(machine.update(t, 0.96)).isEmpty();
    }
    assertThat(machine.level()).isEqualTo(PressureLevel.MODERATE);
  }

  @Test
  @DisplayName("a sample back above the margin restarts the hold")
  void holdRestarts() {
    machine.update(0, 1.1);
    machine.update(1_000, 0.5);
    machine.update(20_000, 0.5);
    machine.update(25_000, 0.97);
    assertThat(machine.update(40_000, 0.5)).isEmpty();
    assertThat(machine.update(69_000, 0.5)).isEmpty();
    assertThat(machine.update(70_000, 0.5)).get().extracting(LevelTransition::to).isEqualTo(PressureLevel.MINIMAL);
  }

  @Test
  @DisplayName("with margin and hold at zero the level follows the pressure down one level per sample")
  void noHysteresis() {
    PressureStateMachine m = PressureStateMachine.forNode("n1", PressureConfig.custom().margin(0).downHoldMs(0).build());
    m.update(0, 1.3);
    Optional<LevelTransition> down = m.update(1, 1.1);
    assertThat(down).get().extracting(LevelTransition::to).isEqualTo(PressureLevel.MODERATE);
    assertThat(down.get().key()).isEqualTo("node:n1");
    assertThat(down.get().toJson().getString("from")).isEqualTo("aggressive");
  }

  @Test
  @DisplayName("levels declare their transitions: any deeper, one shallower")
  void levelTransitions() {
    assertThat(PressureLevel.NONE.canMoveTo(PressureLevel.EMERGENCY)).isTrue();
    assertThat(PressureLevel.EMERGENCY.canMoveTo(PressureLevel.AGGRESSIVE)).isTrue();
    assertThat(PressureLevel.EMERGENCY.canMoveTo(PressureLevel.MODERATE)).isFalse();
    assertThat(PressureLevel.NONE.canMoveTo(PressureLevel.NONE)).isFalse();
    assertThat(PressureLevel.EMERGENCY.deeper()).isEqualTo(PressureLevel.EMERGENCY);
    assertThat(PressureLevel.NONE.shallower()).isEqualTo(PressureLevel.NONE);
  }

  @Test
  @DisplayName("node pressure is its most pressed dimension")
  void nodePressure() {
    NodePressure p = new NodePressure(700, 1_000, 0.4, 50, 100);
    assertThat(p.pressure()).isEqualTo(0.7);
    assertThat(new NodePressure(100, 1_000, 0.4, 250, 100).pressure()).isEqualTo(2.5);
    assertThat(p.toJson().getDouble("heapRatio")).isEqualTo(0.7);
    assertThatThrownBy(() -> new NodePressure(1, 0, 0, 0, 1)).hasMessageContaining("heap");
    assertThatThrownBy(() -> new NodePressure(1, 1, 1.5, 0, 1)).hasMessageContaining("cpuLoad");
  }

  @Test
  @DisplayName("thresholds are configurable, and bad ones are refused with a clear message")
  void invalidThresholds() {
    PressureThresholds custom = PressureThresholds.fromJson(new JsonObject().put("minimal", 0.8).put("emergency", 2));
    assertThat(custom).isEqualTo(new PressureThresholds(0.8, 1.0, 1.2, 2));
    assertThat(custom.toJson().getDouble("minimal")).isEqualTo(0.8);
    assertThatThrownBy(() -> new PressureThresholds(0.9, 0.9, 1.2, 1.5)).isInstanceOf(GovernorException.class)
        .hasMessageContaining("increase strictly");
    assertThatThrownBy(() -> new PressureThresholds(0, 1, 1.2, 1.5)).hasMessageContaining("'minimal' must be a finite number > 0");
    assertThatThrownBy(() -> new PressureThresholds(0.9, 1, Double.NaN, 1.5)).hasMessageContaining("'aggressive'");
    assertThatThrownBy(() -> PressureThresholds.fromJson(new JsonObject().put("severe", 1.3)))
        .hasMessageContaining("unknown pressure level 'severe'").hasMessageContaining("emergency");
    assertThatThrownBy(() -> PressureThresholds.fromJson(new JsonObject().put("none", 0.1)))
        .hasMessageContaining("'none' has no threshold");
    assertThatThrownBy(() -> PressureThresholds.fromJson(new JsonObject().put("moderate", "high")))
        .hasMessageContaining("must be a number");
    assertThatThrownBy(() -> PressureConfig.custom().margin(-0.1).build()).hasMessageContaining("margin");
    assertThatThrownBy(() -> PressureConfig.custom().margin(0.95).build()).hasMessageContaining("margin");
    assertThatThrownBy(() -> PressureConfig.custom().downHoldMs(-1).build()).hasMessageContaining("downHoldMs must be >= 0");
    assertThatThrownBy(() -> machine.update(0, -1)).hasMessageContaining("pressure must be finite");
    assertThatThrownBy(() -> PressureLevel.parse("severe")).hasMessageContaining("unknown pressure level");
  }
}
