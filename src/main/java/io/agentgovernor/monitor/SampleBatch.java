package io.agentgovernor.monitor;

import io.agentgovernor.bus.Json;
import io.agentgovernor.quota.CompiledQuota;
import io.agentgovernor.quota.Resource;
import io.agentgovernor.quota.Violation;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.MessageCodec;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

/**
 * All samples one node took in one interval, published on the node-local address
 * {@link MonitorVerticle#SAMPLES} to the parts that act on them (enforcement, degradation,
 * analytics). Passed by reference: it never leaves the JVM.
 *
 * <p>Columnar: sample {@code i} ({@code 0 <= i < size()}) is read through the indexed accessors,
 * without an object per sample; {@link #sample(int)} and {@link #samples()} build
 * {@link AgentSample} rows for code that wants them. Immutable once published (the monitor writes
 * new columns every interval), so any thread may read it.
 *
 * @see #takenNanos()
 */
public final class SampleBatch {

  private final String node;
  private final long time;
  private final long takenNanos;
  private final long intervalMs;
  private final int size;
  private final String[] agentIds;
  private final String[] groups;
  private final int[] priorities;
  /** The compiled quota each sample was checked against (null: none; the whole column null in batches made by {@link #of}). */
  private final CompiledQuota[] quotas;
  /** {@code usage[resource index][sample]}. */
  private final double[][] usage;
  /** Null when no sample has custom usage; else null entries for those without. */
  private final Map<String, Double>[] custom;
  /** Null when every sample complies; else null entries for those that comply. */
  private final List<Violation>[] violations;
  private volatile List<AgentSample> rows;

  SampleBatch(String node, long time, long takenNanos, long intervalMs, int size, String[] agentIds, String[] groups,
              int[] priorities, CompiledQuota[] quotas, double[][] usage, Map<String, Double>[] custom,
              List<Violation>[] violations) {
    this.node = node;
    this.time = time;
    this.takenNanos = takenNanos;
    this.intervalMs = intervalMs;
    this.size = size;
    this.agentIds = agentIds;
    this.groups = groups;
    this.priorities = priorities;
    this.quotas = quotas;
    this.usage = usage;
    this.custom = custom;
    this.violations = violations;
  }

  /** A batch of these samples, in this order (tests and benchmarks; the monitor fills columns directly). */
  @SuppressWarnings("unchecked")
  public static SampleBatch of(String node, long time, long takenNanos, long intervalMs, List<AgentSample> samples) {
    int n = samples.size();
    String[] ids = new String[n];
    String[] groups = new String[n];
    int[] priorities = new int[n];
    double[][] usage = new double[Resource.BUILT_IN_COUNT][n];
    Map<String, Double>[] custom = new Map[n];
    List<Violation>[] violations = new List[n];
    for (int i = 0; i < n; i++) {
      AgentSample s = samples.get(i);
      ids[i] = s.agentId();
      groups[i] = s.group();
      priorities[i] = s.priority();
      for (int r = 0; r < Resource.BUILT_IN_COUNT && r < s.usage().length; r++) {
        usage[r][i] = s.usage()[r];
      }
      custom[i] = s.custom();
      violations[i] = s.violations();
    }
    return new SampleBatch(node, time, takenNanos, intervalMs, n, ids, groups, priorities, null, usage, custom, violations);
  }

  public String node() {
    return node;
  }

  public long time() {
    return time;
  }

  /** {@code System.nanoTime()} when sampling began: where breach-to-action latency starts. */
  public long takenNanos() {
    return takenNanos;
  }

  public long intervalMs() {
    return intervalMs;
  }

  public int size() {
    return size;
  }

  public String agentId(int i) {
    return agentIds[check(i)];
  }

  public String group(int i) {
    return groups[check(i)];
  }

  public int priority(int i) {
    return priorities[check(i)];
  }

  /** Usage of a built-in resource by its {@link Resource#index()}. */
  /**
   * The compiled quota sample {@code i} was checked against, or null (the agent had none, or the
   * batch was made by {@link #of}): the parts acting on a batch read it here, not from the index.
   */
  public CompiledQuota quota(int i) {
    return quotas == null ? null : quotas[check(i)];
  }

  public double usage(int i, int resourceIndex) {
    return usage[resourceIndex][check(i)];
  }

  /** Usage of any resource (a custom one not reported: 0). */
  public double get(int i, Resource resource) {
    return resource.isCustom() ? custom(i).getOrDefault(resource.name(), 0.0) : usage(i, resource.index());
  }

  public Map<String, Double> custom(int i) {
    Map<String, Double> c = custom == null ? null : custom[check(i)];
    return c == null ? Map.of() : c;
  }

  /** The violations found in sample {@code i}; empty (not allocated) while it complies. */
  public List<Violation> violations(int i) {
    List<Violation> v = violations == null ? null : violations[check(i)];
    return v == null ? List.of() : v;
  }

  /** {@code {resource: amount}} of sample {@code i}, as {@link AgentSample#usageJson()} gives it. */
  public JsonObject usageJson(int i) {
    JsonObject json = new JsonObject();
    for (Resource r : Resource.BUILT_IN) {
      json.put(r.name(), Json.num(AgentSample.round(usage[r.index()][check(i)])));
    }
    custom(i).forEach((name, v) -> json.put(name, Json.num(AgentSample.round(v))));
    return json;
  }

  /** Sample {@code i} as a row (a new object). */
  public AgentSample sample(int i) {
    double[] row = new double[Resource.BUILT_IN_COUNT];
    for (int r = 0; r < row.length; r++) {
      row[r] = usage[r][check(i)];
    }
    return new AgentSample(agentIds[i], groups[i], priorities[i], time, row, custom(i), violations(i));
  }

  /** Every sample as a row, built on first call and shared after (prefer the indexed accessors). */
  public List<AgentSample> samples() {
    List<AgentSample> out = rows;
    if (out == null) {
      synchronized (this) {
        out = rows;
        if (out == null) {
          List<AgentSample> built = new ArrayList<>(size);
          for (int i = 0; i < size; i++) {
            built.add(sample(i));
          }
          out = Collections.unmodifiableList(built);
          rows = out;
        }
      }
    }
    return out;
  }

  private int check(int i) {
    if (i < 0 || i >= size) {
      throw new IndexOutOfBoundsException("sample " + i + " of " + size);
    }
    return i;
  }

  /** The codec that lets the batch travel the local event bus as a plain object. */
  public static final class LocalCodec implements MessageCodec<SampleBatch, SampleBatch> {
    public static final String NAME = "governor-sample-batch";

    @Override
    public void encodeToWire(Buffer buffer, SampleBatch batch) {
      throw new UnsupportedOperationException("sample batches are node-local");
    }

    @Override
    public SampleBatch decodeFromWire(int pos, Buffer buffer) {
      throw new UnsupportedOperationException("sample batches are node-local");
    }

    @Override
    public SampleBatch transform(SampleBatch batch) {
      return batch;
    }

    @Override
    public String name() {
      return NAME;
    }

    @Override
    public byte systemCodecID() {
      return -1;
    }
  }
}
