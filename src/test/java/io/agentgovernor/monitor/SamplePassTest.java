package io.agentgovernor.monitor;

import static org.assertj.core.api.Assertions.assertThat;

import io.agentgovernor.quota.CompiledQuota;
import io.agentgovernor.quota.Limit;
import io.agentgovernor.quota.Quota;
import io.agentgovernor.quota.QuotaIndex;
import io.agentgovernor.quota.Resource;
import io.agentgovernor.quota.Violation;
import io.agentgovernor.quota.ViolationKind;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The columnar pass on its own: slots filled directly (no runtime), a real {@link QuotaIndex},
 * time passed in. What it must keep from the per-sample path it replaced: the same violations as
 * {@link CompiledQuota#check}, the same event spacing, history and alerts.
 */
class SamplePassTest {

  private static final int R = Resource.BUILT_IN_COUNT;
  private static final int MEMORY = Resource.MEMORY.index();
  private static final int CPU = Resource.CPU.index();

  private final QuotaIndex quotas = new QuotaIndex();
  private final AlertPolicy alertPolicy = AlertPolicy.fromJson(null);
  private final SampleStore store = new SampleStore(null, quotas, alertPolicy);
  private final List<String> events = new ArrayList<>();
  private final SamplePass pass = new SamplePass(store, alertPolicy, new SamplePass.Sink() {
    @Override
    public void alert(String agentId, String resource, AlertPolicy.Level level, double current, double limit, long now) {
      events.add("alert " + agentId + " " + resource + " " + level + " " + current + "/" + limit + " @" + now);
    }

    @Override
    public void violation(String agentId, Violation v, long now) {
      events.add("violation " + agentId + " " + v.resource().name() + " " + v.kind() + " " + v.current() + " @" + now);
    }
  });

  private void quota(String agentId, long version, Map<String, Limit> limits) {
    quotas.apply(new Quota(agentId, "g", 3, limits, false, 1, 1, version));
  }

  private static double[][] columns(double[]... rows) {
    double[][] cols = new double[R][rows.length];
    for (int i = 0; i < rows.length; i++) {
      for (int r = 0; r < R; r++) {
        cols[r][i] = rows[i][r];
      }
    }
    return cols;
  }

  private static double[] usage(double memory, double cpu) {
    double[] u = new double[R];
    u[MEMORY] = memory;
    u[CPU] = cpu;
    return u;
  }

  private SampleBatch run(long now, double[]... rows) {
    store.refresh();
    return pass.run("n1", now, 0, 1000, columns(rows), null);
  }

  @Test
  @DisplayName("a compliant agent under its alert thresholds: no event, no violation, its usage in the batch and its history")
  void compliantAgentIsQuiet() {
    quota("a", 1, Map.of("cpu", Limit.of(50, 100)));
    store.add(null, "a", "g");
    SampleBatch batch = run(1_000, usage(10, 20));
    assertThat(events).isEmpty();
    assertThat(batch.size()).isEqualTo(1);
    assertThat(batch.agentId(0)).isEqualTo("a");
    assertThat(batch.priority(0)).isEqualTo(3);
    assertThat(batch.violations(0)).isEmpty();
    assertThat(batch.get(0, Resource.CPU)).isEqualTo(20);
    assertThat(batch.sample(0).usage()).containsExactly(usage(10, 20));
    assertThat(store.history.raw(0, Resource.CPU)[1]).containsExactly(20);
  }

  @Test
  @DisplayName("over a limit: a violation event at once, then at most one per 10 s while it lasts, at once on a change of kind")
  void violationEventsAreSpaced() {
    quota("a", 1, Map.of("cpu", Limit.of(50, 100, 150, 60_000)));
    store.add(null, "a", "g");
    run(0, usage(0, 60));
    run(5_000, usage(0, 60));
    run(6_000, usage(0, 120));
    run(10_000, usage(0, 70));
    run(16_000, usage(0, 120));
    assertThat(events).filteredOn(e -> e.startsWith("violation")).containsExactly(
        "violation a cpu SOFT 60.0 @0",
        "violation a cpu HARD 120.0 @6000",
        "violation a cpu SOFT 70.0 @10000",
        "violation a cpu HARD 120.0 @16000");
  }

  @Test
  @DisplayName("alerts at warning (0.8 x hard) and critical (1.0 x hard), each level at most once per alert interval")
  void alertsFollowThePolicy() {
    quota("a", 1, Map.of("memory", Limit.of(900, 1000)));
    store.add(null, "a", "g");
    run(0, usage(850, 0));
    run(1_000, usage(850, 0));
    run(2_000, usage(1000, 0));
    run(61_000, usage(850, 0));
    assertThat(events).filteredOn(e -> e.startsWith("alert")).containsExactly(
        "alert a memory WARNING 850.0/1000.0 @0",
        "alert a memory CRITICAL 1000.0/1000.0 @2000",
        "alert a memory WARNING 850.0/1000.0 @61000");
  }

  @Test
  @DisplayName("a quota changed in the index is checked from the next pass on")
  void quotaChangeIsPickedUp() {
    quota("a", 1, Map.of("cpu", Limit.of(50, 100)));
    store.add(null, "a", "g");
    assertThat(run(0, usage(0, 40)).violations(0)).isEmpty();
    quota("a", 2, Map.of("cpu", Limit.of(30, 100)));
    assertThat(run(1_000, usage(0, 40)).violations(0)).extracting(Violation::kind).containsExactly(ViolationKind.SOFT);
    quotas.remove("a");
    assertThat(run(2_000, usage(0, 400)).violations(0)).isEmpty();
  }

  @Test
  @DisplayName("freeing a slot moves the last agent into it with its history and event spacing")
  void freeKeepsSlotsDenseAndStateWithTheAgent() {
    quota("c", 1, Map.of("cpu", Limit.of(50, 100)));
    store.add(null, "a", "g");
    store.add(null, "b", "g");
    store.add(null, "c", "g");
    run(0, usage(1, 1), usage(2, 2), usage(3, 60));
    store.free(0);
    assertThat(store.count).isEqualTo(2);
    assertThat(store.ids[0]).isEqualTo("c");
    assertThat(store.slots[0].index).isZero();
    SampleBatch batch = run(5_000, usage(3, 60), usage(2, 2));
    assertThat(batch.agentId(0)).isEqualTo("c");
    assertThat(batch.agentId(1)).isEqualTo("b");
    assertThat(batch.violations(0)).hasSize(1);
    // c's violation was told at 0; 5 s later it is still spaced, so the spacing moved with it
    assertThat(events).containsExactly("violation c cpu SOFT 60.0 @0");
    assertThat(store.history.raw(0, Resource.CPU)[1]).containsExactly(60, 60);
    assertThat(store.history.raw(1, Resource.MEMORY)[1]).containsExactly(2, 2);
  }

  @Test
  @DisplayName("the pass finds exactly what CompiledQuota.check finds, for random usage around the limits (NaN and infinities included)")
  void sameViolationsAsTheQuotaCheck() {
    Random random = new Random(42);
    int agents = 300;
    for (int i = 0; i < agents; i++) {
      Map<String, Limit> limits = new LinkedHashMap<>();
      for (Resource r : Resource.BUILT_IN) {
        if (random.nextInt(3) > 0) {
          double soft = random.nextInt(100);
          limits.put(r.name(), Limit.of(soft, soft + random.nextInt(50), soft + 60, 1000));
        }
      }
      quota("q" + i, 1, limits);
      store.add(null, "q" + i, "g");
    }
    double[] special = {Double.NaN, Double.POSITIVE_INFINITY, 0, -1};
    for (int round = 0; round < 20; round++) {
      double[][] rows = new double[agents][R];
      for (double[] row : rows) {
        for (int r = 0; r < R; r++) {
          row[r] = random.nextInt(20) == 0 ? special[random.nextInt(special.length)] : random.nextInt(200);
        }
      }
      SampleBatch batch = run(round * 1000L, rows);
      for (int i = 0; i < agents; i++) {
        List<Violation> expected = quotas.get("q" + i).check(rows[i], Map.of());
        assertThat(batch.violations(i)).as("agent %d round %d", i, round).isEqualTo(expected);
        assertThat(batch.sample(i).usage()).containsExactly(rows[i]);
      }
    }
  }
}
