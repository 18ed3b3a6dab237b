package io.agentgovernor.degradation.policy;

import io.agentgovernor.bus.GovernorException;
import io.vertx.core.json.JsonObject;

/**
 * One sample of a node's pressure, fed to the node's {@link PressureStateMachine}.
 *
 * <p>The node is as pressed as its most pressed dimension: heap in use after the last collection
 * over max heap (heap before collection counts garbage and would cry wolf), the process CPU load
 * (0..1 of all cores), and the event-loop delay over its budget.
 *
 * @param cpuLoad process CPU load in [0, 1], as {@code OperatingSystemMXBean.getProcessCpuLoad()}
 */
public record NodePressure(long heapUsedAfterGcBytes, long heapMaxBytes, double cpuLoad, long eventLoopDelayMs,
                           long eventLoopDelayBudgetMs) {

  public NodePressure {
    if (heapMaxBytes <= 0 || heapUsedAfterGcBytes < 0) {
      throw GovernorException.invalid("heap figures must be >= 0 with a max > 0");
    }
    if (!(cpuLoad >= 0 && cpuLoad <= 1)) {
      throw GovernorException.invalid("cpuLoad must be in [0, 1], got " + cpuLoad);
    }
    if (eventLoopDelayMs < 0 || eventLoopDelayBudgetMs <= 0) {
      throw GovernorException.invalid("event-loop delay must be >= 0 with a budget > 0");
    }
  }

  public double heapRatio() {
    return (double) heapUsedAfterGcBytes / heapMaxBytes;
  }

  public double eventLoopRatio() {
    return (double) eventLoopDelayMs / eventLoopDelayBudgetMs;
  }

  /** The largest of the three ratios. */
  public double pressure() {
    return Math.max(heapRatio(), Math.max(cpuLoad, eventLoopRatio()));
  }

  public JsonObject toJson() {
    return new JsonObject().put("heapRatio", heapRatio()).put("cpuLoad", cpuLoad)
        .put("eventLoopRatio", eventLoopRatio()).put("pressure", pressure());
  }
}
