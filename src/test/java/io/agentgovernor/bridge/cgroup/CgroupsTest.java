package io.agentgovernor.bridge.cgroup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.agentgovernor.quota.CompiledQuota;
import io.agentgovernor.quota.Limit;
import io.agentgovernor.quota.Quota;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Where agent cgroups go and what is written to them, on directories laid out like a cgroup file system. */
class CgroupsTest {

  @TempDir
  Path root;

  private Path self() throws IOException {
    return Files.writeString(root.resolve("self-cgroup"),
        "4:memory:/outer/box\n2:cpu,cpuacct:/\n6:freezer:/\n8:pids:/\n0::/unified/me\n");
  }

  @Test
  void v1GroupsNestUnderTheNodesOwnGroupInEachHierarchy() throws IOException {
    AgentCgroup group = Cgroups.of(root, true, self(), "n1", 100_000).create("a1");
    assertThat(group.mode()).isEqualTo("cgroup-v1");
    assertThat(group.paths()).contains(root.resolve("memory/outer/box/agent-governor/n1/a1"),
        root.resolve("cpu/agent-governor/n1/a1"), root.resolve("pids/agent-governor/n1/a1"));
    assertThat(group.paths()).allMatch(Files::isDirectory);
    assertThat(group.remove()).isTrue();
    assertThat(group.paths()).noneMatch(Files::exists);
  }

  @Test
  void v1LimitsAreTheQuotasHardLimitsWithTheThrottleFactorOnCpu() throws IOException {
    AgentCgroup group = Cgroups.of(root, true, self(), "n1", 100_000).create("a1");
    CompiledQuota quota = new CompiledQuota(new Quota("a1", "g", 0, Map.of("cpu", Limit.of(40, 50),
        "memory", Limit.of(32 << 20, 64 << 20), "processes", Limit.of(10, 20)), false, 0, 0, 1));
    group.apply(KernelLimits.of(quota, 0.5));
    Path cpu = root.resolve("cpu/agent-governor/n1/a1");
    Path memory = root.resolve("memory/outer/box/agent-governor/n1/a1");
    assertThat(Files.readString(cpu.resolve("cpu.cfs_quota_us"))).isEqualTo("25000");
    assertThat(Files.readString(cpu.resolve("cpu.cfs_period_us"))).isEqualTo("100000");
    assertThat(Files.readString(memory.resolve("memory.limit_in_bytes"))).isEqualTo(String.valueOf(64 << 20));
    assertThat(Files.readString(memory.resolve("memory.soft_limit_in_bytes"))).isEqualTo(String.valueOf(32 << 20));
    assertThat(Files.readString(root.resolve("pids/agent-governor/n1/a1/pids.max"))).isEqualTo("20");
    group.apply(KernelLimits.NONE);
    assertThat(Files.readString(cpu.resolve("cpu.cfs_quota_us"))).isEqualTo("-1");
    assertThat(Files.readString(root.resolve("pids/agent-governor/n1/a1/pids.max"))).isEqualTo("max");
  }

  @Test
  void v1CountersReadTheWorkingSetAndTheKernelsEnforcementCounters() throws IOException {
    AgentCgroup group = Cgroups.of(root, true, self(), "n1", 100_000).create("a1");
    Path memory = root.resolve("memory/outer/box/agent-governor/n1/a1");
    Path pids = root.resolve("pids/agent-governor/n1/a1");
    Files.writeString(root.resolve("cpuacct/agent-governor/n1/a1/cpuacct.usage"), "123456789\n");
    Files.writeString(memory.resolve("memory.usage_in_bytes"), "1000000\n");
    Files.writeString(memory.resolve("memory.stat"), "cache 5\ntotal_inactive_file 250000\ntotal_rss 700000\n");
    Files.writeString(memory.resolve("memory.oom_control"), "oom_kill_disable 0\nunder_oom 0\noom_kill 2\n");
    Files.writeString(memory.resolve("memory.failcnt"), "7\n");
    Files.writeString(pids.resolve("pids.current"), "3\n");
    Files.writeString(pids.resolve("pids.events"), "max 181\n");
    assertThat(group.read()).isEqualTo(new CgroupCounters(123456789, 750000, 3, 2, 7, 181));
  }

  @Test
  void v2IsDetectedByCgroupControllersAndEnablesControllersDownToTheAgent() throws IOException {
    Files.writeString(root.resolve("cgroup.controllers"), "cpu memory pids\n");
    Files.createDirectories(root.resolve("unified/me"));
    AgentCgroup group = Cgroups.of(root, true, self(), "n1", 100_000).create("a1");
    assertThat(group.mode()).isEqualTo("cgroup-v2");
    assertThat(group.paths()).containsExactly(root.resolve("unified/me/agent-governor/n1/a1"));
    assertThat(Files.readString(root.resolve("unified/me/agent-governor/n1/cgroup.subtree_control"))).isEqualTo("+pids");
    group.apply(new KernelLimits(50, 1 << 20, 0, 0));
    assertThat(Files.readString(group.paths().get(0).resolve("cpu.max"))).isEqualTo("50000 100000");
    assertThat(Files.readString(group.paths().get(0).resolve("memory.high"))).isEqualTo("max");
  }

  @Test
  void aGroupThatCannotBeMadeSaysWhereAndWhy() throws IOException {
    Path file = Files.writeString(root.resolve("plain-file"), "x");
    assertThatThrownBy(() -> Cgroups.of(file, true, self(), "n1", 100_000).create("a1"))
        .isInstanceOf(IOException.class).hasMessageContaining("cannot create").hasMessageContaining(file.toString());
    assertThatThrownBy(() -> Cgroups.of(root, false, self(), "n1", 100_000).create("a1"))
        .hasMessageContaining("process.cgroups is off");
  }
}
