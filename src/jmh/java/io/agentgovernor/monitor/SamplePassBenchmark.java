package io.agentgovernor.monitor;

import io.agentgovernor.quota.Limit;
import io.agentgovernor.quota.Quota;
import io.agentgovernor.quota.QuotaIndex;
import io.agentgovernor.quota.Resource;
import io.agentgovernor.quota.Violation;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * The monitor's per-sample path over the columns, one interval of {@code agents} samples per
 * invocation, beside a bare loop over the same columns (the ceiling), in the same run.
 *
 * <p>{@code pass}: {@link SamplePass#run} as the monitor calls it: each usage column compared with
 * the slots' cached gates (soft limit or alert threshold, the quota consulted past one), the
 * totals, the history ({@link UsageHistory}, four resources in use per agent, so its columns are
 * written every pass and its rollups folded every 10 s), and the {@link SampleBatch}.
 * The clock moves 1 s per interval, so the 10 s and 5 min rollups roll over as they would.
 * {@code bare}: a loop over the same eight columns that compares each value against the slot's
 * soft limit and sums the totals: what any per-sample path must at least do.
 * {@code violating}: percent of agents over their cpu soft limit every interval (violation
 * events are built and spaced as in the monitor; the sink consumes them).
 *
 * <p>Left out, as in the monitor's own figures: the sampler (reading the agents' counters) and the
 * event-bus sends. Score unit: samples per second (one operation = one sample).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xmx2g"})
public class SamplePassBenchmark {

  private static final int R = Resource.BUILT_IN_COUNT;

  /** Agents per interval (an annotation constant: JMH counts one operation per sample). */
  static final int AGENTS = 100_000;
  private final int agents = AGENTS;

  @Param({"0", "1"})
  public int violating;

  private SamplePass pass;
  private SampleStore store;
  private double[][] columns;
  private double[] soft;
  private long now = 1_000_000;
  private Blackhole sinkHole;

  @Setup
  public void setUp(Blackhole bh) {
    sinkHole = bh;
    QuotaIndex quotas = new QuotaIndex();
    AlertPolicy alerts = AlertPolicy.fromJson(null);
    store = new SampleStore(null, quotas, alerts);
    pass = new SamplePass(store, alerts, new SamplePass.Sink() {
      @Override
      public void alert(String agentId, String resource, AlertPolicy.Level level, double current, double limit, long at) {
        sinkHole.consume(level);
      }

      @Override
      public void violation(String agentId, Violation v, long at) {
        sinkHole.consume(v);
      }
    });
    Random random = new Random(7);
    columns = new double[R][agents];
    soft = new double[agents * R];
    java.util.Arrays.fill(soft, Double.POSITIVE_INFINITY);
    int violators = agents * violating / 100;
    for (int i = 0; i < agents; i++) {
      String id = "agent-" + i;
      Map<String, Limit> limits = new LinkedHashMap<>();
      limits.put("memory", Limit.of(64e6, 128e6));
      limits.put("cpu", Limit.of(50, 100));
      limits.put("network", Limit.of(1e6, 2e6));
      limits.put("message_queue", Limit.of(1000, 5000));
      quotas.apply(new Quota(id, "standard_agent", 5, limits, false, 1, 1, 1));
      store.add(null, id, i % 3 == 0 ? "lightweight_agent" : "standard_agent");
      columns[Resource.MEMORY.index()][i] = 1e6 + random.nextInt(1_000_000);
      columns[Resource.CPU.index()][i] = i < violators ? 60 : random.nextDouble() * 5;
      columns[Resource.NETWORK.index()][i] = random.nextInt(10_000);
      columns[Resource.MESSAGE_QUEUE.index()][i] = random.nextInt(3);
      soft[i * R + Resource.MEMORY.index()] = 64e6;
      soft[i * R + Resource.CPU.index()] = 50;
      soft[i * R + Resource.NETWORK.index()] = 1e6;
      soft[i * R + Resource.MESSAGE_QUEUE.index()] = 1000;
    }
    store.refresh();
  }

  /** One interval through the monitor's pass. */
  @Benchmark
  @OperationsPerInvocation(AGENTS)
  public SampleBatch pass() {
    now += 1000;
    return pass.run("n1", now, now, 1000, columns, null);
  }

  /** The ceiling: compare every value with its soft limit and sum the totals, nothing else. */
  @Benchmark
  @OperationsPerInvocation(AGENTS)
  public int bare(Blackhole bh) {
    double[] totals = new double[R];
    int over = 0;
    for (int i = 0; i < agents; i++) {
      int base = i * R;
      for (int r = 0; r < R; r++) {
        double v = columns[r][i];
        if (v > soft[base + r]) {
          over++;
        }
        totals[r] += v;
      }
    }
    bh.consume(totals);
    return over;
  }
}
