package io.agentgovernor.bridge.cgroup;

import io.agentgovernor.quota.CompiledQuota;
import io.agentgovernor.quota.Limit;
import io.agentgovernor.quota.Resource;
import io.vertx.core.json.JsonObject;

/**
 * What the kernel is told to hold an agent's cgroup to, from its quota: the cpu hard limit
 * (percent of one core) scaled by the enforcement ladder's throttle factor, the memory hard and
 * soft limits (bytes) and the processes hard limit. A value of 0 or less means no limit.
 *
 * @param cpuPercent  cpu the group may use per period, in percent of one core; 100 = one core
 * @param memoryHard  bytes the group may hold before the kernel reclaims, then OOM-kills
 * @param memorySoft  bytes above which the kernel reclaims from the group first (v1 soft limit, v2 memory.high)
 * @param pids        processes and threads the group may hold at once; a fork beyond fails
 */
public record KernelLimits(double cpuPercent, long memoryHard, long memorySoft, long pids) {

  /** No limit on anything. */
  public static final KernelLimits NONE = new KernelLimits(0, 0, 0, 0);
  /** The smallest cpu share written: 1 % of one core (the kernel refuses a quota under 1 ms). */
  static final double MIN_CPU_PERCENT = 1.0;

  /** The limits of a quota (null: none) with the throttle factor in (0, 1] applied to cpu. */
  public static KernelLimits of(CompiledQuota quota, double throttleFactor) {
    if (quota == null) {
      return NONE;
    }
    Limit cpu = quota.limit(Resource.CPU);
    Limit memory = quota.limit(Resource.MEMORY);
    Limit processes = quota.limit(Resource.PROCESSES);
    double factor = throttleFactor > 0 && throttleFactor <= 1 ? throttleFactor : 1;
    return new KernelLimits(
        cpu == null ? 0 : Math.max(MIN_CPU_PERCENT, cpu.hard() * factor),
        memory == null ? 0 : (long) memory.hard(),
        memory == null || memory.soft() >= memory.hard() ? 0 : (long) memory.soft(),
        processes == null ? 0 : Math.max(1, (long) processes.hard()));
  }

  /** The cfs quota for a period, in µs (at least the kernel's 1 ms), or -1 for none. */
  public long cpuQuotaUs(long periodUs) {
    return cpuPercent <= 0 ? -1 : Math.max(1000, Math.round(cpuPercent / 100.0 * periodUs));
  }

  public JsonObject toJson() {
    return new JsonObject().put("cpuPercent", cpuPercent > 0 ? cpuPercent : null)
        .put("memoryHard", memoryHard > 0 ? memoryHard : null).put("memorySoft", memorySoft > 0 ? memorySoft : null)
        .put("pids", pids > 0 ? pids : null);
  }
}
