package io.agentgovernor.analytics.recommend;

import io.agentgovernor.quota.Resource;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/**
 * Knobs of the {@link RecommendationPolicy}. Build with {@link #custom()} or take {@link #ofDefaults()}.
 *
 * @param headroom margin over the needed amount. Default 0.15, VPA's safety margin: it covers the
 *     5-minute noise of most agents without recommending limits no one uses.
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
 * @param growthHorizon how far ahead a growing agent's trend is extended. Default 1 h: the next
 *     analyses will have corrected it by then.
 * @param leakMinConfidence growing memory at least this confident is reported as a likely leak.
 *     Default 0.7.
 * @param minSamples fewer samples give no recommendation at all. Default 12 (one minute at 5 s).
 * @param maxStepChange the largest relative change per step when a group auto-applies
 *     recommendations ({@link StepGuard}). Default 0.5.
 * @param ceilings per resource, the largest hard limit the governor grants; above it the
 *     recommendation is {@code optimize_code}. Empty by default.
 */
public record RecommendationConfig(double headroom, double softRatio, double deadband, double changeGroupRatio,
                                   double memoryBumpRatio, double memoryMinBumpBytes, double maxBumpOverPeak,
                                   Duration growthHorizon, double leakMinConfidence, int minSamples,
                                   double maxStepChange, Map<Resource, Double> ceilings) {

  public RecommendationConfig {
    check(headroom >= 0 && headroom <= 5, "headroom must be in [0, 5], got " + headroom);
    check(softRatio > 0 && softRatio <= 1, "softRatio must be in (0, 1], got " + softRatio);
    check(deadband >= 0 && deadband < 1, "deadband must be in [0, 1), got " + deadband);
    check(changeGroupRatio > 1, "changeGroupRatio must be > 1, got " + changeGroupRatio);
    check(memoryBumpRatio >= 1, "memoryBumpRatio must be >= 1, got " + memoryBumpRatio);
    check(memoryMinBumpBytes >= 0, "memoryMinBumpBytes must be >= 0, got " + memoryMinBumpBytes);
    check(maxBumpOverPeak >= memoryBumpRatio, "maxBumpOverPeak must be >= memoryBumpRatio, got " + maxBumpOverPeak);
    check(growthHorizon != null && !growthHorizon.isNegative(), "growthHorizon must be >= 0");
    check(leakMinConfidence >= 0 && leakMinConfidence <= 1, "leakMinConfidence must be in [0, 1]");
    check(minSamples >= 1, "minSamples must be >= 1, got " + minSamples);
    check(maxStepChange > 0 && maxStepChange <= 10, "maxStepChange must be in (0, 10], got " + maxStepChange);
    ceilings = Map.copyOf(ceilings);
    ceilings.forEach((r, v) -> check(v > 0, "ceiling of " + r + " must be > 0, got " + v));
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
    private Duration growthHorizon = Duration.ofHours(1);
    private double leakMinConfidence = 0.7;
    private int minSamples = 12;
    private double maxStepChange = 0.5;
    private final Map<Resource, Double> ceilings = new HashMap<>();

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

    public Builder growthHorizon(Duration v) {
      growthHorizon = v;
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

    public RecommendationConfig build() {
      return new RecommendationConfig(headroom, softRatio, deadband, changeGroupRatio, memoryBumpRatio,
          memoryMinBumpBytes, maxBumpOverPeak, growthHorizon, leakMinConfidence, minSamples, maxStepChange, ceilings);
    }
  }
}
