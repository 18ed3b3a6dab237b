package io.agentgovernor.bridge.cgroup;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** An agent's cgroup on a v2 (unified) host: one directory, with the cpu, memory and pids controllers enabled above it. */
final class CgroupV2 implements AgentCgroup {

  private final Path dir;
  private final long cpuPeriodUs;

  CgroupV2(Path dir, long cpuPeriodUs) {
    this.dir = dir;
    this.cpuPeriodUs = cpuPeriodUs;
  }

  @Override
  public String mode() {
    return "cgroup-v2";
  }

  @Override
  public List<Path> paths() {
    return List.of(dir);
  }

  @Override
  public List<Path> procsFiles() {
    return List.of(dir.resolve("cgroup.procs"));
  }

  @Override
  public void apply(KernelLimits limits) throws IOException {
    List<String> refused = new ArrayList<>();
    long quota = limits.cpuQuotaUs(cpuPeriodUs);
    CgroupFiles.write(dir.resolve("cpu.max"), (quota < 0 ? "max" : String.valueOf(quota)) + " " + cpuPeriodUs, refused);
    CgroupFiles.write(dir.resolve("memory.max"), orMax(limits.memoryHard()), refused);
    CgroupFiles.write(dir.resolve("memory.high"), orMax(limits.memorySoft()), refused);
    CgroupFiles.write(dir.resolve("pids.max"), orMax(limits.pids()), refused);
    CgroupFiles.throwIfRefused(refused);
  }

  private static String orMax(long value) {
    return value > 0 ? String.valueOf(value) : "max";
  }

  @Override
  public CgroupCounters read() throws IOException {
    long charged = CgroupFiles.number(dir.resolve("memory.current"));
    long inactiveFile = CgroupFiles.keyed(dir.resolve("memory.stat"), "inactive_file");
    return new CgroupCounters(
        CgroupFiles.keyed(dir.resolve("cpu.stat"), "usage_usec") * 1000,
        Math.max(0, charged - inactiveFile),
        CgroupFiles.number(dir.resolve("pids.current")),
        CgroupFiles.keyed(dir.resolve("memory.events"), "oom_kill"),
        CgroupFiles.keyed(dir.resolve("memory.events"), "max"),
        CgroupFiles.keyed(dir.resolve("pids.events"), "max"));
  }

  @Override
  public void freeze(boolean frozen) throws IOException {
    List<String> refused = new ArrayList<>();
    CgroupFiles.write(dir.resolve("cgroup.freeze"), frozen ? "1" : "0", refused);
    CgroupFiles.throwIfRefused(refused);
  }

  @Override
  public List<Long> pids() throws IOException {
    return CgroupFiles.pids(dir.resolve("cgroup.procs"));
  }

  @Override
  public boolean remove() {
    return CgroupFiles.removeAll(List.of(dir));
  }
}
