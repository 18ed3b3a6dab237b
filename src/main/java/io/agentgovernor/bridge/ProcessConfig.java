package io.agentgovernor.bridge;

import io.agentgovernor.bus.GovernorException;
import io.agentgovernor.bus.Json;
import io.vertx.core.json.JsonObject;
import java.util.Set;

/**
 * The {@code process} section: how the node runs agents of type {@code process}, which it starts
 * itself. Validated at node start; an unknown field or a value out of range stops the node.
 *
 * @param enabled           whether {@code "type": "process"} may be deployed at all (it runs any
 *                          command an operator names, as the node's user)
 * @param cgroupRoot        where the cgroup file systems are mounted
 * @param cgroups           false: never make cgroups; measure from /proc and signal instead
 * @param cpuPeriodUs       the cfs period the cpu limit is spread over
 * @param stopGraceMs       between SIGTERM and SIGKILL when an agent is undeployed without a notice
 * @param measureIntervalMs how often each process agent's usage is read
 * @param outputDir         where each agent's stdout and stderr go ({@code <id>.log}), unless its
 *                          config names an {@code output} file; empty: {@code <dataDir>/process-agents}
 */
public record ProcessConfig(boolean enabled, String cgroupRoot, boolean cgroups, long cpuPeriodUs, long stopGraceMs,
                            long measureIntervalMs, String outputDir) {

  private static final String PATH = "process";
  private static final Set<String> FIELDS = Set.of("enabled", "cgroupRoot", "cgroups", "cpuPeriodUs", "stopGraceMs",
      "measureIntervalMs", "outputDir");

  public static ProcessConfig fromJson(JsonObject json) {
    for (String field : json.fieldNames()) {
      if (!FIELDS.contains(field)) {
        throw GovernorException.invalid(PATH + ": unknown field '" + field + "': expected one of "
            + FIELDS.stream().sorted().toList());
      }
    }
    Boolean enabled = Json.optBoolean(json, "enabled", PATH);
    Boolean cgroups = Json.optBoolean(json, "cgroups", PATH);
    String root = Json.optString(json, "cgroupRoot", PATH);
    if (root != null && !root.startsWith("/")) {
      throw GovernorException.invalid(PATH + ".cgroupRoot must be an absolute path, got '" + root + "'");
    }
    String outputDir = Json.optString(json, "outputDir", PATH);
    return new ProcessConfig(enabled != null && enabled, root == null ? "/sys/fs/cgroup" : root,
        cgroups == null || cgroups,
        whole(json, "cpuPeriodUs", 100_000, 1_000, 1_000_000),
        whole(json, "stopGraceMs", 5_000, 0, 600_000),
        whole(json, "measureIntervalMs", 1_000, 100, 60_000),
        outputDir == null ? "" : outputDir);
  }

  private static long whole(JsonObject json, String field, long dflt, long min, long max) {
    Long value = Json.optLong(json, field, PATH, min, max);
    return value == null ? dflt : value;
  }
}
