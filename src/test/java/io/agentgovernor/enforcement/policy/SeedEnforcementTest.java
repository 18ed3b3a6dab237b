package io.agentgovernor.enforcement.policy;

import static org.assertj.core.api.Assertions.assertThat;

import io.agentgovernor.config.ConfigLoader;
import io.agentgovernor.quota.ActionType;
import io.agentgovernor.quota.Limit;
import io.agentgovernor.quota.QuotaConfig;
import io.agentgovernor.quota.Resource;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The seed groups of {@code conf/governor.yaml} under the escalation policy, time passed in: each
 * limit's enforcement action runs after the seed's delay for it, and nothing else runs.
 */
class SeedEnforcementTest {

  private static final QuotaConfig CONFIG = QuotaConfig.fromJson(ConfigLoader.builtInDefaults().getJsonObject("quota"));
  private final EscalationPolicy policy = EscalationPolicy.ofDefaults();

  private static Limit limit(String group, String resource) {
    return CONFIG.groups().get(group).defaultLimits().get(resource);
  }

  /** Feeds one sample a second over {@code [fromMs, toMs]} and returns every decision. */
  private List<Decision> feed(EscalationState state, Limit limit, long fromMs, long toMs, double current) {
    List<Decision> all = new ArrayList<>();
    for (long t = fromMs; t <= toMs; t += 1_000) {
      all.addAll(policy.evaluate(state, Measurement.of(t, current, limit)));
    }
    return all;
  }

  private static List<ActionType> applied(List<Decision> decisions) {
    return decisions.stream().filter(d -> d.kind() == Decision.Kind.APPLY).map(Decision::action).toList();
  }

  @Test
  @DisplayName("a lightweight agent at 150 MB of memory (hard 100 MB) for 20 minutes is only warned")
  void lightweightMemoryOnlyWarns() {
    EscalationState state = new EscalationState("lw", Resource.MEMORY);
    List<Decision> decisions = feed(state, limit("lightweight_agent", "memory"), 0, 20 * 60_000, 150e6);
    assertThat(applied(decisions)).containsOnly(ActionType.WARN).hasSize(1);
    assertThat(decisions.get(0).atMs()).isZero();
  }

  @Test
  @DisplayName("a heavy agent over 200 processes is terminated once the breach has lasted 10 minutes, not before")
  void heavyProcessesTerminate() {
    EscalationState state = new EscalationState("hv", Resource.PROCESSES);
    Limit processes = limit("heavy_computation_agent", "processes");
    assertThat(applied(feed(state, processes, 0, 599_000, 250))).isEmpty();
    List<Decision> at = feed(state, processes, 600_000, 600_000, 250);
    assertThat(applied(at)).containsExactly(ActionType.TERMINATE);
    assertThat(at.get(0).violation()).isEqualTo(io.agentgovernor.quota.ViolationKind.HARD);
    assertThat(state.phase()).isEqualTo(EscalationPhase.TERMINATED);
  }

  @Test
  @DisplayName("a lightweight agent's cpu over 10 % is throttled after the seed's 30 s; a standard agent's processes are scaled down at once")
  void otherSeedActions() {
    EscalationState cpu = new EscalationState("lw", Resource.CPU);
    assertThat(applied(feed(cpu, limit("lightweight_agent", "cpu"), 0, 29_000, 15))).isEmpty();
    assertThat(applied(feed(cpu, limit("lightweight_agent", "cpu"), 30_000, 30_000, 15))).containsExactly(ActionType.THROTTLE);
    EscalationState processes = new EscalationState("st", Resource.PROCESSES);
    assertThat(applied(feed(processes, limit("standard_agent", "processes"), 0, 0, 120)))
        .containsExactly(ActionType.SCALE_DOWN);
  }

  @Test
  @DisplayName("above soft only, any seed limit warns (the seed's soft_limit action)")
  void softWarns() {
    EscalationState state = new EscalationState("hv", Resource.MEMORY);
    assertThat(applied(feed(state, limit("heavy_computation_agent", "memory"), 0, 0, 1.5e9))).containsExactly(ActionType.WARN);
  }
}
