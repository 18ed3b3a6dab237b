package io.agentgovernor.monitor;

import io.agentgovernor.quota.CompiledQuota;
import io.agentgovernor.quota.Limit;
import io.agentgovernor.quota.Resource;
import io.agentgovernor.quota.Violation;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * One pass over an interval's columns: per slot the compliance check, the alert thresholds, the
 * violation events (spaced) and the node's totals; then the history takes the interval's columns
 * whole ({@link UsageHistory#record}); the result is the interval's {@link SampleBatch}. Nothing
 * is allocated for an agent that complies and is below its alert thresholds: the check compares
 * each usage column with the slots' cached gates (the lower of soft limit and alert threshold,
 * {@link SampleStore#gate}), and the quota itself is consulted only past one of them. Pure Java:
 * events go to a {@link Sink}, time is passed in.
 */
final class SamplePass {

  /** A violation event per agent and resource at most this often while it lasts (a change of kind is told at once). */
  static final long VIOLATION_EVENT_SPACING_MS = 10_000;

  private static final int R = SampleStore.R;

  /** Where the pass's events go. */
  interface Sink {
    void alert(String agentId, String resource, AlertPolicy.Level level, double current, double limit, long now);

    void violation(String agentId, Violation violation, long now);
  }

  private final SampleStore store;
  private final AlertPolicy alerts;
  private final Sink sink;
  private final double[] row = new double[R];
  /** Spacing of violation events of custom resources (rare): {@code agentId \0 resource -> {kind, time}}. */
  private final Map<String, Object[]> customViolationEvents = new HashMap<>();
  private final double[] totals = new double[R];
  /** Slots at or past a gate in the pass being run. */
  private boolean[] past = new boolean[0];
  /** The violations of the pass being run, by slot; null while every slot complies. */
  private List<Violation>[] violations;
  /** The largest value of each column in the last pass (0 if none above), for the history. */
  private final double[] peaks = new double[R];

  SamplePass(SampleStore store, AlertPolicy alerts, Sink sink) {
    this.store = store;
    this.alerts = alerts;
    this.sink = sink;
  }

  /** The sums over the last pass's samples, by resource index (do not keep: reused). */
  double[] totals() {
    return totals;
  }

  /**
   * Checks, alerts, records and batches the interval.
   *
   * @param usage {@code usage[resource index][slot]} for slots {@code 0..store.count-1}
   * @param custom custom usage by slot, or null when no agent reported any
   */
  SampleBatch run(String node, long now, long takenNanos, long intervalMs, double[][] usage, Map<String, Double>[] custom) {
    int n = store.count;
    violations = null;
    if (past.length < n) {
      past = new boolean[Math.max(n, past.length * 2)];
    }
    java.util.Arrays.fill(past, 0, n, false);
    // column against column: usage with the slots' gates (the lower of soft limit and alert
    // threshold, +inf where none), the totals and peaks in registers
    for (int r = 0; r < R; r++) {
      double[] u = usage[r];
      double[] g = store.gate[r];
      double total = 0;
      double peak = 0;
      for (int i = 0; i < n; i++) {
        double v = u[i];
        past[i] |= !(v < g[i]);
        total += v;
        peak = v > peak ? v : peak;
      }
      totals[r] = total;
      peaks[r] = peak;
    }
    for (int i = 0; i < n; i++) {
      Map<String, Double> c = custom == null || custom[i] == null ? Map.of() : custom[i];
      if (past[i] || !c.isEmpty()) {
        check(i, usage, c, now);
      }
    }
    store.history.record(now, usage, n, peaks);
    forgetCustomOfGone();
    return new SampleBatch(node, now, takenNanos, intervalMs, n, store.idSnapshot(), store.groupSnapshot(),
        store.prioritySnapshot(), store.quotaSnapshot(), usage, custom, violations);
  }

  /**
   * A slot at or past a gate, or with custom usage: over a soft limit, the quota's check; at an
   * alert threshold (or with custom usage and custom limits), the alert policy. As
   * {@link CompiledQuota#check} and the policy would decide for every sample, only not run for
   * samples below every gate.
   */
  @SuppressWarnings("unchecked")
  private void check(int i, double[][] usage, Map<String, Double> custom, long now) {
    CompiledQuota quota = store.quotas[i];
    if (quota == null) {
      return;
    }
    boolean customDue = store.customLimits[i] && !custom.isEmpty();
    List<Violation> found = customDue || overSoft(i, usage) ? quota.check(row(i, usage), custom) : List.of();
    if (customDue || reachesAlert(i, quota, usage)) {
      raiseAlerts(i, quota, usage, custom, now);
    }
    if (!found.isEmpty()) {
      if (violations == null) {
        violations = new List[store.count];
      }
      violations[i] = found;
      for (Violation v : found) {
        tellViolation(i, v, now);
      }
    }
  }

  private boolean overSoft(int i, double[][] usage) {
    for (int r = 0; r < R; r++) {
      if (!(usage[r][i] <= store.soft[i * R + r])) {
        return true;
      }
    }
    return false;
  }

  /** Some built-in resource at its first alert level (worked out from the quota: only past a gate). */
  private boolean reachesAlert(int i, CompiledQuota quota, double[][] usage) {
    for (int r = 0; r < R; r++) {
      double v = usage[r][i];
      if (!(v < store.gate[r][i])) {
        Resource resource = Resource.ofIndex(r);
        Limit limit = quota.limit(resource);
        if (limit != null && v >= alerts.firstLevelAt(resource.name(), limit)) {
          return true;
        }
      }
    }
    return false;
  }

  private double[] row(int i, double[][] usage) {
    for (int r = 0; r < R; r++) {
      row[r] = usage[r][i];
    }
    return row;
  }

  /** Every limit of the quota in its order, as the alert policy sees it; built-in spacing in the store's columns. */
  private void raiseAlerts(int i, CompiledQuota quota, double[][] usage, Map<String, Double> custom, long now) {
    String agentId = store.ids[i];
    for (Map.Entry<String, Limit> e : quota.quota().limits().entrySet()) {
      Limit limit = e.getValue();
      Resource r = Resource.resolve(e.getKey(), limit.custom());
      AlertPolicy.Level level;
      double current;
      if (r.isCustom()) {
        current = custom.getOrDefault(r.name(), 0.0);
        level = alerts.check(agentId, r.name(), current, limit, now);
      } else {
        current = usage[r.index()][i];
        level = alerts.level(r.name(), current, limit);
        if (level != null) {
          int idx = i * 2 * R + r.index() * 2 + level.ordinal();
          long last = store.alertedAt[idx];
          if (last != SampleStore.NEVER && now - last < alerts.intervalMs()) {
            level = null;
          } else {
            store.alertedAt[idx] = now;
          }
        }
      }
      if (level != null) {
        sink.alert(agentId, r.name(), level, current, limit.hard(), now);
      }
    }
  }

  private void tellViolation(int i, Violation v, long now) {
    Resource r = v.resource();
    if (r.isCustom()) {
      String key = store.ids[i] + '\u0000' + r.name();
      Object[] last = customViolationEvents.get(key);
      if (last != null && last[0] == v.kind() && now - (long) last[1] < VIOLATION_EVENT_SPACING_MS) {
        return;
      }
      customViolationEvents.put(key, new Object[] {v.kind(), now});
    } else {
      int idx = i * R + r.index();
      byte kind = (byte) (v.kind().ordinal() + 1);
      if (store.violationKind[idx] == kind && now - store.violationAt[idx] < VIOLATION_EVENT_SPACING_MS) {
        return;
      }
      store.violationKind[idx] = kind;
      store.violationAt[idx] = now;
    }
    sink.violation(store.ids[i], v, now);
  }

  private void forgetCustomOfGone() {
    if (!customViolationEvents.isEmpty()) {
      customViolationEvents.keySet().removeIf(k -> store.slotOf(k.substring(0, k.indexOf('\u0000'))) < 0);
    }
  }
}
