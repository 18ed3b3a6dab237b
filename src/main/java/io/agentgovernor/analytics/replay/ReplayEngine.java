package io.agentgovernor.analytics.replay;

/**
 * Runs one recommender causally over one entity's samples (spec section D): the limit in force at
 * sample {@code k} is computed before sample {@code k} is observed, re-evaluated every
 * {@link #REEVALUATE_SECONDS}, and an overrun is reported to the recommender at the first sample of
 * each run over the limit.
 */
public final class ReplayEngine {

  /** The first 24 h of each entity are history only: not scored, not written. */
  public static final long WARMUP_SECONDS = 86_400;
  public static final long REEVALUATE_SECONDS = 300;
  /** Sample times jitter by about a second; a re-evaluation is due after 90 % of the interval. */
  private static final double DUE_FRACTION = 0.9;

  private ReplayEngine() {
  }

  /**
   * @param inForce the limit at each sample, NaN where the recommender had none
   * @param applied the updater's applied limit at each sample, or null for recommenders without one
   */
  public record Limits(double[] inForce, double[] applied) {
  }

  public static Limits replay(EntitySeries series, ReplayResource resource, LimitRecommender recommender) {
    long[] t = series.times();
    double[] u = series.usage(resource);
    double[] limits = new double[t.length];
    LimitRecommender.Applied updater = recommender instanceof LimitRecommender.Applied a ? a : null;
    double[] applied = updater == null ? null : new double[t.length];
    double current = Double.NaN;
    long lastEvaluation = Long.MIN_VALUE;
    boolean wasOver = false;
    for (int k = 0; k < t.length; k++) {
      if (lastEvaluation == Long.MIN_VALUE || t[k] - lastEvaluation >= REEVALUATE_SECONDS * DUE_FRACTION) {
        current = inUnits(resource, recommender.recommend(t[k]));
        lastEvaluation = t[k];
      }
      limits[k] = current;
      if (applied != null) {
        applied[k] = inUnits(resource, updater.appliedLimit());
      }
      recommender.observe(t[k], u[k]);
      boolean over = u[k] > current;
      if (over && !wasOver) {
        recommender.onOverrun(t[k], u[k], current);
      }
      wasOver = over;
    }
    return new Limits(limits, applied);
  }

  /** Memory limits are whole bytes (rounded up), so the CSV holds exactly the limit scored. */
  private static double inUnits(ReplayResource resource, double limit) {
    return resource == ReplayResource.MEMORY && !Double.isNaN(limit) ? Math.ceil(limit) : limit;
  }
}
