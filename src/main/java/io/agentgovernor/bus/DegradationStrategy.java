package io.agentgovernor.bus;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.Arrays;
import java.util.Locale;

/**
 * A way an agent can shed load, sent to it through its control channel; the agent decides how
 * (and answers {@code applied} or {@code unsupported}). The six are the seed's, and every resource
 * uses them (see {@code degradation.policy.StrategyTable} for which, when) so an agent has one
 * small vocabulary to implement, whatever resource is pressed. The names are the vocabulary of
 * {@link ControlCommand#degrade}, here below the degradation and budget parts that both send them.
 *
 * <p>Each is sent with the seed's parameters for it ({@link #seedParams()}), which a strategy
 * table entry may override or extend; {@code custom} has none and needs a {@code name} from its
 * table entry.
 */
public enum DegradationStrategy {
  /** Reuse results instead of recomputing or refetching (for memory: keep caches small and hot). */
  CACHE_AGGRESSIVELY(new JsonObject().put("cache_size_increase", 2.0).put("cache_duration_increase", 5.0)),
  /** Group work into fewer, larger operations ({@code batch_delay} in milliseconds). */
  BATCH_OPERATIONS(new JsonObject().put("batch_size_increase", 3.0).put("batch_delay", 1000)),
  /** Compute or send less exact results. */
  REDUCE_PRECISION(new JsonObject().put("precision_reduction", 0.5)
      .put("affected_operations", new JsonArray().add("calculations").add("predictions"))),
  /** Skip work and state that are not essential to the agent's purpose. */
  DROP_NON_ESSENTIAL(new JsonObject().put("operations_to_drop",
      new JsonArray().add("detailed_logging").add("metrics_collection").add("optional_validations"))),
  /** Switch to a cheaper algorithm, model or path (the seed gives it no parameters). */
  USE_FALLBACK_ALGORITHM(new JsonObject()),
  /** A strategy the operator defines and the agent knows by its {@code name} parameter. */
  CUSTOM(new JsonObject());

  private final JsonObject seedParams;
  // computed once: the name is read for every step of every pressed track on every sample
  private final String wireName = name().toLowerCase(Locale.ROOT);

  DegradationStrategy(JsonObject seedParams) {
    this.seedParams = seedParams;
  }

  /** The seed's parameters of this strategy (a copy). */
  public JsonObject seedParams() {
    return seedParams.copy();
  }

  public String wireName() {
    return wireName;
  }

  /** Parses a wire name; unknown names are refused with a message listing the known ones. */
  public static DegradationStrategy parse(String name) {
    for (DegradationStrategy s : values()) {
      if (s.wireName().equals(name)) {
        return s;
      }
    }
    throw GovernorException.invalid("unknown degradation strategy '" + name + "': expected one of "
        + Arrays.stream(values()).map(DegradationStrategy::wireName).toList());
  }
}
