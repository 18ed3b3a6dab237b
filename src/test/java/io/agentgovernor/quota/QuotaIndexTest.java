package io.agentgovernor.quota;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class QuotaIndexTest {

  private final QuotaIndex index = new QuotaIndex();

  private static Quota quota(String agentId, String group, double cpuSoft, long version) {
    return new Quota(agentId, group, 3, Map.of("cpu", Limit.of(cpuSoft, cpuSoft * 2)), false, 1, 1, version);
  }

  @Test
  @DisplayName("quotas are held as parsed; only those asked for are compiled, and group totals and lists see all of them")
  void compiledOnlyWhenAskedFor() {
    for (int i = 0; i < 100; i++) {
      index.apply(quota("a" + i, "g", 10, 1));
    }
    assertThat(index.size()).isEqualTo(100);
    assertThat(index.compiledCount()).isZero();
    assertThat(index.promised("g", "cpu", "a0")).isEqualTo(990.0);
    assertThat(index.quotas()).hasSize(100);
    assertThat(index.quota("a7").version()).isEqualTo(1);
    assertThat(index.compiledCount()).isZero();

    CompiledQuota a7 = index.get("a7");
    assertThat(a7.quota()).isSameAs(index.quota("a7"));
    assertThat(index.get("a7")).isSameAs(a7);
    assertThat(index.check("a8", new double[Resource.BUILT_IN_COUNT], null)).isEmpty();
    assertThat(index.compiledCount()).isEqualTo(2);
    assertThat(index.get("nobody")).isNull();
    assertThat(index.compiledCount()).isEqualTo(2);
  }

  @Test
  @DisplayName("a compiled quota follows a newer version and a removal; an older version changes nothing")
  void compiledFollowsChanges() {
    index.apply(quota("a", "g", 10, 2));
    assertThat(index.get("a").quota().version()).isEqualTo(2);

    index.apply(quota("a", "g", 20, 3));
    assertThat(index.get("a").quota().version()).isEqualTo(3);
    assertThat(index.get("a").limit(Resource.CPU).soft()).isEqualTo(20);

    index.apply(quota("a", "g", 5, 1));
    assertThat(index.get("a").quota().version()).isEqualTo(3);

    index.release("a");
    assertThat(index.compiledCount()).isZero();
    assertThat(index.quota("a").version()).isEqualTo(3);
    assertThat(index.get("a").quota().version()).isEqualTo(3);

    index.remove("a");
    assertThat(index.get("a")).isNull();
    assertThat(index.compiledCount()).isZero();
  }

  @Test
  @DisplayName("readers compiling while versions are applied end on the last version, never a stale compiled copy")
  void noStaleCompiledCopyUnderRaces() throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(3);
    try {
      for (int round = 0; round < 200; round++) {
        String id = "r" + round;
        index.apply(quota(id, "g", 1, 1));
        CountDownLatch go = new CountDownLatch(1);
        List<Future<?>> work = new ArrayList<>();
        work.add(pool.submit(() -> {
          go.await();
          for (long v = 2; v <= 50; v++) {
            index.apply(quota(id, "g", v, v));
          }
          return null;
        }));
        for (int r = 0; r < 2; r++) {
          work.add(pool.submit(() -> {
            go.await();
            for (int k = 0; k < 50; k++) {
              assertThat(index.get(id)).isNotNull();
            }
            return null;
          }));
        }
        go.countDown();
        for (Future<?> f : work) {
          f.get(10, TimeUnit.SECONDS);
        }
        assertThat(index.get(id).quota().version()).as(id).isEqualTo(50);
        assertThat(index.get(id).quota()).isSameAs(index.quota(id));
      }
    } finally {
      pool.shutdownNow();
    }
  }

  private static List<String> drained(QuotaIndex.Changes changes, boolean expectEverything) {
    List<String> ids = new ArrayList<>();
    assertThat(changes.drain(ids::add)).isEqualTo(expectEverything);
    return ids;
  }

  @Test
  @DisplayName("a watch names the changed quotas of the agents it follows only; everything at first, after a clear, and past its bound")
  void watchNamesChangedQuotas() {
    QuotaIndex.Changes mine = index.watch(id -> id.startsWith("own"));
    assertThat(drained(mine, true)).isEmpty(); // at first: re-read everything

    index.apply(quota("own-1", "g", 10, 1));
    index.apply(quota("other-1", "g", 10, 1));
    index.apply(quota("own-2", "g", 10, 1));
    index.remove("own-1");
    index.remove("other-1");
    assertThat(drained(mine, false)).containsExactly("own-1", "own-2", "own-1");
    assertThat(drained(mine, false)).isEmpty();

    index.clearQuotas();
    index.apply(quota("own-3", "g", 10, 1));
    assertThat(drained(mine, true)).isEmpty(); // the clear: everything, which covers own-3
    index.apply(quota("own-4", "g", 10, 1));
    assertThat(drained(mine, false)).containsExactly("own-4");

    for (int i = 0; i <= QuotaIndex.Changes.MAX_QUEUED; i++) {
      index.apply(quota("own-" + (i % 100), "g", 10, 2 + i));
    }
    assertThat(drained(mine, true)).isEmpty(); // fell too far behind: everything, the queue dropped
    index.apply(quota("own-5", "g", 10, 1));
    assertThat(drained(mine, false)).containsExactly("own-5");

    mine.close();
    index.apply(quota("own-6", "g", 10, 1));
    assertThat(drained(mine, false)).isEmpty();
  }
}
