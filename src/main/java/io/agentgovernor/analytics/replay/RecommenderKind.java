package io.agentgovernor.analytics.replay;

import io.agentgovernor.analytics.recommend.RecommendationConfig;
import java.util.Locale;

/** The recommenders the replay can run, by their command-line names. */
public enum RecommenderKind {
  STATIC(true),
  VPA(false),
  AUTOPILOT(true),
  GOVERNOR(false);

  private final boolean needsCapacity;

  RecommenderKind(boolean needsCapacity) {
    this.needsCapacity = needsCapacity;
  }

  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** Static uses the capacity as the limit; Autopilot spans its histogram over 1.5 x capacity. */
  public boolean needsCapacity() {
    return needsCapacity;
  }

  /** A fresh recommender for one entity and resource; {@code capacity} may be null if not needed. */
  public LimitRecommender create(ReplayResource resource, Capacity capacity) {
    return create(resource, capacity, RecommendationConfig.ofDefaults());
  }

  /** The same, with the governor's settings given (the baselines ignore them). */
  public LimitRecommender create(ReplayResource resource, Capacity capacity, RecommendationConfig governor) {
    return switch (this) {
      case STATIC -> new StaticRecommender(capacity, resource);
      case VPA -> new VpaRecommender(resource);
      case AUTOPILOT -> new AutopilotRecommender(capacity.initial(resource),
          AutopilotRecommender.Settings.defaults(resource));
      case GOVERNOR -> new TrackerRecommender(resource, governor);
    };
  }

  /** The kind of that name, or null. */
  public static RecommenderKind of(String name) {
    for (RecommenderKind k : values()) {
      if (k.wireName().equals(name)) {
        return k;
      }
    }
    return null;
  }
}
