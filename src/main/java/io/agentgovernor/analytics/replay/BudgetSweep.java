package io.agentgovernor.analytics.replay;

import io.agentgovernor.analytics.recommend.RecommendationConfig;
import io.agentgovernor.quota.Resource;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * Replays the governor over a range of violation budgets for one resource, next to the VPA and
 * Autopilot baselines, and reads the governor's curve at each baseline's violation rate: the
 * trade-off the {@code analytics.violationBudget} setting makes, measured.
 */
final class BudgetSweep {

  /** Budgets swept by default: from far below the default to far above it. */
  static final Map<ReplayResource, List<Double>> DEFAULT_BUDGETS = Map.of(
      ReplayResource.CPU, List.of(0.01, 0.02, 0.03, 0.05, 0.07, 0.10, 0.15, 0.20, 0.30),
      ReplayResource.MEMORY, List.of(0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.10, 0.20, 0.30));

  /** One governor run: the budget and what it measured. */
  record Point(double budget, ReplayMetrics metrics) {
  }

  /**
   * The governor's median slack read off its curve at a baseline's violation rate, by linear
   * interpolation between the two swept points around that rate; NaN when the rate is outside the
   * swept range.
   */
  record Comparison(ReplayMetrics baseline, double governorSlack, boolean beaten) {
  }

  /** The sweep of one resource. */
  record Result(ReplayResource resource, List<Point> curve, List<ReplayMetrics> baselines,
                List<Comparison> comparisons) {
  }

  private BudgetSweep() {
  }

  static Result run(Trace trace, ReplayResource resource, List<Double> budgets, Map<String, Capacity> capacities) {
    List<Point> curve = new ArrayList<>();
    for (double budget : budgets) {
      RecommendationConfig config = RecommendationConfig.custom().violationBudget(nodeResource(resource), budget)
          .build();
      curve.add(new Point(budget, replayAll(trace, resource, RecommenderKind.GOVERNOR, capacities, config)));
    }
    List<ReplayMetrics> baselines = new ArrayList<>();
    baselines.add(replayAll(trace, resource, RecommenderKind.VPA, capacities, RecommendationConfig.ofDefaults()));
    if (!capacities.isEmpty()) {
      baselines.add(replayAll(trace, resource, RecommenderKind.AUTOPILOT, capacities,
          RecommendationConfig.ofDefaults()));
    }
    List<Comparison> comparisons = baselines.stream().map(b -> compare(curve, b)).toList();
    return new Result(resource, curve, baselines, comparisons);
  }

  static Comparison compare(List<Point> curve, ReplayMetrics baseline) {
    double slack = slackAt(curve, baseline.overFraction());
    return new Comparison(baseline, slack, slack < baseline.slackMedian());
  }

  /** The curve's median slack at a violation rate: linear between the nearest points on each side. */
  static double slackAt(List<Point> curve, double overFraction) {
    List<Point> sorted = new ArrayList<>(curve);
    sorted.sort(Comparator.comparingDouble(p -> p.metrics().overFraction()));
    for (int i = 0; i + 1 < sorted.size(); i++) {
      ReplayMetrics lo = sorted.get(i).metrics();
      ReplayMetrics hi = sorted.get(i + 1).metrics();
      if (lo.overFraction() <= overFraction && overFraction <= hi.overFraction()) {
        double span = hi.overFraction() - lo.overFraction();
        double f = span == 0 ? 0 : (overFraction - lo.overFraction()) / span;
        return lo.slackMedian() + f * (hi.slackMedian() - lo.slackMedian());
      }
    }
    return Double.NaN;
  }

  static ReplayMetrics replayAll(Trace trace, ReplayResource resource, RecommenderKind kind,
      Map<String, Capacity> capacities, RecommendationConfig config) {
    MetricsAccumulator accumulator = new MetricsAccumulator(kind.wireName(), resource);
    for (EntitySeries entity : trace.entities()) {
      accumulator.add(entity, ReplayEngine.replay(entity, resource,
          kind.create(resource, capacities.get(entity.id()), config)));
    }
    return accumulator.result();
  }

  static Resource nodeResource(ReplayResource resource) {
    return resource == ReplayResource.CPU ? Resource.CPU : Resource.MEMORY;
  }
}
