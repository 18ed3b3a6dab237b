package io.agentgovernor.agent.samples;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;

/**
 * Real computation for the CPU-hungry samples: burns a given amount of this thread's CPU time
 * (not wall time, which a busy machine would stretch) by hashing, checking the thread's CPU clock
 * every few thousand rounds.
 */
final class CpuWork {

  private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
  private static long sink;

  private CpuWork() {
  }

  /** Burns {@code nanos} of CPU on the calling thread, returning a value so it is not optimised away. */
  static long burn(long nanos) {
    if (nanos <= 0) {
      return 0;
    }
    long start = THREADS.getCurrentThreadCpuTime();
    long wallLimit = System.nanoTime() + nanos * 4 + 5_000_000;
    long x = sink | 1;
    do {
      for (int i = 0; i < 4096; i++) {
        x ^= x << 13;
        x ^= x >>> 7;
        x ^= x << 17;
      }
    } while (THREADS.getCurrentThreadCpuTime() - start < nanos && System.nanoTime() < wallLimit);
    sink = x;
    return x;
  }
}
