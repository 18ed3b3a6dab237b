package io.agentgovernor.enforcement.policy;

import io.agentgovernor.bus.GovernorException;

/**
 * The closed loop behind the {@code throttle} action, for one agent and resource.
 *
 * <p>Kafka's client quotas delay a client by {@code (observed - target) / target × window}, which
 * scales its effective rate by {@code target / observed}. Here the same correction is a factor on
 * the agent's rate: the agent's demand is estimated as {@code observed / factor} (smoothed, so
 * one noisy sample does not swing the throttle) and the factor aimed at is
 * {@code target / demand}, with {@code target = targetFraction × hard}. Each interval the factor
 * moves towards it by at most {@code maxDecrease} / {@code maxIncrease} (bounded steps: no
 * oscillation from one outlier sample) and never below {@code minFactor}.
 *
 * <p>The first factor comes from the {@link FactorTable}. The throttle is lifted (factor 1, state
 * {@code LIFTED}) only when the loop has already opened it fully and usage has stayed under
 * {@code liftFraction × hard} for {@code liftHoldIntervals} intervals, so a throttle is not dropped
 * while the agent would exceed its limit again at once. A lifted controller stays lifted: a new
 * violation goes through the escalation ladder and starts a new controller.
 *
 * <p>Hard limits are passed each interval so a raised (or lowered) limit takes effect at once.
 * Not thread-safe; one controller per agent and resource, driven by one sampler.
 */
public final class ThrottleController {

  private final ThrottleConfig config;
  private double factor;
  private double demandEstimate;
  private int intervalsUnder;
  private ThrottleStep.State state = ThrottleStep.State.THROTTLING;

  private ThrottleController(ThrottleConfig config, double factor, double demandEstimate) {
    this.config = config;
    this.factor = factor;
    this.demandEstimate = demandEstimate;
  }

  /**
   * Starts a throttle on an agent measured at {@code observed} (unthrottled) against {@code hard}.
   * The factor is the table's, but never below {@code minFactor}.
   */
  public static ThrottleController start(ThrottleConfig config, double observed, double hard) {
    checkAmounts(observed, hard);
    double first = Math.max(config.minFactor(), config.table().factorFor(observed, hard));
    return new ThrottleController(config, first, observed);
  }

  public double factor() {
    return factor;
  }

  public ThrottleStep.State state() {
    return state;
  }

  /** Feeds the usage observed during the last interval (under the current factor) and returns the next factor. */
  public ThrottleStep update(double observed, double hard) {
    checkAmounts(observed, hard);
    double target = config.targetFraction() * hard;
    if (state == ThrottleStep.State.LIFTED) {
      return step(observed, target);
    }
    estimateDemand(observed);
    factor = nextFactor(target);
    liftIfSettled(observed, hard);
    return step(observed, target);
  }

  private void estimateDemand(double observed) {
    double sample = observed / factor;
    demandEstimate = config.smoothing() * sample + (1 - config.smoothing()) * demandEstimate;
  }

  private double nextFactor(double target) {
    double desired = demandEstimate <= 0 ? 1.0 : target / demandEstimate;
    double bounded = clamp(desired, factor * config.maxDecrease(), factor * config.maxIncrease());
    return clamp(bounded, config.minFactor(), 1.0);
  }

  private void liftIfSettled(double observed, double hard) {
    if (factor >= 1.0 && observed <= config.liftFraction() * hard) {
      intervalsUnder++;
    } else {
      intervalsUnder = 0;
    }
    if (intervalsUnder >= config.liftHoldIntervals()) {
      factor = 1.0;
      state = ThrottleStep.State.LIFTED;
    }
  }

  private ThrottleStep step(double observed, double target) {
    return new ThrottleStep(factor, observed, target, kafkaThrottleTimeMs(observed, target), state);
  }

  private long kafkaThrottleTimeMs(double observed, double target) {
    if (state == ThrottleStep.State.LIFTED || target <= 0 || observed <= target) {
      return 0;
    }
    double delay = (observed - target) / target * config.windowMs();
    return (long) Math.min(delay, config.maxThrottleTimeMs());
  }

  private static double clamp(double value, double min, double max) {
    return Math.max(min, Math.min(max, value));
  }

  private static void checkAmounts(double observed, double hard) {
    if (!Double.isFinite(observed) || observed < 0 || !Double.isFinite(hard) || hard < 0) {
      throw GovernorException.invalid("throttle: usage and limit must be finite and >= 0, got " + observed
          + " and " + hard);
    }
  }
}
