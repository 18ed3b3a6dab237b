package io.agentgovernor.properties;

import static org.assertj.core.api.Assertions.assertThat;

import io.agentgovernor.degradation.policy.DegradationPlan;
import io.agentgovernor.bus.DegradationStrategy;
import io.agentgovernor.degradation.policy.PressureLevel;
import io.agentgovernor.degradation.policy.RecoveryConfig;
import io.agentgovernor.degradation.policy.RecoveryEvent;
import io.agentgovernor.degradation.policy.RecoveryPlan;
import io.agentgovernor.degradation.policy.RecoveryPlanner;
import io.agentgovernor.degradation.policy.StrategyStep;
import io.agentgovernor.quota.Resource;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Label;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * {@link RecoveryPlan}: strategies come off in reverse order of introduction, a rollback re-applies
 * exactly the strategy removed last, and the strategies in force are always a prefix of the
 * degradation's list.
 */
class RecoveryPropertiesTest {

  record Sample(long dtMs, double usage) { }

  @Property(tries = 300)
  @Label("stages remove strategies last-first; a rollback re-applies exactly the last removed one")
  void stagesAndRollbacks(@ForAll("strategies") List<DegradationStrategy> strategies, @ForAll("samples") List<Sample> samples) {
    List<StrategyStep> steps = strategies.stream().map(s -> new StrategyStep(s, null)).toList();
    DegradationPlan degraded = new DegradationPlan("a", Resource.CPU, PressureLevel.MODERATE, steps, 0.2, 100, 0, 60_000);
    RecoveryPlan plan = new RecoveryPlanner(RecoveryConfig.custom().usageFraction(0.8).violationHoldMs(2_000)
        .stageIntervalMs(1_000).build()).plan(degraded, 100, 0);
    // The model: strategies in force (a stack, last introduced on top) and those removed.
    Deque<String> inForce = new ArrayDeque<>();
    strategies.forEach(s -> inForce.push(s.wireName()));
    Deque<String> removed = new ArrayDeque<>();
    long now = 0;
    for (Sample s : samples) {
      now += s.dtMs();
      for (RecoveryEvent e : plan.update(now, s.usage())) {
        if (e instanceof RecoveryEvent.StageCompleted stage) {
          assertThat(stage.strategy()).as("the last strategy introduced goes first").isEqualTo(inForce.peek());
          removed.push(inForce.pop());
        } else if (e instanceof RecoveryEvent.RolledBack back) {
          assertThat(back.strategy()).as("a rollback re-applies the strategy removed last").isEqualTo(removed.peek());
          inForce.push(removed.pop());
        } else if (e instanceof RecoveryEvent.RecoveryCompleted) {
          assertThat(inForce).isEmpty();
        }
      }
      List<String> model = new ArrayList<>(inForce);
      java.util.Collections.reverse(model);
      assertThat(plan.activeStrategies().stream().map(x -> x.strategy().wireName()).toList()).isEqualTo(model);
      assertThat(model).isEqualTo(strategies.subList(0, model.size()).stream().map(DegradationStrategy::wireName).toList());
    }
  }

  @Provide
  Arbitrary<List<DegradationStrategy>> strategies() {
    return Arbitraries.of(DegradationStrategy.class).list().ofMinSize(0).ofMaxSize(5).uniqueElements();
  }

  @Provide
  Arbitrary<List<Sample>> samples() {
    return Combinators.combine(Arbitraries.longs().between(0, 3_000),
            Arbitraries.oneOf(Arbitraries.doubles().between(0, 79), Arbitraries.doubles().between(79, 130)))
        .as(Sample::new).list().ofMaxSize(100);
  }
}
