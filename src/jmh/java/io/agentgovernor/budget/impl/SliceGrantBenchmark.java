package io.agentgovernor.budget.impl;

import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;
import io.agentgovernor.budget.Budget;
import io.agentgovernor.budget.BudgetConfig;
import io.agentgovernor.cluster.ClusterSetup;
import io.agentgovernor.config.ConfigLoader;
import io.vertx.core.json.JsonObject;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * A local grant while the node holds a slice — {@link BudgetLedger#reserve} on its fast path (the
 * enclosing budgets found in the index, one compare-and-set per budget, an id, the reservation
 * kept) followed by its {@code settle} (the commit) — next to the floor, a bare
 * {@code AtomicLong.incrementAndGet()}, in the same run. The budget lives in a real Hazelcast
 * member on loopback; the slice is leased once in the setup (10-minute lease, half of an amount
 * that never runs out), so the measured path makes no network call, as on a node holding a slice.
 * Two budgets enclose the agent (its group's and the cluster's). Targets: ≥ 200,000 grants/s,
 * p99 ≤ 50 µs. Run: {@code java -jar target/benchmarks.jar SliceGrantBenchmark} (sample mode: p50,
 * p99 in ns) and with {@code -bm thrpt -tu s} for grants per second.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xmx1g", "-Djava.util.concurrent.ForkJoinPool.common.parallelism=4"})
public class SliceGrantBenchmark {

  private HazelcastInstance hz;
  private ExecutorService pool;
  private BudgetLedger ledger;
  private final AtomicLong bare = new AtomicLong();

  @Setup
  public void setUp() throws Exception {
    int port = 20_000 + new java.util.Random().nextInt(1200) * 10;
    hz = Hazelcast.newHazelcastInstance(ClusterSetup.hazelcastConfig(ConfigLoader.load(List.of("--cluster-name",
        "bench-" + UUID.randomUUID(), "--cluster-port", String.valueOf(port), "--node-id", "bench"), Map.of())));
    IMap<String, String> map = hz.getMap(BudgetStore.MAP);
    BudgetIndex index = new BudgetIndex(Map.of());
    BudgetStore store = new BudgetStore(map, index, Clock.systemUTC());
    long amount = Long.MAX_VALUE / 8;
    store.create(Budget.fromJson(new JsonObject().put("id", "group").put("resource", "llm_tokens").put("amount", amount)
        .put("window", "lifetime").put("scope", "group").put("target", "g")));
    store.create(Budget.fromJson(new JsonObject().put("id", "all").put("resource", "llm_tokens").put("amount", amount)
        .put("window", "lifetime").put("scope", "cluster")));
    BudgetConfig config = BudgetConfig.fromJson(new JsonObject().put("sliceFraction", 0.5).put("sliceLeaseMs", 600_000));
    pool = Executors.newFixedThreadPool(2);
    ledger = new BudgetLedger("bench", map, index, Clock.systemUTC(), pool, config, new BudgetLedger.Listener() {
      @Override
      public void crossed(String budgetId, String level, JsonObject figures) {
      }

      @Override
      public void wanted(String budgetId) {
      }
    });
    JsonObject first = ledger.reserve("a", "g", 1, "llm_tokens", 1, 600_000).get(10, TimeUnit.SECONDS);
    ledger.settle(first.getString("id"), 1);
  }

  @TearDown
  public void tearDown() {
    pool.shutdownNow();
    hz.getLifecycleService().terminate();
  }

  @Benchmark
  public long bareCounter() {
    return bare.incrementAndGet();
  }

  @Benchmark
  public JsonObject grantAndCommitFromSlice() {
    JsonObject r = ledger.reserve("a", "g", 1, "llm_tokens", 1, 600_000).join();
    return ledger.settle(r.getString("id"), 1);
  }
}
