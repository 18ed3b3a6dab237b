package io.agentgovernor.capacity;

import io.agentgovernor.bus.GovernorException;
import io.agentgovernor.bus.Json;
import io.agentgovernor.quota.Resource;
import io.vertx.core.json.JsonObject;
import java.io.File;
import java.lang.management.ManagementFactory;
import java.lang.management.OperatingSystemMXBean;
import java.util.Map;

/**
 * What a node offers its agents, per built-in resource: the total, the part reserved for the
 * governor and the OS, and what is left to allocate.
 *
 * <p>Read from the real JVM and OS where they tell: memory is the JVM's max heap
 * ({@code Runtime.maxMemory()}, the heap agents live in), cpu is 100 × the cores the JVM may use,
 * disk the usable space of the file system of the working directory. files is the seed's 10,000
 * (configurable), but never more than the process's limit of open descriptors ({@code ulimit -n}).
 * Processes, connections, network bandwidth and the message backlog have no OS figure worth
 * trusting and come from the {@code capacity} section of the configuration.
 *
 * <p>Reserved, per resource, as a fraction of the total ({@code capacity.reserve}); the defaults
 * are the seed's system reserves: memory 25 %, cpu 20 %, processes 10 %, files 10 % (1,000 of
 * 10,000), network 10 % (100 Mbit/s of 1 Gbit/s). The seed reserves nothing it names for
 * connections, message_queue and disk: those keep {@code capacity.reservedFraction} (10 %).
 */
public record NodeSpec(double[] total, double[] reserved) {

  /** The seed's system reserves, as fractions of each total. */
  public static final Map<Resource, Double> SEED_RESERVES = Map.of(
      Resource.MEMORY, 0.25, Resource.CPU, 0.20, Resource.PROCESSES, 0.10, Resource.FILES, 0.10,
      Resource.NETWORK, 0.10);

  public static NodeSpec measure(JsonObject capacity) {
    double otherwise = fraction(Json.optNumber(capacity, "reservedFraction", "capacity"), 0.10, "capacity.reservedFraction");
    JsonObject reserve = Json.optObject(capacity, "reserve", "capacity");
    double[] total = new double[Resource.BUILT_IN_COUNT];
    total[Resource.MEMORY.index()] = Runtime.getRuntime().maxMemory();
    total[Resource.CPU.index()] = 100.0 * Runtime.getRuntime().availableProcessors();
    total[Resource.PROCESSES.index()] = orDefault(Json.optNumber(capacity, "processes", "capacity"), 4096);
    total[Resource.FILES.index()] = Math.min(orDefault(Json.optNumber(capacity, "files", "capacity"), 10_000),
        maxFileDescriptors());
    total[Resource.CONNECTIONS.index()] = orDefault(Json.optNumber(capacity, "connections", "capacity"), 10_000);
    total[Resource.NETWORK.index()] = orDefault(Json.optNumber(capacity, "networkBytesPerSecond", "capacity"), 125e6);
    total[Resource.MESSAGE_QUEUE.index()] = orDefault(Json.optNumber(capacity, "messageQueue", "capacity"), 1e6);
    total[Resource.DISK.index()] = orDefault(Json.optNumber(capacity, "diskBytes", "capacity"),
        (double) new File(".").getUsableSpace());
    if (reserve != null) {
      for (String name : reserve.fieldNames()) {
        if (Resource.builtIn(name) == null) {
          throw GovernorException.invalid("capacity.reserve." + name + ": unknown resource; expected one of "
              + Resource.BUILT_IN.stream().map(Resource::name).toList());
        }
      }
    }
    double[] reserved = new double[total.length];
    for (Resource r : Resource.BUILT_IN) {
      Double given = reserve == null ? null : Json.optNumber(reserve, r.name(), "capacity.reserve");
      double fraction = fraction(given, SEED_RESERVES.getOrDefault(r, otherwise), "capacity.reserve." + r.name());
      reserved[r.index()] = Math.floor(total[r.index()] * fraction);
    }
    return new NodeSpec(total, reserved);
  }

  private static double fraction(Double given, double otherwise, String path) {
    double f = given == null ? otherwise : given;
    if (!(f >= 0 && f < 1)) {
      throw GovernorException.invalid(path + " must be a fraction in [0, 1), got " + f);
    }
    return f;
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
