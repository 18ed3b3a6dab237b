package io.agentgovernor.analytics.replay;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class ReplayCausalityTest {

  static EntitySeries truncate(EntitySeries e, int n, double futureScale) {
    double[][] usage = new double[e.usage().length][];
    for (int r = 0; r < usage.length; r++) {
      if (e.usage()[r] != null) {
        usage[r] = Arrays.copyOf(e.usage()[r], e.size());
        for (int k = n; k < e.size(); k++) {
          usage[r][k] *= futureScale;
        }
        usage[r] = futureScale == 0 ? Arrays.copyOf(usage[r], n) : usage[r];
      }
    }
    int size = futureScale == 0 ? n : e.size();
    return new EntitySeries(e.id(), Arrays.copyOf(e.times(), size), usage, Arrays.copyOf(e.rowIndex(), size));
  }

  @ParameterizedTest
  @EnumSource(RecommenderKind.class)
  @DisplayName("a limit never depends on later rows: truncating or changing the future leaves earlier limits unchanged")
  void causal(RecommenderKind kind) throws Exception {
    Trace trace = TraceFixtures.read(TraceFixtures.trace(4, TraceFixtures::wavy, i -> 1e9 * TraceFixtures.wavy(i), "a"));
    Map<String, Capacity> capacity = TraceFixtures.readCapacity(TraceFixtures.capacity(8, 16e9, "a"));
    EntitySeries full = trace.entities().get(0);
    for (ReplayResource resource : ReplayResource.values()) {
      double[] all = ReplayEngine.replay(full, resource, kind.create(resource, capacity.get("a"))).inForce();
      for (int cut : new int[] {1, 100, 500, 700}) {
        double[] truncated = ReplayEngine.replay(truncate(full, cut, 0), resource,
            kind.create(resource, capacity.get("a"))).inForce();
        double[] changed = ReplayEngine.replay(truncate(full, cut, 5), resource,
            kind.create(resource, capacity.get("a"))).inForce();
        assertThat(truncated).as("%s %s cut at %d", kind, resource, cut).containsExactly(Arrays.copyOf(all, cut));
        // The sample at the cut itself may be changed too: its own limit must not see it.
        assertThat(Arrays.copyOf(changed, cut + 1)).containsExactly(Arrays.copyOf(all, cut + 1));
      }
    }
  }
}
