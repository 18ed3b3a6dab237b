package io.agentgovernor.degradation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.agentgovernor.config.ConfigException;
import io.agentgovernor.config.ConfigLoader;
import io.agentgovernor.config.NodeConfig;
import io.agentgovernor.bus.DegradationStrategy;
import io.agentgovernor.degradation.policy.PressureLevel;
import io.agentgovernor.node.GovernorNode;
import io.agentgovernor.quota.Resource;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class DegradationSettingsTest {

  @TempDir
  Path dir;

  private NodeConfig load(String yaml) throws Exception {
    Path file = dir.resolve("node.yaml");
    Files.writeString(file, yaml);
    return ConfigLoader.load(List.of("--config", file.toString()), Map.of());
  }

  @Test
  @DisplayName("the built-in degradation section is the policy's defaults")
  void builtInIsDefaults() {
    DegradationSettings s = DegradationSettings.fromJson(ConfigLoader.load(List.of(), Map.of()).section("degradation"));
    assertThat(s.enabled()).isTrue();
    assertThat(s.agentPressure().thresholds().minimal()).isEqualTo(0.9);
    assertThat(s.recovery().usageFraction()).isEqualTo(0.8);
    assertThat(s.recovery().violationHoldMs()).isEqualTo(60_000);
    assertThat(s.recovery().stageIntervalMs()).isEqualTo(30_000);
    assertThat(s.node().pressure().thresholds().minimal()).isEqualTo(0.8);
    assertThat(s.node().dimensions()).containsExactly("heap");
    assertThat(s.handOverAction()).isEqualTo("throttle");
  }

  @Test
  @DisplayName("a file overrides thresholds, timelines, recovery criteria and a resource's strategies")
  void overrides() throws Exception {
    NodeConfig config = load("""
        degradation:
          pressure: { thresholds: { minimal: 0.7 }, downHoldMs: 1000 }
          plans: { timelineMs: { minimal: 2000 } }
          strategies:
            memory: [ { strategy: drop_non_essential, from: minimal } ]
          recovery: { usageFraction: 0.5, violationHoldMs: 0, stageIntervalMs: 500 }
          node: { thresholds: { minimal: 0.5, moderate: 0.6, aggressive: 0.7, emergency: 0.8 }, dimensions: [heap] }
        """);
    DegradationSettings s = DegradationSettings.fromJson(config.section("degradation"));
    assertThat(s.agentPressure().thresholds().minimal()).isEqualTo(0.7);
    assertThat(s.agentPressure().downHoldMs()).isEqualTo(1000);
    assertThat(s.plans().timelineMs().get(PressureLevel.MINIMAL)).isEqualTo(2000);
    assertThat(s.plans().table().strategies(Resource.MEMORY, PressureLevel.EMERGENCY))
        .containsExactly(DegradationStrategy.DROP_NON_ESSENTIAL);
    assertThat(s.recovery().stageIntervalMs()).isEqualTo(500);
    assertThat(s.node().dimensions()).containsExactly("heap");
  }

  @ParameterizedTest(name = "{0}")
  @DisplayName("bad degradation config is refused at load with one message naming the fault")
  @CsvSource(delimiter = '|', value = {
      "unknown strategy|strategies: { memory: [ { strategy: go_faster, from: minimal } ] }|unknown degradation strategy 'go_faster'",
      "unknown level in the strategy table|strategies: { cpu: [ { strategy: batch_operations, from: severe } ] }|unknown pressure level 'severe'",
      "unknown level in thresholds|pressure: { thresholds: { extreme: 2.0 } }|unknown pressure level 'extreme'",
      "unknown level in timelines|plans: { timelineMs: { panic: 100 } }|unknown pressure level 'panic'",
      "recovery fraction above 1|recovery: { usageFraction: 1.5 }|usageFraction must be in [0, 1]",
      "recovery fraction below 0|recovery: { usageFraction: -0.1 }|usageFraction must be in [0, 1]",
      "negative stage interval|recovery: { stageIntervalMs: -1 }|stageIntervalMs must be >= 0",
      "negative violation hold|recovery: { violationHoldMs: -5 }|violationHoldMs must be >= 0",
      "negative timeline|plans: { timelineMs: { moderate: -10 } }|timelineMs.moderate must be >= 0",
      "negative hold|pressure: { downHoldMs: -1 }|downHoldMs must be >= 0",
      "thresholds out of order|pressure: { thresholds: { moderate: 0.8 } }|must increase strictly",
      "unknown field|recover: {}|unknown field 'recover'",
      "unknown node dimension|node: { dimensions: [disk] }|dimensions",
      "bad hand-over action|handOver: { action: terminate }|handOver.action must be throttle or suspend"})
  void refused(String what, String section, String message) throws Exception {
    assertThatThrownBy(() -> GovernorNode.validate(load("degradation:\n  " + section + "\n")))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith("configuration: degradation")
        .hasMessageContaining(message)
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
  }
}
