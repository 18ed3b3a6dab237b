package io.agentgovernor.degradation.impl;

import com.sun.management.GarbageCollectorMXBean;
import com.sun.management.GcInfo;
import com.sun.management.OperatingSystemMXBean;
import io.agentgovernor.degradation.DegradationSettings;
import io.agentgovernor.degradation.policy.NodePressure;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.MemoryUsage;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Reads this JVM's pressure: heap in use after the latest collection (the sum, over the heap pools,
 * of the latest collector run's usage-after-GC; heap in use now counts garbage and would cry wolf;
 * before any collection, heap in use now), process CPU load, and event-loop lateness reported by
 * {@link #late} from each loop's {@link EventLoopProbe}: the worst since the last read. Reports
 * come from the event loops, reads from the degradation worker.
 */
final class NodeProbe {

  private final DegradationSettings.NodeSettings settings;
  private final Set<String> heapPools = ManagementFactory.getMemoryPoolMXBeans().stream()
      .filter(p -> p.getType() == MemoryType.HEAP).map(MemoryPoolMXBean::getName).collect(Collectors.toSet());
  private final OperatingSystemMXBean os =
      ManagementFactory.getPlatformMXBean(OperatingSystemMXBean.class);
  private final java.util.concurrent.atomic.AtomicLong worstLatenessMs = new java.util.concurrent.atomic.AtomicLong();
  private long peakHeapAfterGc;

  NodeProbe(DegradationSettings.NodeSettings settings) {
    this.settings = settings;
  }

  /** How late an event loop's probe timer fired (ms); any thread. */
  void late(long ms) {
    worstLatenessMs.accumulateAndGet(ms, Math::max);
  }

  /** The node's pressure now; dimensions not configured count as zero. */
  NodePressure read() {
    long max = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getMax();
    long heap = heapAfterGc();
    peakHeapAfterGc = Math.max(peakHeapAfterGc, heap);
    double cpu = Math.max(0, Math.min(1, os.getProcessCpuLoad()));
    long lateness = worstLatenessMs.getAndSet(0);
    return new NodePressure(settings.dimensions().contains("heap") ? heap : 0, max,
        settings.dimensions().contains("cpu") ? cpu : 0,
        settings.dimensions().contains("event_loop") ? lateness : 0, settings.eventLoopBudgetMs());
  }

  long peakHeapAfterGc() {
    return peakHeapAfterGc;
  }

  static int cores() {
    return Runtime.getRuntime().availableProcessors();
  }

  private long heapAfterGc() {
    GcInfo latest = null;
    for (java.lang.management.GarbageCollectorMXBean bean : ManagementFactory.getGarbageCollectorMXBeans()) {
      if (bean instanceof GarbageCollectorMXBean gc) {
        GcInfo info = gc.getLastGcInfo();
        if (info != null && (latest == null || info.getEndTime() > latest.getEndTime())) {
          latest = info;
        }
      }
    }
    if (latest == null) {
      return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }
    long used = 0;
    for (Map.Entry<String, MemoryUsage> e : latest.getMemoryUsageAfterGc().entrySet()) {
      if (heapPools.contains(e.getKey())) {
        used += e.getValue().getUsed();
      }
    }
    return used;
  }
}
