package io.agentgovernor.bridge.cgroup;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * One agent's cgroup, across the controllers it needs (v1: cpu, cpuacct, memory, pids, freezer,
 * each its own directory; v2: one directory). Every method is blocking file I/O on the cgroup
 * file system (microseconds): call it from a worker.
 */
public interface AgentCgroup {

  /** {@code cgroup-v1} or {@code cgroup-v2}. */
  String mode();

  /** The group's directories, one per hierarchy. */
  List<Path> paths();

  /** The {@code cgroup.procs} files a process writes its pid to, to join the group everywhere. */
  List<Path> procsFiles();

  /** Writes the limits; a limit the kernel refuses is skipped and named in the exception, the others stay written. */
  void apply(KernelLimits limits) throws IOException;

  CgroupCounters read() throws IOException;

  /** Freezes (true) or thaws (false) every process in the group. */
  void freeze(boolean frozen) throws IOException;

  /** The processes in the group now. */
  List<Long> pids() throws IOException;

  /** Removes the group's directories; false if one still holds a process (or is otherwise busy). */
  boolean remove();
}
