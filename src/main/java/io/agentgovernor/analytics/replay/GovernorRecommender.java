package io.agentgovernor.analytics.replay;

/** Placeholder. */
final class GovernorRecommender implements LimitRecommender {
  record Settings(double margin) {
    static Settings defaults(ReplayResource r) {
      return new Settings(0.1);
    }
  }

  private final Settings settings;
  private double max;
  private boolean any;

  GovernorRecommender(Settings settings) {
    this.settings = settings;
  }

  @Override
  public void observe(long t, double u) {
    max = Math.max(max, u);
    any = true;
  }

  @Override
  public double recommend(long t) {
    return any ? max * (1 + settings.margin()) : Double.NaN;
  }
}
