package io.agentgovernor.analytics.replay;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * The replay command's options, validated.
 *
 * @param output the limits CSV to write, {@code "-"} for standard output, or null
 * @param outputRecommender whose limits go to {@code output}: the one asked for, else governor
 */
public record ReplayOptions(String trace, Set<ReplayResource> resources, List<RecommenderKind> recommenders,
                            String capacity, String output, RecommenderKind outputRecommender) {

  public static final String USAGE = """
      usage: replay --trace usage.csv [--resource cpu|memory] [--recommender governor|vpa|autopilot|static]
                    [--capacity capacity.csv] [--output FILE|-]
        --trace        usage trace: entity_id,timestamp_seconds,cpu_cores,memory_bytes (required)
        --resource     replay one resource only (default: both)
        --recommender  replay one recommender only (default: static, vpa, autopilot and governor side by side)
        --capacity     provisioned capacity (entity_id,timestamp_seconds,cpu_cores_provisioned,
                       memory_provisioned_bytes); required by static and autopilot
        --output       write the limit in force at every input row as CSV (- = standard output, and the
                       metrics then go to standard error); the governor's limits unless --recommender is given""";

  /** Parses arguments; an {@link IllegalArgumentException} carries a message for the user. */
  public static ReplayOptions parse(String[] args) {
    String trace = null;
    String capacity = null;
    String output = null;
    ReplayResource resource = null;
    RecommenderKind recommender = null;
    for (int i = 0; i < args.length; i++) {
      String flag = args[i];
      String value = i + 1 < args.length ? args[i + 1] : null;
      switch (flag) {
        case "--trace" -> trace = require(flag, value);
        case "--capacity" -> capacity = require(flag, value);
        case "--output" -> output = require(flag, value);
        case "--resource" -> resource = oneOf(flag, value, ReplayResource.of(value), "cpu|memory");
        case "--recommender" -> recommender = oneOf(flag, value, RecommenderKind.of(value),
            "governor|vpa|autopilot|static");
        default -> throw new IllegalArgumentException("unknown option '" + flag + "'");
      }
      i++;
    }
    if (trace == null) {
      throw new IllegalArgumentException("--trace is required");
    }
    Set<ReplayResource> resources = resource == null ? EnumSet.allOf(ReplayResource.class) : EnumSet.of(resource);
    List<RecommenderKind> kinds = recommender == null ? List.of(RecommenderKind.values()) : List.of(recommender);
    if (capacity == null) {
      List<String> needing = new ArrayList<>();
      kinds.stream().filter(RecommenderKind::needsCapacity).forEach(k -> needing.add(k.wireName()));
      if (!needing.isEmpty()) {
        throw new IllegalArgumentException("--capacity is required by " + String.join(" and ", needing)
            + (recommender == null ? " (or pick one recommender with --recommender)" : ""));
      }
    }
    return new ReplayOptions(trace, resources, kinds, capacity, output,
        recommender == null ? RecommenderKind.GOVERNOR : recommender);
  }

  private static String require(String flag, String value) {
    if (value == null || value.startsWith("--")) {
      throw new IllegalArgumentException(flag + " needs a value");
    }
    return value;
  }

  private static <T> T oneOf(String flag, String value, T parsed, String allowed) {
    require(flag, value);
    if (parsed == null) {
      throw new IllegalArgumentException(flag + " must be one of " + allowed + ", got '" + value + "'");
    }
    return parsed;
  }
}
