package io.agentgovernor.capacity;

import io.agentgovernor.bus.Json;
import io.agentgovernor.quota.Resource;
import io.vertx.core.json.JsonObject;
import java.lang.management.ManagementFactory;
import java.lang.management.OperatingSystemMXBean;

/**
 * What a node offers its agents, per built-in resource: the total, the part reserved for the
 * governor and the OS, and what is left to allocate.
 *
 * <p>Read from the real JVM and OS where they tell: memory is the JVM's max heap
 * ({@code Runtime.maxMemory()}, the heap agents live in), cpu is 100 × the cores the JVM may use,
 * files is the process's limit of open descriptors ({@code ulimit -n}). Processes, connections,
 * network bandwidth and the message backlog have no OS figure worth trusting and come from the
 * {@code capacity} section of the configuration.
 */
public record NodeSpec(double[] total, double[] reserved) {

  public static NodeSpec measure(JsonObject capacity) {
    double reservedFraction = orDefault(Json.optNumber(capacity, "reservedFraction", "capacity"), 0.10);
    if (reservedFraction < 0 || reservedFraction >= 1) {
      throw io.agentgovernor.bus.GovernorException.invalid("capacity.reservedFraction must be in [0, 1)");
    }
    double[] total = new double[Resource.BUILT_IN_COUNT];
    total[Resource.MEMORY.index()] = Runtime.getRuntime().maxMemory();
    total[Resource.CPU.index()] = 100.0 * Runtime.getRuntime().availableProcessors();
    total[Resource.PROCESSES.index()] = orDefault(Json.optNumber(capacity, "processes", "capacity"), 4096);
    total[Resource.FILES.index()] = maxFileDescriptors();
    total[Resource.CONNECTIONS.index()] = orDefault(Json.optNumber(capacity, "connections", "capacity"), 10_000);
    total[Resource.NETWORK.index()] = orDefault(Json.optNumber(capacity, "networkBytesPerSecond", "capacity"), 125e6);
    total[Resource.MESSAGE_QUEUE.index()] = orDefault(Json.optNumber(capacity, "messageQueue", "capacity"), 1e6);
    double[] reserved = new double[total.length];
    for (int i = 0; i < total.length; i++) {
      reserved[i] = Math.floor(total[i] * reservedFraction);
    }
    return new NodeSpec(total, reserved);
  }

  public double allocatable(Resource r) {
    return total[r.index()] - reserved[r.index()];
  }

  /** Allocatable minus the agents' usage, per resource (may go negative when overcommitted). */
  public double[] spare(double[] used) {
    double[] spare = new double[total.length];
    for (int i = 0; i < total.length; i++) {
      spare[i] = total[i] - reserved[i] - (i < used.length ? used[i] : 0);
    }
    return spare;
  }

  public JsonObject toJson() {
    double[] allocatable = spare(new double[0]);
    return new JsonObject()
        .put("total", CapacityVerticle.vector(total))
        .put("reserved", CapacityVerticle.vector(reserved))
        .put("allocatable", CapacityVerticle.vector(allocatable));
  }

  private static double maxFileDescriptors() {
    OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
    if (os instanceof com.sun.management.UnixOperatingSystemMXBean unix) {
      return unix.getMaxFileDescriptorCount();
    }
    return 4096;
  }

  private static double orDefault(Double v, double d) {
    return v == null ? d : v;
  }
}
