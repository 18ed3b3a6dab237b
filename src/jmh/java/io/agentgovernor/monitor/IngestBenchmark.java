package io.agentgovernor.monitor;

import io.agentgovernor.bus.Json;
import io.agentgovernor.quota.CompiledQuota;
import io.agentgovernor.quota.Limit;
import io.agentgovernor.quota.Quota;
import io.agentgovernor.quota.QuotaGroup;
import io.agentgovernor.quota.QuotaIndex;
import io.agentgovernor.quota.Resource;
import io.agentgovernor.quota.Violation;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * Ingest: usage samples checked per second on one node, through what the monitor's per-sample
 * {@code check} did with each sample before the columnar {@link SamplePass} replaced it (the
 * monitor now runs {@code SamplePass}, measured by {@code SamplePassBenchmark}; this one is kept as
 * the baseline it replaced), against the ceiling of a bare loop over the same samples that only
 * compares them with cached limits. One benchmark operation = one sample.
 *
 * <p>The whole path, per sample, with the monitor's own classes and in its order: the agent's
 * {@link CompiledQuota} from the node's {@link QuotaIndex}; {@link CompiledQuota#check} (the
 * violations, allocated only when there are some); a new {@link AgentSample}; the latest-sample
 * map; the sample into the interval's columns of the node's {@link UsageHistory} (recorded whole when the interval ends); the {@link AlertPolicy} for every limit (and an alert
 * event built when one fires); for each violation, the monitor's 10 s per agent and resource
 * spacing, and the violation event built as {@code publishEvent} builds it; the sample appended to
 * the interval's list, which becomes a {@link SampleBatch} every {@code agents} samples. Left out:
 * the {@code Sampler} (reading the agents' counters, the per-thread CPU clock, memory walks),
 * and the event-bus sends themselves (local publish of the batch and events: 2.6–3.6 M msg/s here,
 * see PLATFORM.md) and what their consumers (enforcement, analytics, feed) then do.
 *
 * <p>{@code violating}: the share of agents over a soft limit on cpu (0 = the common case; 100 = a
 * storm in which every sample carries a violation).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xmx1g"})
public class IngestBenchmark {

  private static final long VIOLATION_EVENT_SPACING_MS = 10_000;

  @Param({"10000"})
  int agents;

  @Param({"0", "100"})
  int violating;

  private final QuotaIndex index = new QuotaIndex();
  private final Map<String, double[]> bareLimits = new HashMap<>();
  private final Map<String, AgentSample> latest = new HashMap<>();
  /** The node's history; each sample is copied into the interval's columns, recorded when the interval ends. */
  private final UsageHistory history = new UsageHistory();
  private double[][] columns;
  private final Map<String, Object[]> lastViolationEvent = new HashMap<>();
  private final AlertPolicy alerts = AlertPolicy.fromJson(null);
  private String[] ids;
  private double[][] usage;
  private List<AgentSample> interval;
  private int next;
  private long now = 1_700_000_000_000L;

  @Setup
  public void setUp() {
    QuotaGroup group = QuotaGroup.fromJson(new JsonObject("""
        {"name": "g", "defaultLimits": {
          "memory": {"soft": 200000000, "hard": 256000000}, "cpu": {"soft": 40, "hard": 50},
          "processes": {"soft": 8, "hard": 10}, "network": {"soft": 4194304, "hard": 5242880},
          "message_queue": {"soft": 2000, "hard": 5000}}}"""));
    ids = new String[agents];
    usage = new double[agents][];
    for (int i = 0; i < agents; i++) {
      ids[i] = "agent-" + i;
      Quota quota = Quota.fromGroup(ids[i], group, null, null, false, 0);
      index.apply(quota);
      double[] soft = new double[Resource.BUILT_IN_COUNT];
      java.util.Arrays.fill(soft, Double.POSITIVE_INFINITY);
      quota.limits().forEach((name, l) -> soft[Resource.resolve(name, false).index()] = l.soft());
      bareLimits.put(ids[i], soft);
      double[] u = new double[Resource.BUILT_IN_COUNT];
      u[Resource.CPU.index()] = i * 100L < (long) violating * agents ? 45 : 12.5;
      u[Resource.MEMORY.index()] = 50_000_000;
      u[Resource.MESSAGE_QUEUE.index()] = 3;
      usage[i] = u;
    }
    interval = new ArrayList<>(agents);
    columns = new double[Resource.BUILT_IN_COUNT][agents];
    history.grow(agents);
    for (int i = 0; i < agents; i++) {
      history.join(i);
    }
  }

  private int nextAgent() {
    int i = next;
    next = i + 1 == agents ? 0 : i + 1;
    return i;
  }

  /** The ceiling: look up the agent's cached soft limits and compare every built-in resource. */
  @Benchmark
  public int bareCompare() {
    int i = nextAgent();
    double[] u = usage[i];
    double[] soft = bareLimits.get(ids[i]);
    int over = 0;
    for (int r = 0; r < u.length; r++) {
      if (u[r] > soft[r]) {
        over++;
      }
    }
    return over;
  }

  /** The whole per-sample path of the monitor (see the class comment for what it includes). */
  @Benchmark
  public void wholePath(Blackhole bh) {
    int i = nextAgent();
    if (i == 0) {
      now += 1000; // a new interval: the previous one's samples become a batch
      if (!interval.isEmpty()) {
        history.record(now - 1000, columns, agents);
        bh.consume(SampleBatch.of("n1", now, System.nanoTime(), 1000, interval));
        interval = new ArrayList<>(agents);
      }
    }
    String id = ids[i];
    double[] u = usage[i];
    CompiledQuota quota = index.get(id);
    List<Violation> violations = quota == null ? List.of() : quota.check(u, Map.of());
    AgentSample sample = new AgentSample(id, "g", quota == null ? 5 : quota.quota().priority(), now, u, Map.of(), violations);
    latest.put(id, sample);
    for (int r = 0; r < u.length; r++) {
      columns[r][i] = u[r];
    }
    if (quota != null) {
      for (Map.Entry<String, Limit> e : quota.quota().limits().entrySet()) {
        Resource r = Resource.resolve(e.getKey(), e.getValue().custom());
        double current = sample.get(r);
        AlertPolicy.Level level = alerts.check(id, r.name(), current, e.getValue(), now);
        if (level != null) {
          bh.consume(event("alert", id, new JsonObject().put("resource", r.name())
              .put("level", level.name().toLowerCase(java.util.Locale.ROOT)).put("current", Json.num(current))
              .put("limit", Json.num(e.getValue().hard()))));
        }
      }
      for (Violation v : violations) {
        String key = id + '\u0000' + v.resource().name();
        Object[] last = lastViolationEvent.get(key);
        if (last != null && last[0] == v.kind() && now - (long) last[1] < VIOLATION_EVENT_SPACING_MS) {
          continue;
        }
        lastViolationEvent.put(key, new Object[] {v.kind(), now});
        bh.consume(event("violation", id, v.toJson()));
      }
    }
    interval.add(sample);
  }

  /** As {@code MonitorVerticle.publishEvent} builds it (the publish itself left out). */
  private JsonObject event(String type, String agentId, JsonObject fields) {
    return new JsonObject().put("type", type).put("agentId", agentId).put("node", "n1").put("time", now).mergeIn(fields);
  }

  /** The violation path alone, every sample: check + AgentSample + a violation event built for each violation. */
  @Benchmark
  public void checkSampleEvent(Blackhole bh) {
    int i = nextAgent();
    String id = ids[i];
    double[] u = usage[i];
    CompiledQuota quota = index.get(id);
    List<Violation> violations = quota.check(u, Map.of());
    bh.consume(new AgentSample(id, "g", quota.quota().priority(), now, u, Map.of(), violations));
    for (Violation v : violations) {
      bh.consume(event("violation", id, v.toJson()));
    }
  }
}
