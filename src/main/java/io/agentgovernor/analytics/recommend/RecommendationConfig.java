package io.agentgovernor.analytics.recommend;

import io.agentgovernor.quota.Resource;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/**
 * Knobs of the {@link RecommendationPolicy}. Build with {@link #custom()} or take {@link #ofDefaults()}.
 *
 * @param headroom margin over a bursty agent's peak for its burst room. Default 0.15, VPA's safety
 *     margin. (The hard need's own margin is per resource, in its {@link NeedModel}.)
 * @param softRatio soft / hard for a suggestion when the current limit has no usable ratio. Default
 *     0.8: a warning a little before the limit leaves time to react.
 * @param deadband relative changes of hard smaller than this are not recommended. Default 0.10,
 *     the VPA updater's threshold: smaller changes are not worth the churn.
 * @param changeGroupRatio when the need is this many times above or below the hard limit, the
 *     agent is in the wrong group rather than slightly off. Default 4.
 * @param memoryBumpRatio after memory violations or terminations the limit is at least
 *     {@code peak * ratio}. Default 1.2, VPA's OOM bump-up ratio.
 * @param memoryMinBumpBytes and at least {@code peak + this}. Default 100 MiB, VPA's minimum bump.
 * @param maxBumpOverPeak the bump never exceeds {@code peak * this}. The bump is computed from
 *     observed usage, never from the current limit, so a limit that keeps being violated cannot
 *     ratchet itself up; this cap bounds even the first bump. Default 2.
 * @param leakMinConfidence growing memory at least this confident is reported as a likely leak.
 *     Default 0.7.
 * @param minSamples fewer samples give no recommendation at all. Default 12 (one minute at 5 s).
 * @param maxStepChange the largest relative change per step when a group auto-applies
 *     recommendations ({@link StepGuard}). Default 0.5.
 * @param ceilings per resource, the largest hard limit the governor grants; above it the
 *     recommendation is {@code optimize_code}. Empty by default.
 * @param halfLife how fast the {@link NeedTracker}'s usage history forgets. Default 48 h,
 *     Autopilot's: long enough to remember last days' peaks, short enough to follow a change.
 * @param downStep the largest relative decrease of a tracked need per re-evaluation. Default
 *     0.099: just under the deadband, so shrinking never counts as a disruptive change.
 * @param overrunHold how long an overrun's floor holds (resources whose {@link NeedModel} has
 *     one). Default 1 h, as long as a violation used to stay in the node's analysed hour: the
 *     overrun's own sample is in the histogram by then. Longer holds only added slack on the
 *     Bitbrains trace (24 h: 0.554 median slack at 0.22 % of time over, against 0.51).
 * @param needs per resource name, how its need is tracked; a resource not listed uses
 *     {@link #defaultNeed(String)}.
 */
public record RecommendationConfig(double headroom, double softRatio, double deadband, double changeGroupRatio,
                                   double memoryBumpRatio, double memoryMinBumpBytes, double maxBumpOverPeak,
                                   double leakMinConfidence, int minSamples,
                                   double maxStepChange, Map<Resource, Double> ceilings, Duration halfLife,
                                   double downStep, Duration overrunHold, Map<String, NeedModel> needs) {

  /** The default violation budget of CPU and of every resource but memory (see docs/ANALYTICS.md). */
  public static final double CPU_BUDGET = 0.05;
  /** The default violation budget of memory: an overrun is an OOM kill, so ten times tighter. */
  public static final double MEMORY_BUDGET = 0.005;

  public RecommendationConfig {
    check(headroom >= 0 && headroom <= 5, "headroom must be in [0, 5], got " + headroom);
    check(softRatio > 0 && softRatio <= 1, "softRatio must be in (0, 1], got " + softRatio);
    check(deadband >= 0 && deadband < 1, "deadband must be in [0, 1), got " + deadband);
    check(changeGroupRatio > 1, "changeGroupRatio must be > 1, got " + changeGroupRatio);
    check(memoryBumpRatio >= 1, "memoryBumpRatio must be >= 1, got " + memoryBumpRatio);
    check(memoryMinBumpBytes >= 0, "memoryMinBumpBytes must be >= 0, got " + memoryMinBumpBytes);
    check(maxBumpOverPeak >= memoryBumpRatio, "maxBumpOverPeak must be >= memoryBumpRatio, got " + maxBumpOverPeak);
    check(leakMinConfidence >= 0 && leakMinConfidence <= 1, "leakMinConfidence must be in [0, 1]");
    check(minSamples >= 1, "minSamples must be >= 1, got " + minSamples);
    check(maxStepChange > 0 && maxStepChange <= 10, "maxStepChange must be in (0, 10], got " + maxStepChange);
    ceilings = Map.copyOf(ceilings);
    ceilings.forEach((r, v) -> check(v > 0, "ceiling of " + r + " must be > 0, got " + v));
    check(halfLife != null && halfLife.toMinutes() >= 60, "halfLife must be at least 1 h");
    check(downStep > 0 && downStep <= 1, "downStep must be in (0, 1], got " + downStep);
    check(overrunHold != null && !overrunHold.isNegative(), "overrunHold must be >= 0");
    needs = Map.copyOf(needs);
  }

  /** How the need of {@code resource} is tracked. */
  public NeedModel need(Resource resource) {
    return need(resource.name());
  }

  /** How the need of the resource of that name (built-in or custom) is tracked. */
  public NeedModel need(String resource) {
    NeedModel model = needs.get(resource);
    return model != null ? model : defaultNeed(resource);
  }

  /**
   * The defaults, in the node's units. CPU (percent of a core) and every other resource: the
   * load-weighted 95th percentile + 10 % ({@link #CPU_BUDGET}). Memory: the load-weighted 99.5th
   * percentile + 8 % ({@link #MEMORY_BUDGET}), with a floor after an overrun. Buckets start at
   * 0.001 cores, 1 MB, 100 B/s or 0.01 of a count, so a small consumer is not rounded up to a
   * large one's granularity.
   */
  public static NeedModel defaultNeed(String resource) {
    if (Resource.MEMORY.name().equals(resource)) {
      return new NeedModel(MEMORY_BUDGET, 0.08, 1e6, 16.0 * 1024 * 1024, true);
    }
    if (Resource.CPU.name().equals(resource)) {
      return new NeedModel(CPU_BUDGET, 0.10, 0.1, 0.1, false);
    }
    return new NeedModel(CPU_BUDGET, 0.10, Resource.NETWORK.name().equals(resource) ? 100 : 0.01, 0, false);
  }

  public static RecommendationConfig ofDefaults() {
    return custom().build();
  }

  public static Builder custom() {
    return new Builder();
  }

  private static void check(boolean ok, String message) {
    if (!ok) {
      throw new IllegalArgumentException("recommendation config: " + message);
    }
  }

  /** Starts from the defaults. */
  public static final class Builder {
    private double headroom = 0.15;
    private double softRatio = 0.8;
    private double deadband = 0.10;
    private double changeGroupRatio = 4;
    private double memoryBumpRatio = 1.2;
    private double memoryMinBumpBytes = 100.0 * 1024 * 1024;
    private double maxBumpOverPeak = 2;
    private double leakMinConfidence = 0.7;
    private int minSamples = 12;
    private double maxStepChange = 0.5;
    private final Map<Resource, Double> ceilings = new HashMap<>();
    private Duration halfLife = Duration.ofHours(48);
    private double downStep = 0.099;
    private Duration overrunHold = Duration.ofHours(1);
    private final Map<String, NeedModel> needs = new HashMap<>();

    private Builder() {
    }

    public Builder headroom(double v) {
      headroom = v;
      return this;
    }

    public Builder deadband(double v) {
      deadband = v;
      return this;
    }

    public Builder changeGroupRatio(double v) {
      changeGroupRatio = v;
      return this;
    }

    public Builder memoryBump(double ratio, double minBytes, double maxOverPeak) {
      memoryBumpRatio = ratio;
      memoryMinBumpBytes = minBytes;
      maxBumpOverPeak = maxOverPeak;
      return this;
    }

    public Builder minSamples(int v) {
      minSamples = v;
      return this;
    }

    public Builder maxStepChange(double v) {
      maxStepChange = v;
      return this;
    }

    public Builder ceiling(Resource resource, double maxHard) {
      ceilings.put(resource, maxHard);
      return this;
    }

    /** The violation budget of one resource, its other need settings kept (see {@link NeedModel}). */
    public Builder violationBudget(Resource resource, double budget) {
      needs.put(resource.name(), needs.getOrDefault(resource.name(), defaultNeed(resource.name())).withBudget(budget));
      return this;
    }

    public Builder need(Resource resource, NeedModel model) {
      needs.put(resource.name(), model);
      return this;
    }

    public Builder halfLife(Duration v) {
      halfLife = v;
      return this;
    }

    public Builder downStep(double v) {
      downStep = v;
      return this;
    }

    public Builder overrunHold(Duration v) {
      overrunHold = v;
      return this;
    }

    public RecommendationConfig build() {
      return new RecommendationConfig(headroom, softRatio, deadband, changeGroupRatio, memoryBumpRatio,
          memoryMinBumpBytes, maxBumpOverPeak, leakMinConfidence, minSamples, maxStepChange, ceilings,
          halfLife, downStep, overrunHold, needs);
    }
  }
}
