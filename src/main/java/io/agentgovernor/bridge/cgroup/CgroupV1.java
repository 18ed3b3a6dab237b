package io.agentgovernor.bridge.cgroup;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;

/**
 * An agent's cgroup on a v1 host: one directory in each of the cpu, cpuacct, memory, pids and
 * freezer hierarchies (two of them may be one directory, as with a joint {@code cpu,cpuacct} mount).
 */
final class CgroupV1 implements AgentCgroup {

  static final List<String> CONTROLLERS = List.of("cpu", "cpuacct", "memory", "pids", "freezer");

  private final Map<String, Path> dirs;
  private final long cpuPeriodUs;

  CgroupV1(Map<String, Path> dirs, long cpuPeriodUs) {
    this.dirs = dirs;
    this.cpuPeriodUs = cpuPeriodUs;
  }

  @Override
  public String mode() {
    return "cgroup-v1";
  }

  @Override
  public List<Path> paths() {
    return List.copyOf(new LinkedHashSet<>(dirs.values()));
  }

  @Override
  public List<Path> procsFiles() {
    return paths().stream().map(d -> d.resolve("cgroup.procs")).toList();
  }

  @Override
  public void apply(KernelLimits limits) throws IOException {
    List<String> refused = new ArrayList<>();
    Path cpu = dirs.get("cpu");
    Path memory = dirs.get("memory");
    CgroupFiles.write(cpu.resolve("cpu.cfs_period_us"), String.valueOf(cpuPeriodUs), refused);
    CgroupFiles.write(cpu.resolve("cpu.cfs_quota_us"), String.valueOf(limits.cpuQuotaUs(cpuPeriodUs)), refused);
    CgroupFiles.write(memory.resolve("memory.limit_in_bytes"), orUnlimited(limits.memoryHard()), refused);
    CgroupFiles.write(memory.resolve("memory.soft_limit_in_bytes"), orUnlimited(limits.memorySoft()), refused);
    CgroupFiles.write(dirs.get("pids").resolve("pids.max"), limits.pids() > 0 ? String.valueOf(limits.pids()) : "max",
        refused);
    CgroupFiles.throwIfRefused(refused);
  }

  private static String orUnlimited(long bytes) {
    return bytes > 0 ? String.valueOf(bytes) : "-1";
  }

  @Override
  public CgroupCounters read() throws IOException {
    Path memory = dirs.get("memory");
    Path pids = dirs.get("pids");
    long charged = CgroupFiles.number(memory.resolve("memory.usage_in_bytes"));
    long inactiveFile = CgroupFiles.keyed(memory.resolve("memory.stat"), "total_inactive_file");
    return new CgroupCounters(
        CgroupFiles.number(dirs.get("cpuacct").resolve("cpuacct.usage")),
        Math.max(0, charged - inactiveFile),
        CgroupFiles.number(pids.resolve("pids.current")),
        CgroupFiles.keyed(memory.resolve("memory.oom_control"), "oom_kill"),
        CgroupFiles.number(memory.resolve("memory.failcnt")),
        CgroupFiles.keyed(pids.resolve("pids.events"), "max"));
  }

  /**
   * The v1 freezer can stay FREEZING for good when it races a fork or an exit (runc meets the same
   * and does the same): write FROZEN, watch the state for a few milliseconds, and if it has not
   * settled thaw and try again, a bounded number of times.
   */
  @Override
  public void freeze(boolean frozen) throws IOException {
    Path state = dirs.get("freezer").resolve("freezer.state");
    List<String> refused = new ArrayList<>();
    if (!frozen) {
      CgroupFiles.write(state, "THAWED", refused);
      CgroupFiles.throwIfRefused(refused);
      return;
    }
    for (int attempt = 0; attempt < FREEZE_ATTEMPTS; attempt++) {
      CgroupFiles.write(state, "FROZEN", refused);
      CgroupFiles.throwIfRefused(refused);
      for (int look = 0; look < 10; look++) {
        if (java.nio.file.Files.readString(state).trim().equals("FROZEN")) {
          return;
        }
        pause(1);
      }
      CgroupFiles.write(state, "THAWED", refused);
      pause(2);
    }
    throw new IOException("the freezer stayed FREEZING over " + FREEZE_ATTEMPTS + " attempts");
  }

  private static final int FREEZE_ATTEMPTS = 100;

  private static void pause(long ms) throws IOException {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while freezing", e);
    }
  }

  @Override
  public List<Long> pids() throws IOException {
    return CgroupFiles.pids(dirs.get("pids").resolve("cgroup.procs"));
  }

  @Override
  public boolean remove() {
    return CgroupFiles.removeAll(paths());
  }
}
