package io.agentgovernor.analytics.replay;

import io.agentgovernor.analytics.recommend.NeedTracker;
import io.agentgovernor.analytics.recommend.RecommendationConfig;
import io.agentgovernor.quota.Resource;

/**
 * The {@code governor} recommender: the {@link NeedTracker} a node keeps for each agent and
 * resource, fed the trace's rows as a node feeds it its samples. Only units change on the way:
 * times go in as epoch milliseconds and CPU in percent of one core, as on a node, and the need
 * comes back in cores.
 */
final class TrackerRecommender implements LimitRecommender {

  private final NeedTracker tracker;
  private final double toNodeUnit;

  TrackerRecommender(ReplayResource resource, RecommendationConfig config) {
    Resource nodeResource = resource == ReplayResource.CPU ? Resource.CPU : Resource.MEMORY;
    this.tracker = new NeedTracker(config.need(nodeResource), config);
    this.toNodeUnit = resource == ReplayResource.CPU ? 100 : 1;
  }

  @Override
  public void observe(long timeSeconds, double usage) {
    tracker.observe(timeSeconds * 1000, usage * toNodeUnit);
  }

  @Override
  public double recommend(long timeSeconds) {
    return tracker.need(timeSeconds * 1000) / toNodeUnit;
  }

  @Override
  public void onOverrun(long timeSeconds, double usage, double limit) {
    tracker.onOverrun(timeSeconds * 1000, usage * toNodeUnit);
  }
}
