package io.agentgovernor.quota;

import io.agentgovernor.bus.ErrorCode;
import io.agentgovernor.bus.GovernorException;
import io.agentgovernor.bus.Ids;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * A measurable resource: one of the eight built in, or a custom one an agent reports by name
 * (LLM tokens per minute, money spent, ...).
 *
 * <p>Each built-in resource has a dense {@link #index()} (0..7) so usage and limits are plain
 * arrays on the hot path. Custom resources are identified by name only.
 */
public final class Resource {

  /** Bytes: the agent's retained state plus the messages buffered for it. */
  public static final Resource MEMORY = new Resource("memory", "bytes", 0, false);
  /** Percent of one core over the sampling interval: 100 = one full core. */
  public static final Resource CPU = new Resource("cpu", "percent", 1, false);
  /** Child deployments and workers the agent owns. */
  public static final Resource PROCESSES = new Resource("processes", "count", 2, false);
  /** Files the agent holds open. */
  public static final Resource FILES = new Resource("files", "count", 3, false);
  /** Network connections the agent holds open. */
  public static final Resource CONNECTIONS = new Resource("connections", "count", 4, false);
  /** Bytes per second in plus out. */
  public static final Resource NETWORK = new Resource("network", "bytes/s", 5, false);
  /** Messages waiting for the agent. */
  public static final Resource MESSAGE_QUEUE = new Resource("message_queue", "count", 6, false);
  /** Bytes on disk held by the files the agent wrote through its context. */
  public static final Resource DISK = new Resource("disk", "bytes", 7, false);

  public static final List<Resource> BUILT_IN =
      List.of(MEMORY, CPU, PROCESSES, FILES, CONNECTIONS, NETWORK, MESSAGE_QUEUE, DISK);

  /** Number of built-in resources: usage vectors are {@code double[BUILT_IN_COUNT]}. */
  public static final int BUILT_IN_COUNT = 8;

  private static final Map<String, Resource> BY_NAME =
      BUILT_IN.stream().collect(Collectors.toUnmodifiableMap(Resource::name, r -> r));

  private final String name;
  private final String unit;
  private final int index;
  private final boolean custom;

  private Resource(String name, String unit, int index, boolean custom) {
    this.name = name;
    this.unit = unit;
    this.index = index;
    this.custom = custom;
  }

  public String name() {
    return name;
  }

  public String unit() {
    return unit;
  }

  public int index() {
    return index;
  }

  public boolean isCustom() {
    return custom;
  }

  /** The built-in resource of that name, or null. */
  public static Resource builtIn(String name) {
    return name == null ? null : BY_NAME.get(name);
  }

  /** The built-in resource at a dense index. */
  public static Resource ofIndex(int index) {
    return BUILT_IN.get(index);
  }

  /**
   * Resolves a resource name from input. Unknown names are refused with
   * {@link ErrorCode#UNKNOWN_RESOURCE} unless {@code custom} is set, in which case the name (which
   * must be a valid id) denotes a custom resource. Custom resources have no dense index
   * ({@code -1}): they are few, reported by the agent, and checked from a small map.
   */
  public static Resource resolve(String name, boolean custom) {
    Resource known = builtIn(name);
    if (known != null) {
      return known;
    }
    if (!custom) {
      throw new GovernorException(ErrorCode.UNKNOWN_RESOURCE, "unknown resource '" + name
          + "': built-in resources are " + BUILT_IN.stream().map(Resource::name).toList()
          + "; mark a custom one with \"custom\": true");
    }
    if (!Ids.isValid(name)) {
      throw new GovernorException(ErrorCode.UNKNOWN_RESOURCE,
          "custom resource names must match [A-Za-z0-9._-]{1,128}");
    }
    return new Resource(name, "units", -1, true);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Resource r && r.name.equals(name);
  }

  @Override
  public int hashCode() {
    return name.hashCode();
  }

  @Override
  public String toString() {
    return name;
  }
}
