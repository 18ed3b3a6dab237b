package io.agentgovernor.degradation.policy;

import io.agentgovernor.bus.GovernorException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Node-level load shedding by criticality: when a node is over its threshold, pick the agents to
 * degrade, lowest priority first (then the largest user first, so fewer agents are touched), until
 * the projected node usage is back under the threshold.
 *
 * <p>Never all at once: a round picks at most {@code maxShare} of the candidates (at least one),
 * and never the last remaining undegraded agent while others exist. The projection is honest
 * about uncertainty: each picked agent is expected to shed only {@code expectedReduction} of its
 * usage (the plan's target), and the feedback loop picks more next round if that was optimistic.
 */
public final class LoadShedder {

  private final double maxShare;

  /** @param maxShare the largest share of candidates degraded in one round, in (0, 1) */
  public LoadShedder(double maxShare) {
    if (!(maxShare > 0 && maxShare < 1)) {
      throw GovernorException.invalid("load shedding maxShare must be in (0, 1), got " + maxShare);
    }
    this.maxShare = maxShare;
  }

  /** At most half the candidates per round. */
  public static LoadShedder ofDefaults() {
    return new LoadShedder(0.5);
  }

  /**
   * @param nodeUsage the node's usage now
   * @param thresholdUsage the usage the node must get under (threshold × capacity)
   * @param expectedReduction the share of its usage a degraded agent is expected to shed, in (0, 1]
   */
  public SheddingPlan select(double nodeUsage, double thresholdUsage, List<AgentLoad> agents,
                            double expectedReduction) {
    if (!(expectedReduction > 0 && expectedReduction <= 1)) {
      throw GovernorException.invalid("expectedReduction must be in (0, 1], got " + expectedReduction);
    }
    List<AgentLoad> candidates = new ArrayList<>(agents.stream().filter(a -> !a.degraded()).toList());
    candidates.sort(Comparator.comparingInt(AgentLoad::priority)
        .thenComparing(Comparator.comparingDouble(AgentLoad::usage).reversed())
        .thenComparing(AgentLoad::agentId));
    int cap = roundCap(candidates.size());
    List<AgentLoad> selected = new ArrayList<>();
    double projected = nodeUsage;
    for (AgentLoad agent : candidates) {
      if (projected <= thresholdUsage || selected.size() >= cap) {
        break;
      }
      selected.add(agent);
      projected -= agent.usage() * expectedReduction;
    }
    return new SheddingPlan(selected, projected, thresholdUsage, projected <= thresholdUsage);
  }

  private int roundCap(int candidates) {
    if (candidates <= 1) {
      return candidates;
    }
    return Math.max(1, Math.min(candidates - 1, (int) Math.floor(candidates * maxShare)));
  }
}
