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
 * @param sweep the violation budgets to sweep the governor over (with {@code --sweep}), empty for
 *     each resource's default range; null without {@code --sweep}
 */
public record ReplayOptions(String trace, Set<ReplayResource> resources, List<RecommenderKind> recommenders,
                            String capacity, String output, RecommenderKind outputRecommender, List<Double> sweep) {

  public static final String USAGE = """
      usage: replay --trace usage.csv [--resource cpu|memory] [--recommender governor|vpa|autopilot|static]
                    [--capacity capacity.csv] [--output FILE|-]
             replay --trace usage.csv --sweep [BUDGETS] [--resource cpu|memory] [--capacity capacity.csv]
                    [--output PREFIX]
        --trace        usage trace: entity_id,timestamp_seconds,cpu_cores,memory_bytes (required)
        --resource     replay one resource only (default: both)
        --recommender  replay one recommender only (default: static, vpa, autopilot and governor side by side)
        --capacity     provisioned capacity (entity_id,timestamp_seconds,cpu_cores_provisioned,
                       memory_provisioned_bytes); required by static and autopilot
        --output       write the limit in force at every input row as CSV (- = standard output, and the
                       metrics then go to standard error); the governor's limits unless --recommender is given
        --sweep        replay the governor at each violation budget (comma-separated, each in (0, 0.5]; default
                       a range per resource) next to vpa and autopilot, and read its curve at their violation
                       rates; --output PREFIX writes PREFIX.md and PREFIX.csv (default: Markdown to standard output)""";

  /** Parses arguments; an {@link IllegalArgumentException} carries a message for the user. */
  public static ReplayOptions parse(String[] args) {
    String trace = null;
    String capacity = null;
    String output = null;
    ReplayResource resource = null;
    RecommenderKind recommender = null;
    List<Double> sweep = null;
    for (int i = 0; i < args.length; i++) {
      String flag = args[i];
      String value = i + 1 < args.length ? args[i + 1] : null;
      if (flag.equals("--sweep")) {
        boolean listed = value != null && !value.startsWith("--");
        sweep = listed ? budgets(value) : List.of();
        i += listed ? 1 : 0;
        continue;
      }
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
    if (sweep != null && recommender != null) {
      throw new IllegalArgumentException("--sweep replays the governor, vpa and autopilot: drop --recommender");
    }
    if (sweep != null && "-".equals(output)) {
      throw new IllegalArgumentException("--sweep writes PREFIX.md and PREFIX.csv: --output needs a prefix, not -");
    }
    Set<ReplayResource> resources = resource == null ? EnumSet.allOf(ReplayResource.class) : EnumSet.of(resource);
    List<RecommenderKind> kinds = recommender == null ? List.of(RecommenderKind.values()) : List.of(recommender);
    if (capacity == null && sweep == null) {
      List<String> needing = new ArrayList<>();
      kinds.stream().filter(RecommenderKind::needsCapacity).forEach(k -> needing.add(k.wireName()));
      if (!needing.isEmpty()) {
        throw new IllegalArgumentException("--capacity is required by " + String.join(" and ", needing)
            + (recommender == null ? " (or pick one recommender with --recommender)" : ""));
      }
    }
    return new ReplayOptions(trace, resources, kinds, capacity, output,
        recommender == null ? RecommenderKind.GOVERNOR : recommender, sweep);
  }

  private static List<Double> budgets(String list) {
    List<Double> out = new ArrayList<>();
    for (String item : list.split(",")) {
      double b;
      try {
        b = Double.parseDouble(item.trim());
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("--sweep: '" + item + "' is not a number");
      }
      if (!(b > 0 && b <= 0.5)) {
        throw new IllegalArgumentException("--sweep: each violation budget must be in (0, 0.5], got " + item);
      }
      out.add(b);
    }
    return List.copyOf(out);
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
