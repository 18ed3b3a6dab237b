package io.agentgovernor.degradation.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class LoadShedderTest {

  private final LoadShedder shedder = LoadShedder.ofDefaults();

  private final List<AgentLoad> agents = List.of(
      AgentLoad.of("critical", 10, 300),
      AgentLoad.of("normal", 5, 200),
      AgentLoad.of("low-big", 1, 250),
      AgentLoad.of("low-small", 1, 50),
      AgentLoad.of("batch", 2, 100),
      AgentLoad.of("web", 7, 100));

  @Test
  @DisplayName("lowest priority first (largest first within a priority), only as many as needed")
  void lowestPriorityFirst() {
    SheddingPlan plan = shedder.select(1_000, 900, agents, 0.5);
    assertThat(plan.selected()).extracting(AgentLoad::agentId).containsExactly("low-big");
    assertThat(plan.projectedUsage()).isEqualTo(875.0);
    assertThat(plan.sufficient()).isTrue();
    SheddingPlan more = shedder.select(1_000, 800, agents, 0.5);
    assertThat(more.selected()).extracting(AgentLoad::agentId).containsExactly("low-big", "low-small", "batch");
  }

  @Test
  @DisplayName("never all at once: at most half the candidates per round, even when that is not enough")
  void neverAllAtOnce() {
    SheddingPlan plan = shedder.select(1_000, 100, agents, 0.5);
    assertThat(plan.selected()).hasSize(3).extracting(AgentLoad::agentId).doesNotContain("critical");
    assertThat(plan.sufficient()).isFalse();
    assertThat(plan.toJson().getJsonArray("agents")).hasSize(3);
  }

  @Test
  @DisplayName("the next round skips agents already degraded and moves up the priorities")
  void nextRound() {
    List<AgentLoad> round2 = agents.stream()
        .map(a -> List.of("low-big", "low-small", "batch").contains(a.agentId())
            ? new AgentLoad(a.agentId(), a.priority(), a.usage(), true) : a)
        .toList();
    SheddingPlan plan = shedder.select(800, 700, round2, 0.5);
    assertThat(plan.selected()).extracting(AgentLoad::agentId).containsExactly("normal");
  }

  @Test
  @DisplayName("of two candidates one is kept; a lone agent may be degraded; nothing under the threshold")
  void smallCases() {
    assertThat(shedder.select(1_000, 10, agents.subList(0, 2), 1.0).selected()).hasSize(1);
    assertThat(shedder.select(1_000, 10, agents.subList(0, 1), 1.0).selected()).hasSize(1);
    assertThat(shedder.select(500, 900, agents, 0.5).selected()).isEmpty();
    assertThat(shedder.select(1_000, 900, List.of(), 0.5).selected()).isEmpty();
  }

  @Test
  @DisplayName("bad settings are refused")
  void invalid() {
    assertThatThrownBy(() -> new LoadShedder(1.0)).hasMessageContaining("maxShare must be in (0, 1)");
    assertThatThrownBy(() -> shedder.select(1, 1, agents, 0)).hasMessageContaining("expectedReduction");
    assertThatThrownBy(() -> AgentLoad.of("a", 1, -1)).hasMessageContaining("usage");
  }
}
