package io.agentgovernor.analytics.replay;

/**
 * A recommender replayed over one entity's usage of one resource. The replay calls it in time
 * order: {@link #recommend} at a sample sees only what {@link #observe} was given before, so a
 * limit can never depend on the sample it governs or on any later one.
 */
public interface LimitRecommender {

  /** Adds one observed sample. */
  void observe(long timeSeconds, double usage);

  /**
   * The limit to put in force from {@code timeSeconds} on, from the samples observed so far;
   * {@code NaN} while the recommender has no opinion yet.
   */
  double recommend(long timeSeconds);

  /**
   * Usage went over the limit in force at this sample (the first sample of a run over the limit):
   * the replay's stand-in for an OOM kill or a throttling episode.
   */
  default void onOverrun(long timeSeconds, double usage, double limit) {
  }

  /** A recommender whose limit is applied by a separate updater (VPA): the updater's request. */
  interface Applied {
    /** The value the updater has applied so far, or NaN. */
    double appliedLimit();
  }
}
