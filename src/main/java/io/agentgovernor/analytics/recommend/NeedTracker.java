package io.agentgovernor.analytics.recommend;

/**
 * The governor's recommender for one agent and resource: what the hard limit needs to be, kept
 * up to date sample by sample. A node keeps one per local agent and resource in use and feeds it
 * every sample and every violation episode; {@code replay} feeds it a trace's rows the same way.
 * Causal by construction: {@link #need} only knows what was observed before it.
 *
 * <ol>
 *   <li>Usage goes into a decaying exponential histogram (VPA's structure, 5 % buckets from
 *       {@link NeedModel#firstBucket}), read as a load-weighted percentile (Autopilot's
 *       statistic): {@code 1 - violationBudget}, plus headroom. Load weighting gives spiky usage
 *       more room and flat usage less.</li>
 *   <li>Where the model says so (memory), an overrun sets a floor at
 *       {@code min(max(u * bumpRatio, u + minBump), u * maxBumpOverPeak)} of the usage {@code u}
 *       that went over, held for {@link RecommendationConfig#overrunHold}. It is built from usage,
 *       never from the limit, so repeated overruns cannot ratchet the need up by themselves.</li>
 *   <li>Increases apply at once; decreases at most {@link RecommendationConfig#downStep} per call
 *       of {@link #need}, so shrinking is smooth and never a disruptive change.</li>
 * </ol>
 *
 * <p>Times are epoch milliseconds. Not thread-safe: one owner feeds and reads it.
 */
public final class NeedTracker {

  /** Enough 5 % buckets for eleven decades above the first bucket; the array grows only as far as used. */
  static final int BUCKETS = 520;

  private final NeedModel model;
  private final RecommendationConfig config;
  private final DecayingHistogram histogram;
  private double need = Double.NaN;
  private boolean started;
  private double last;
  private double floor;
  private long floorUntil = Long.MIN_VALUE;

  public NeedTracker(NeedModel model, RecommendationConfig config) {
    this.model = model;
    this.config = config;
    this.histogram = new DecayingHistogram(model.firstBucket(), config.halfLife().toMillis(), BUCKETS);
  }

  /**
   * Adds one observed sample. Zeros before the first non-zero sample are skipped: a resource is
   * tracked from its first use, so one that an agent never uses costs nothing.
   */
  public void observe(long timeMs, double usage) {
    if (!started && usage == 0) {
      return;
    }
    started = true;
    histogram.add(usage, 1.0, timeMs);
    last = usage;
  }

  /**
   * Usage {@code usage} went over the limit in force at {@code timeMs} (the first sample of a run
   * over it), or the agent was killed for this resource.
   */
  public void onOverrun(long timeMs, double usage) {
    if (!model.overrunFloor()) {
      return;
    }
    double bumped = Math.min(usage * config.maxBumpOverPeak(),
        Math.max(usage * config.memoryBumpRatio(), usage + config.memoryMinBumpBytes()));
    floor = timeMs < floorUntil ? Math.max(floor, bumped) : bumped;
    floorUntil = timeMs + config.overrunHold().toMillis();
  }

  /** The last usage observed (0 before any). */
  public double lastUsage() {
    return last;
  }

  /**
   * The hard amount needed from {@code timeMs} on; NaN before the first sample. Each call is one
   * re-evaluation: a decrease is limited relative to the previous call's result.
   */
  public double need(long timeMs) {
    if (histogram.isEmpty()) {
      return Double.NaN;
    }
    double target = Math.max(model.minNeed(), histogram.loadAdjustedPercentile(model.percentile()) * (1 + model.headroom()));
    if (timeMs < floorUntil) {
      target = Math.max(target, floor);
    }
    need = Double.isNaN(need) || target >= need ? target : Math.max(target, need * (1 - config.downStep()));
    return need;
  }

  /** Whether a floor from an overrun holds at {@code timeMs} (for the rationale). */
  public boolean floored(long timeMs) {
    return timeMs < floorUntil && floor >= need;
  }

  public NeedModel model() {
    return model;
  }
}
