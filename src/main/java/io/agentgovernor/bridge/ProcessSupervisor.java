package io.agentgovernor.bridge;

import io.agentgovernor.bridge.cgroup.AgentCgroup;
import io.agentgovernor.bridge.cgroup.CgroupCounters;
import io.agentgovernor.bridge.cgroup.Cgroups;
import io.agentgovernor.bridge.cgroup.KernelLimits;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Runs one process agent's process and holds it to its limits: in its own cgroup where the host
 * allows (the kernel then enforces cpu, memory and processes, freezes and kills the whole tree),
 * else by {@code /proc} and signals on its process tree. Every method blocks (process start, file
 * I/O, waiting out a grace period): the agent calls them through its ordered
 * {@code executeBlocking}, one at a time; {@link #status()} may be read from any thread.
 *
 * <p>Joining the cgroup: the process is started through {@code /bin/sh -c}, a few lines that write
 * the shell's own pid to each of the group's {@code cgroup.procs} and then {@code exec} the command
 * (same pid). So the command's first instruction, and every process it forks, already runs inside
 * the group and under its limits; no window exists in which user code runs outside it. What is not
 * in the group is the shell's own start-up before the write (about a millisecond). Should a write
 * fail, the shell exits with 125 before running the command. The alternative — writing the pid
 * after {@code ProcessBuilder.start()} returns — would let the command run, and fork, unconfined
 * until the write.
 */
final class ProcessSupervisor {

  /** Exit status of the wrapper when it could not join the cgroup; the command did not run. */
  static final int JOIN_FAILED = 125;
  private static final String WRAPPER = "while [ \"$1\" != -- ]; do echo $$ > \"$1\" || "
      + "{ echo \"agent-governor: cannot join cgroup $1\" >&2; exit " + JOIN_FAILED + "; }; shift; done; shift; exec \"$@\"";
  private static final long POLL_MS = 20;
  private static final long KILL_WAIT_MS = 5_000;

  /** One read of the agent's usage, and what the kernel did since the previous read. */
  record Sample(double cpuPercent, long memoryBytes, long processes, long newOomKills, boolean empty) {
  }

  private final ProcessSpec spec;
  private final Cgroups cgroups;
  private final long cpuPeriodUs;
  private AgentCgroup cgroup;
  private volatile String mode = "starting";
  private volatile String fallbackReason;
  private Process process;
  private ProcessTree tree;
  private volatile KernelLimits applied;
  private volatile String limitError;
  private long lastCpuNanos = -1;
  private long lastReadNanos;
  private long oomKillsSeen;
  private volatile CgroupCounters counters;
  private volatile boolean frozen;
  private long termSentNanos;
  private long termGraceMs = -1;
  private volatile boolean cgroupRemoved;

  ProcessSupervisor(ProcessSpec spec, Cgroups cgroups, long cpuPeriodUs) {
    this.spec = spec;
    this.cgroups = cgroups;
    this.cpuPeriodUs = cpuPeriodUs;
  }

  /**
   * Makes the agent's cgroup (or falls back), sets its limits, then starts the command in it.
   *
   * @param agentId the agent, which names its cgroup
   * @param env    variables for the process beyond the spec's (the bridge's address, the agent's id and secret)
   * @param output the file its stdout and stderr are appended to
   */
  Process start(String agentId, Map<String, String> env, KernelLimits limits, Path output) throws IOException {
    File cwd = spec.cwd() == null ? null : new File(spec.cwd());
    if (cwd != null && !cwd.isDirectory()) {
      throw new IOException("cwd '" + spec.cwd() + "' is not a directory");
    }
    try {
      cgroup = cgroups.create(agentId);
      mode = cgroup.mode();
    } catch (IOException e) {
      fallbackReason = e.getMessage();
      cgroups.fallBack(fallbackReason);
      mode = "proc";
    }
    if (cgroup != null) {
      apply(limits);
    }
    List<String> command = new ArrayList<>();
    if (cgroup != null) {
      command.addAll(List.of("/bin/sh", "-c", WRAPPER, "agent-governor-launch"));
      cgroup.procsFiles().forEach(f -> command.add(f.toString()));
      command.add("--");
    }
    command.addAll(spec.command());
    ProcessBuilder builder = new ProcessBuilder(command).directory(cwd).redirectErrorStream(true);
    Files.createDirectories(output.toAbsolutePath().getParent());
    builder.redirectOutput(ProcessBuilder.Redirect.appendTo(output.toFile()));
    builder.redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
    Map<String, String> environment = builder.environment();
    environment.clear(); // the node's own variables (its tokens) stay with the node
    for (String kept : List.of("PATH", "HOME", "LANG")) {
      String value = System.getenv(kept);
      if (value != null) {
        environment.put(kept, value);
      }
    }
    environment.putAll(spec.env());
    environment.putAll(env);
    try {
      process = builder.start();
    } catch (IOException e) {
      removeCgroup();
      throw e;
    }
    tree = new ProcessTree(process.toHandle());
    return process;
  }

  /** Writes the limits to the kernel when they changed (no-op without a cgroup). */
  void apply(KernelLimits limits) {
    if (cgroup == null || limits.equals(applied)) {
      return;
    }
    try {
      cgroup.apply(limits);
      limitError = null;
    } catch (IOException e) {
      limitError = e.getMessage(); // e.g. a memory limit below what the group holds now
    }
    applied = limits;
  }

  /** The usage now, applying {@code limits} first if they changed. */
  Sample sample(long nowNanos, KernelLimits limits) throws IOException {
    apply(limits);
    if (cgroup == null) {
      double[] t = tree.measure(nowNanos);
      return new Sample(t[0], (long) t[1], (long) t[2], 0, t[2] == 0);
    }
    CgroupCounters c = cgroup.read();
    counters = c;
    double cpu = 0;
    if (lastCpuNanos >= 0 && nowNanos > lastReadNanos) {
      cpu = Math.max(0, c.cpuNanos() - lastCpuNanos) * 100.0 / (nowNanos - lastReadNanos);
    }
    lastCpuNanos = c.cpuNanos();
    lastReadNanos = nowNanos;
    long newOom = Math.max(0, c.oomKills() - oomKillsSeen);
    oomKillsSeen = c.oomKills();
    return new Sample(cpu, c.memoryBytes(), c.pids(), newOom, c.pids() == 0);
  }

  /** Freezes or thaws the whole group (fallback: SIGSTOP / SIGCONT to the tree). */
  void freeze(boolean on) throws IOException {
    if (cgroup != null) {
      cgroup.freeze(on);
    } else {
      signal(on ? "STOP" : "CONT");
    }
    frozen = on;
  }

  /** SIGTERM to every process of the agent; {@code graceMs} later {@link #stop} kills what is left. */
  void terminate(long graceMs) throws IOException {
    if (frozen) {
      freeze(false); // a frozen process cannot act on its SIGTERM
    }
    if (termSentNanos == 0) {
      termSentNanos = System.nanoTime();
      termGraceMs = graceMs;
      pids().forEach(p -> ProcessHandle.of(p).ifPresent(ProcessHandle::destroy));
    }
  }

  /**
   * Ends the agent's processes: SIGTERM (unless a notice sent it already), the grace period, then
   * SIGKILL of the whole group (frozen first, so nothing forks meanwhile); then the group is removed.
   * Returns how it ended, for the log.
   */
  String stop(long defaultGraceMs) throws IOException {
    if (process == null) {
      removeCgroup();
      return "never started";
    }
    terminate(defaultGraceMs);
    long deadline = termSentNanos + termGraceMs * 1_000_000;
    if (waitEmpty(deadline)) {
      removeCgroup();
      return "exited after SIGTERM";
    }
    long killDeadline = System.nanoTime() + KILL_WAIT_MS * 1_000_000;
    do {
      if (cgroup != null) {
        try {
          cgroup.freeze(true); // nothing forks between the read of the pids and their kill
        } catch (IOException stuck) {
          // kill what is there all the same; the next round gets what forked meanwhile
        }
        pids().forEach(p -> ProcessHandle.of(p).ifPresent(ProcessHandle::destroyForcibly));
        cgroup.freeze(false);
      } else {
        tree.members().forEach(ProcessHandle::destroyForcibly);
      }
    } while (!waitEmpty(Math.min(killDeadline, System.nanoTime() + 200_000_000)) && System.nanoTime() < killDeadline);
    removeCgroup();
    return "killed after a grace of " + termGraceMs + " ms";
  }

  private boolean waitEmpty(long deadlineNanos) throws IOException {
    while (true) {
      if (pids().isEmpty()) {
        return true;
      }
      if (System.nanoTime() >= deadlineNanos) {
        return false;
      }
      try {
        Thread.sleep(POLL_MS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return false;
      }
    }
  }

  private List<Long> pids() throws IOException {
    if (cgroup != null) {
      return cgroup.pids();
    }
    return tree.members().stream().map(ProcessHandle::pid).toList();
  }

  private void signal(String name) throws IOException {
    List<String> kill = new ArrayList<>(List.of("kill", "-" + name));
    pids().forEach(p -> kill.add(String.valueOf(p)));
    if (kill.size() > 2) {
      try {
        new ProcessBuilder(kill).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start()
            .waitFor();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  private void removeCgroup() {
    if (cgroup == null) {
      return;
    }
    // a killed process leaves its group a moment after its exit: a few tries, bounded
    for (int i = 0; i < 50 && !cgroupRemoved; i++) {
      cgroupRemoved = cgroup.remove();
      if (!cgroupRemoved) {
        try {
          Thread.sleep(POLL_MS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return;
        }
      }
    }
  }

  /** The kernel's counters at the last read, or null (no cgroup, or not read yet). */
  CgroupCounters counters() {
    return counters;
  }

  String mode() {
    return mode;
  }

  /** What the agent's status shows of its isolation. */
  io.vertx.core.json.JsonObject status() {
    io.vertx.core.json.JsonObject json = new io.vertx.core.json.JsonObject().put("mode", mode).put("frozen", frozen);
    if (fallbackReason != null) {
      json.put("fallbackReason", fallbackReason);
    }
    if (cgroup != null) {
      json.put("cgroup", cgroup.paths().stream().map(Path::toString).toList()).put("cgroupRemoved", cgroupRemoved);
      KernelLimits limits = applied;
      if (limits != null) {
        json.put("kernelLimits", limits.toJson());
      }
      if (limitError != null) {
        json.put("limitError", limitError);
      }
      CgroupCounters c = counters;
      if (c != null) {
        json.put("oomKills", c.oomKills()).put("memoryFailcnt", c.memoryFailcnt()).put("forksRefused", c.forksRefused());
      }
    }
    return json;
  }
}
