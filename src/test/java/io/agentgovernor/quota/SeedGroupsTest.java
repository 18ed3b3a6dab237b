package io.agentgovernor.quota;

import static org.assertj.core.api.Assertions.assertThat;

import io.agentgovernor.config.ConfigLoader;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The three groups of {@code conf/governor.yaml} against the seed's table, number for number: every
 * soft and hard limit of memory, cpu and processes, each one's enforcement action (a one-step ladder
 * after the seed's escalation delay for that action) and every group total.
 */
class SeedGroupsTest {

  private static final QuotaConfig CONFIG =
      QuotaConfig.fromJson(ConfigLoader.builtInDefaults().getJsonObject("quota"));

  @ParameterizedTest(name = "{0} {1}: soft {2}, hard {3}, {4} after {5} ms")
  @CsvSource({
      // group,                 resource,  soft,          hard,          action,     afterMs (the seed's delay)
      "lightweight_agent,       memory,    50000000,      100000000,     warn,       0",
      "lightweight_agent,       cpu,       5,             10,            throttle,   30000",
      "lightweight_agent,       processes, 10,            20,            suspend,    300000",
      "standard_agent,          memory,    200000000,     500000000,     throttle,   30000",
      "standard_agent,          cpu,       15,            30,            throttle,   30000",
      "standard_agent,          processes, 50,            100,           scale_down, 0",
      "heavy_computation_agent, memory,    1000000000,    2000000000,    suspend,    300000",
      "heavy_computation_agent, cpu,       40,            80,            scale_down, 0",
      "heavy_computation_agent, processes, 100,           200,           terminate,  600000",
  })
  @DisplayName("every seed limit: soft, hard and enforcement action, no burst")
  void limits(String group, String resource, double soft, double hard, String action, long afterMs) {
    Limit limit = CONFIG.groups().get(group).defaultLimits().get(resource);
    assertThat(limit.soft()).isEqualTo(soft);
    assertThat(limit.hard()).isEqualTo(hard);
    assertThat(limit.hasBurst()).as("the seed's limits have no burst allowance").isFalse();
    assertThat(limit.ladder()).singleElement().satisfies(step -> {
      assertThat(step.action()).isEqualTo(ActionType.parse(action));
      assertThat(step.afterMs()).isEqualTo(afterMs);
    });
  }

  @ParameterizedTest(name = "{0}: memory {1}, cpu {2}, processes {3}")
  @CsvSource({
      "lightweight_agent,       1000000000, 200,  500",
      "standard_agent,          4000000000, 600,  2000",
      "heavy_computation_agent, 8000000000, 1600, 1000",
  })
  @DisplayName("every seed group total, and no other")
  void totals(String group, double memory, double cpu, double processes) {
    QuotaGroup g = CONFIG.groups().get(group);
    assertThat(g.totalLimits()).containsOnlyKeys("memory", "cpu", "processes");
    assertThat(g.totalLimits().get("memory")).isEqualTo(memory);
    assertThat(g.totalLimits().get("cpu")).isEqualTo(cpu);
    assertThat(g.totalLimits().get("processes")).isEqualTo(processes);
  }

  @Test
  @DisplayName("the seed's descriptions and its default priority 5")
  void descriptions() {
    assertThat(CONFIG.groups().get("lightweight_agent").description())
        .isEqualTo("Lightweight agents with minimal resource requirements");
    assertThat(CONFIG.groups().get("standard_agent").description())
        .isEqualTo("Standard agents with moderate resource requirements");
    assertThat(CONFIG.groups().get("heavy_computation_agent").description())
        .isEqualTo("Agents requiring significant computational resources");
    CONFIG.groups().values().forEach(g -> assertThat(g.priority()).as(g.name()).isEqualTo(5));
  }

  @Test
  @DisplayName("our additions beside the seed's resources: files, connections, network, message_queue, disk, on the default ladder")
  void additions() {
    CONFIG.groups().values().forEach(g -> {
      assertThat(g.defaultLimits()).containsOnlyKeys("memory", "cpu", "processes", "files", "connections", "network",
          "message_queue", "disk");
      for (String added : new String[] {"files", "connections", "network", "message_queue", "disk"}) {
        assertThat(g.defaultLimits().get(added).ladder()).as(g.name() + " " + added).isEmpty();
      }
    });
  }
}
