package io.agentgovernor.degradation.policy;

import io.agentgovernor.bus.GovernorException;
import java.util.Arrays;
import java.util.Locale;

/**
 * A way an agent can shed load, sent to it through its control channel; the agent decides how
 * (and answers {@code applied} or {@code unsupported}). The five are the seed's; every resource
 * uses these five (see {@link DegradationConfig} for which, when) so an agent has one small
 * vocabulary to implement, whatever resource is pressed.
 */
public enum DegradationStrategy {
  /** Reuse results instead of recomputing or refetching (for memory: keep caches small and hot). */
  CACHE_AGGRESSIVELY,
  /** Group work into fewer, larger operations. */
  BATCH_OPERATIONS,
  /** Compute or send less exact results. */
  REDUCE_PRECISION,
  /** Skip work and state that are not essential to the agent's purpose. */
  DROP_NON_ESSENTIAL,
  /** Switch to a cheaper algorithm, model or path. */
  USE_FALLBACK_ALGORITHM;

  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
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
