package io.agentgovernor.quota;

import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The compliance check on a cached quota ({@link QuotaIndex#check}) next to its floor: a bare
 * {@code ConcurrentHashMap} lookup plus five comparisons, in the same run. 10,000 agents, each
 * checked in turn, all complying (the common case). Target: the check costs at most 2× the floor.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xmx1g"})
public class ComplianceBenchmark {

  private static final int AGENTS = 10_000;

  private final QuotaIndex index = new QuotaIndex();
  private final Map<String, double[]> bare = new ConcurrentHashMap<>();
  private String[] ids;
  private double[] usage;
  private int next;

  @Setup
  public void setUp() {
    QuotaGroup group = QuotaGroup.fromJson(new JsonObject("""
        {"name": "g", "defaultLimits": {
          "memory": {"soft": 100, "hard": 200}, "cpu": {"soft": 100, "hard": 200},
          "processes": {"soft": 100, "hard": 200}, "network": {"soft": 100, "hard": 200},
          "message_queue": {"soft": 100, "hard": 200}}}"""));
    ids = new String[AGENTS];
    for (int i = 0; i < AGENTS; i++) {
      ids[i] = "agent-" + i;
      index.apply(Quota.fromGroup(ids[i], group, null, null, false, 0));
      bare.put(ids[i], new double[] {100, 100, 100, 0, 0, 100, 100});
    }
    usage = new double[] {50, 50, 50, 0, 0, 50, 50};
  }

  private String nextId() {
    int i = next + 1;
    next = i == AGENTS ? 0 : i;
    return ids[next];
  }

  /** The floor: find the agent's soft limits and compare five resources. */
  @Benchmark
  public boolean bareLookupAndFiveCompares() {
    double[] soft = bare.get(nextId());
    return usage[0] > soft[0] | usage[1] > soft[1] | usage[2] > soft[2] | usage[5] > soft[5] | usage[6] > soft[6];
  }

  /** The governor's hot path: the compliance check of one sample against the node's index. */
  @Benchmark
  public List<Violation> complianceCheck() {
    return index.check(nextId(), usage, null);
  }
}
