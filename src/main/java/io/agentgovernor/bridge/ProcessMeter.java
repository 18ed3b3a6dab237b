package io.agentgovernor.bridge;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Measures another process on this host from Linux's {@code /proc}: CPU from {@code utime + stime}
 * of {@code /proc/<pid>/stat} (clock ticks, 100 a second on Linux x86_64) between two reads,
 * resident memory from {@code VmRSS} of {@code /proc/<pid>/status}. Exact to the kernel's
 * accounting: a tick (10 ms) of CPU per read, a page of memory.
 */
final class ProcessMeter {

  private static final double TICKS_PER_SECOND = 100.0;

  private final long pid;
  private long lastTicks = -1;
  private long lastNanos;

  ProcessMeter(long pid) {
    this.pid = pid;
  }

  /** Whether the process exists and can be read. */
  boolean alive() {
    return Files.isReadable(Path.of("/proc", String.valueOf(pid), "stat"));
  }

  /** CPU percent of one core since the previous call (0 on the first), or -1 if the process is gone. */
  double cpuPercent(long nowNanos) {
    long ticks = ticks(pid);
    if (ticks < 0) {
      return -1;
    }
    double percent = 0;
    if (lastTicks >= 0 && nowNanos > lastNanos) {
      percent = percentOf(ticks - lastTicks, nowNanos - lastNanos);
    }
    lastTicks = ticks;
    lastNanos = nowNanos;
    return percent;
  }

  /** Resident memory in bytes, or -1 if the process is gone. */
  long residentBytes() {
    return residentBytes(pid);
  }

  /** Percent of one core that {@code ticks} of CPU over {@code nanos} of wall time are. */
  static double percentOf(long ticks, long nanos) {
    return ticks / TICKS_PER_SECOND / (nanos / 1e9) * 100.0;
  }

  /** {@code utime + stime} of a process, in clock ticks, or -1 if it is gone. */
  static long ticks(long pid) {
    try {
      String stat = Files.readString(Path.of("/proc", String.valueOf(pid), "stat"));
      // Fields after the command name, which is in parentheses and may itself hold spaces.
      String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
      return Long.parseLong(f[11]) + Long.parseLong(f[12]);
    } catch (IOException | RuntimeException e) {
      return -1;
    }
  }

  /** {@code VmRSS} of a process in bytes (0 for a zombie), or -1 if it is gone. */
  static long residentBytes(long pid) {
    try {
      for (String line : Files.readAllLines(Path.of("/proc", String.valueOf(pid), "status"))) {
        if (line.startsWith("VmRSS:")) {
          return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
        }
      }
      return 0;
    } catch (IOException | RuntimeException e) {
      return -1;
    }
  }
}
