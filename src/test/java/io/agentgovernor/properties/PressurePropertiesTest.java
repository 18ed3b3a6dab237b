package io.agentgovernor.properties;

import static org.assertj.core.api.Assertions.assertThat;

import io.agentgovernor.degradation.policy.LevelTransition;
import io.agentgovernor.degradation.policy.PressureConfig;
import io.agentgovernor.degradation.policy.PressureLevel;
import io.agentgovernor.degradation.policy.PressureStateMachine;
import java.util.List;
import java.util.Optional;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Label;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * {@link PressureStateMachine}: up at once to exactly the deepest level the pressure exceeds;
 * down one level at a time, only after the pressure stayed under the level's threshold minus
 * the margin for the hold, so no two transitions down (and no down after an up) come closer than
 * the hold.
 */
class PressurePropertiesTest {

  private static final PressureConfig CONFIG = PressureConfig.ofDefaults();

  record Sample(long dtMs, double pressure) { }

  @Property(tries = 300)
  @Label("up to exactly the indicated level, down one level per hold, never flapping faster than the hold")
  void transitions(@ForAll("samples") List<Sample> samples) {
    PressureStateMachine m = new PressureStateMachine("k", CONFIG);
    long now = 0;
    long lastTransition = Long.MIN_VALUE / 2;
    for (Sample s : samples) {
      now += s.dtMs();
      PressureLevel before = m.level();
      PressureLevel indicated = CONFIG.thresholds().levelFor(s.pressure());
      Optional<LevelTransition> t = m.update(now, s.pressure());
      if (indicated.ordinal() > before.ordinal()) {
        assertThat(t).as("an up move to the indicated level").isPresent();
        assertThat(t.get().to()).isEqualTo(indicated);
        lastTransition = now;
      } else if (t.isPresent()) {
        assertThat(t.get().isUp()).isFalse();
        assertThat(t.get().to().ordinal()).as("down one level at a time").isEqualTo(before.ordinal() - 1);
        assertThat(s.pressure()).isLessThan(CONFIG.thresholds().of(before) - CONFIG.margin());
        assertThat(now - lastTransition).as("down moves at least the hold apart").isGreaterThanOrEqualTo(CONFIG.downHoldMs());
        lastTransition = now;
      }
      assertThat(m.level().ordinal()).isGreaterThanOrEqualTo(indicated.ordinal());
    }
  }

  @Provide
  Arbitrary<List<Sample>> samples() {
    return Combinators.combine(Arbitraries.longs().between(0, 20_000), Arbitraries.doubles().between(0, 2.0))
        .as(Sample::new).list().ofMinSize(1).ofMaxSize(150);
  }
}
