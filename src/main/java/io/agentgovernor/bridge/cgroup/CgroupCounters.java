package io.agentgovernor.bridge.cgroup;

/**
 * One read of an agent cgroup's counters: its whole process tree, as the kernel accounts it.
 *
 * @param cpuNanos     CPU time used by every process that ever ran in the group (cumulative)
 * @param memoryBytes  the working set: memory charged to the group less its inactive file cache,
 *                     which the kernel reclaims first when the group reaches its limit
 * @param pids         processes (and threads) in the group now
 * @param oomKills     processes of the group the kernel's OOM killer has killed (cumulative)
 * @param memoryFailcnt times the group hit its memory limit (cumulative; v2: memory.events max)
 * @param forksRefused forks refused at the pids limit (cumulative)
 */
public record CgroupCounters(long cpuNanos, long memoryBytes, long pids, long oomKills, long memoryFailcnt,
                             long forksRefused) {
}
