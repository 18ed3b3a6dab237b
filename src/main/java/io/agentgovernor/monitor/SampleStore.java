package io.agentgovernor.monitor;

import io.agentgovernor.agent.AgentMeter;
import io.agentgovernor.agent.LocalAgent;
import io.agentgovernor.agent.LocalAgents;
import io.agentgovernor.quota.CompiledQuota;
import io.agentgovernor.quota.Limit;
import io.agentgovernor.quota.QuotaIndex;
import io.agentgovernor.quota.Resource;
import java.util.Arrays;

/**
 * The monitor's per-node state in columns: one dense slot per local agent (slots {@code 0..count-1},
 * the last one moved into a freed slot on undeploy), and per slot primitive arrays for everything
 * the sampler and the compliance pass remember between intervals: the sampler's cursor, the cached
 * compiled quota with its soft limits laid out flat ({@code slot * 8 +
 * resource index}), the spacing of violation and alert events, and the agents' history ({@link UsageHistory}, itself
 * columnar over the slots). An
 * interval then reads and writes arrays in slot order instead of looking anything up by id.
 *
 * <p>The slot set is re-read from {@link LocalAgents} only when its {@link LocalAgents#version()}
 * changed, and a slot's quota from the {@link QuotaIndex} only when that quota changed
 * ({@link QuotaIndex#watch}). A handle
 * finds its slot through its {@link LocalAgent#monitorState()} (a {@link Slot}).
 *
 * <p>Not thread-safe: the monitor's context only.
 */
final class SampleStore {

  static final int R = Resource.BUILT_IN_COUNT;
  /** Events of this kind/level were never sent for this slot and resource. */
  static final long NEVER = Long.MIN_VALUE;

  /** What a handle holds to find its slot; moved with it. */
  static final class Slot {
    final SampleStore store;
    int index;

    Slot(SampleStore store, int index) {
      this.store = store;
      this.index = index;
    }
  }

  private final LocalAgents agents;
  private final QuotaIndex quotaIndex;
  private final AlertPolicy alerts;
  private long agentsVersion = -1;
  /** The quotas of this node's agents that changed since the last refresh. */
  private final QuotaIndex.Changes quotaChanges;

  int count;
  LocalAgent[] handles = new LocalAgent[0];
  /** Each handle's meter, read by the sampler without going through the handle and its context. */
  AgentMeter[] meters = new AgentMeter[0];
  String[] ids = new String[0];
  String[] groups = new String[0];
  Slot[] slots = new Slot[0];

  // the sampler's cursor
  long[] lastBytes = new long[0];
  final MemoryMeter memory = new MemoryMeter();
  Sampler.CustomWindow[] customWindows = new Sampler.CustomWindow[0];

  // the quota, cached until the index changes
  CompiledQuota[] quotas = new CompiledQuota[0];
  int[] priorities = new int[0];
  /** Soft limits, +∞ where none: below all of them (and no custom limit) the agent complies. */
  double[] soft = new double[0];
  /**
   * The lower of the soft limit and where the first alert level starts (warning × hard), +∞
   * where neither, by resource ({@code gate[resource index][slot]}, laid out as the usage columns):
   * below all of them a sample needs nothing but the totals, so a pass compares column with
   * column (the soft limits and the quota only past a gate).
   */
  double[][] gate = new double[R][0];
  boolean[] customLimits = new boolean[0];

  // event spacing: the last violation event's kind (ordinal + 1, 0 none) and time per resource,
  // the last alert per resource and level (slot * 16 + index * 2 + level)
  byte[] violationKind = new byte[0];
  long[] violationAt = new long[0];
  long[] alertedAt = new long[0];

  /** Every slot's usage history, in columns over the slots. */
  final UsageHistory history = new UsageHistory();

  /** The id, group, priority and quota columns as last handed out; copied again only after a change. */
  private String[] idSnapshot = new String[0];
  private String[] groupSnapshot = new String[0];
  private int[] prioritySnapshot = new int[0];
  private CompiledQuota[] quotaSnapshot = new CompiledQuota[0];
  private boolean snapshotStale = true;

  SampleStore(LocalAgents agents, QuotaIndex quotaIndex, AlertPolicy alerts) {
    this.agents = agents;
    this.quotaIndex = quotaIndex;
    this.alerts = alerts;
    this.quotaChanges = quotaIndex.watch(id -> agents == null || agents.get(id) != null);
  }

  /**
   * Brings the slots up to date if the agents changed, and the cached quotas of the agents whose
   * quota changed (a new agent's quota is read as its slot is made; one whose quota comes after
   * was already in {@link LocalAgents}, so the watch has its id).
   */
  void refresh() {
    syncAgents();
    boolean all = quotaChanges.drain(id -> {
      int slot = slotOf(id);
      if (slot >= 0) {
        cacheQuota(slot);
      }
    });
    if (all) {
      for (int i = 0; i < count; i++) {
        cacheQuota(i);
      }
    }
  }

  /** Stops following the quotas (the monitor stopped). */
  void close() {
    quotaChanges.close();
  }

  private void syncAgents() {
    long version = agents == null ? agentsVersion : agents.version();
    if (version == agentsVersion) {
      return;
    }
    agentsVersion = version;
    for (int i = 0; i < count; ) {
      LocalAgent current = agents.get(ids[i]);
      if (current == null) {
        free(i); // the last slot moved into i: look at i again
        continue;
      }
      if (current != handles[i]) {
        // redeployed under the same id: history and event spacing stay, the sampler starts afresh
        handles[i] = current;
        meters[i] = current.meter();
        current.monitorState(slots[i]);
        resetCursor(i);
      }
      i++;
    }
    for (LocalAgent h : agents.all()) {
      if (!(h.monitorState() instanceof Slot s && s.store == this && s.index < count && handles[s.index] == h)) {
        add(h);
      }
    }
  }

  /** A new slot for an agent (the runtime's handle, or null in benchmarks that fill the columns themselves). */
  int add(LocalAgent handle, String id, String group) {
    if (count == ids.length) {
      grow(Math.max(16, count * 2));
    }
    int i = count++;
    handles[i] = handle;
    meters[i] = handle == null ? null : handle.meter();
    ids[i] = id;
    groups[i] = group;
    slots[i] = new Slot(this, i);
    if (handle != null) {
      handle.monitorState(slots[i]);
      resetCursor(i);
    }
    Arrays.fill(violationKind, i * R, (i + 1) * R, (byte) 0);
    Arrays.fill(violationAt, i * R, (i + 1) * R, NEVER);
    Arrays.fill(alertedAt, i * 2 * R, (i + 1) * 2 * R, NEVER);
    history.join(i);
    cacheQuota(i);
    snapshotStale = true;
    return i;
  }

  private void add(LocalAgent h) {
    add(h, h.id(), h.group());
  }

  private void resetCursor(int i) {
    LocalAgent h = handles[i];
    lastBytes[i] = meters[i].bytesIn() + meters[i].bytesOut();
    memory.reset(i);
    customWindows[i] = null;
  }

  /** Frees slot {@code i}: the last slot moves into it, so the slots stay dense. */
  void free(int i) {
    String id = ids[i];
    int last = --count;
    history.leave(i);
    if (i != last) {
      move(last, i);
    }
    handles[last] = null;
    meters[last] = null;
    ids[last] = null;
    groups[last] = null;
    slots[last] = null;
    quotas[last] = null;
    customWindows[last] = null;
    alerts.forget(id);
    quotaIndex.release(id); // the agent left this node: its compiled quota is no longer needed here
    snapshotStale = true;
  }

  private void move(int from, int to) {
    handles[to] = handles[from];
    meters[to] = meters[from];
    ids[to] = ids[from];
    groups[to] = groups[from];
    slots[to] = slots[from];
    slots[to].index = to;
    lastBytes[to] = lastBytes[from];
    memory.move(from, to);
    customWindows[to] = customWindows[from];
    quotas[to] = quotas[from];
    priorities[to] = priorities[from];
    customLimits[to] = customLimits[from];
    System.arraycopy(soft, from * R, soft, to * R, R);
    for (double[] column : gate) {
      column[to] = column[from];
    }
    System.arraycopy(violationKind, from * R, violationKind, to * R, R);
    System.arraycopy(violationAt, from * R, violationAt, to * R, R);
    System.arraycopy(alertedAt, from * 2 * R, alertedAt, to * 2 * R, 2 * R);
    history.move(from, to);
  }

  private void grow(int capacity) {
    handles = Arrays.copyOf(handles, capacity);
    meters = Arrays.copyOf(meters, capacity);
    ids = Arrays.copyOf(ids, capacity);
    groups = Arrays.copyOf(groups, capacity);
    slots = Arrays.copyOf(slots, capacity);
    lastBytes = Arrays.copyOf(lastBytes, capacity);
    memory.grow(capacity);
    customWindows = Arrays.copyOf(customWindows, capacity);
    quotas = Arrays.copyOf(quotas, capacity);
    priorities = Arrays.copyOf(priorities, capacity);
    customLimits = Arrays.copyOf(customLimits, capacity);
    soft = Arrays.copyOf(soft, capacity * R);
    for (int r = 0; r < R; r++) {
      gate[r] = Arrays.copyOf(gate[r], capacity);
    }
    violationKind = Arrays.copyOf(violationKind, capacity * R);
    violationAt = Arrays.copyOf(violationAt, capacity * R);
    alertedAt = Arrays.copyOf(alertedAt, capacity * 2 * R);
    history.grow(capacity);
  }

  /** Reads slot {@code i}'s quota from the index and lays out its thresholds. */
  private void cacheQuota(int i) {
    CompiledQuota quota = quotaIndex.get(ids[i]);
    int priority = quota == null ? 5 : quota.quota().priority();
    if (priority != priorities[i]) {
      priorities[i] = priority;
      snapshotStale = true;
    }
    if (quota != quotas[i]) {
      quotas[i] = quota;
      snapshotStale = true;
    }
    boolean custom = false;
    for (int r = 0; r < R; r++) {
      Limit limit = quota == null ? null : quota.limit(Resource.ofIndex(r));
      soft[i * R + r] = limit == null ? Double.POSITIVE_INFINITY : limit.soft();
      gate[r][i] = limit == null ? Double.POSITIVE_INFINITY
          : Math.min(limit.soft(), alerts.firstLevelAt(Resource.ofIndex(r).name(), limit));
    }
    if (quota != null) {
      for (Limit limit : quota.quota().limits().values()) {
        custom |= limit.custom();
      }
    }
    customLimits[i] = custom;
  }

  /** The slot of a local agent by id, or -1. */
  int slotOf(String agentId) {
    if (agents == null) { // benchmarks and tests that fill the slots themselves, without handles
      return Arrays.asList(ids).subList(0, count).indexOf(agentId);
    }
    LocalAgent h = agents.get(agentId);
    return h != null && h.monitorState() instanceof Slot s && s.store == this && s.index < count
        && handles[s.index] == h ? s.index : -1;
  }

  String[] idSnapshot() {
    snapshot();
    return idSnapshot;
  }

  String[] groupSnapshot() {
    snapshot();
    return groupSnapshot;
  }

  int[] prioritySnapshot() {
    snapshot();
    return prioritySnapshot;
  }

  CompiledQuota[] quotaSnapshot() {
    snapshot();
    return quotaSnapshot;
  }

  private void snapshot() {
    if (snapshotStale) {
      idSnapshot = Arrays.copyOf(ids, count);
      groupSnapshot = Arrays.copyOf(groups, count);
      prioritySnapshot = Arrays.copyOf(priorities, count);
      quotaSnapshot = Arrays.copyOf(quotas, count);
      snapshotStale = false;
    }
  }
}
