package io.agentgovernor.analytics.replay;

/** The provisioned capacity as the limit: the "manually managed" arm of the comparison. */
final class StaticRecommender implements LimitRecommender {

  private final Capacity capacity;
  private final ReplayResource resource;

  StaticRecommender(Capacity capacity, ReplayResource resource) {
    this.capacity = capacity;
    this.resource = resource;
  }

  @Override
  public void observe(long timeSeconds, double usage) {
  }

  @Override
  public double recommend(long timeSeconds) {
    return capacity.at(resource, timeSeconds);
  }
}
