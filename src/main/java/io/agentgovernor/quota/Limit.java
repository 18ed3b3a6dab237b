package io.agentgovernor.quota;

import io.agentgovernor.bus.ErrorCode;
import io.agentgovernor.bus.GovernorException;
import io.agentgovernor.bus.Json;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;

/**
 * The limit on one resource: {@code 0 <= soft <= hard <= burst}.
 *
 * <p>Above {@code soft} the agent is warned. Above {@code hard} but at most {@code burst}, the
 * excess is tolerated for {@code burstWindowMs}; beyond that window, or above {@code burst} at
 * once, the {@code ladder} starts. A limit without a burst has {@code burst == hard} and a zero
 * window. An empty ladder means "use the group's or the node's default ladder".
 *
 * @param custom whether the resource is a custom one (reported by the agent); only then may its
 *     name be outside the built-in set
 */
public record Limit(double soft, double hard, double burst, long burstWindowMs, List<LadderStep> ladder,
                    boolean custom) {

  /** Amounts above this are almost certainly a unit mistake (1 EB, or 10^16 % of a core). */
  public static final double MAX_AMOUNT = 1e18;

  public Limit {
    check(soft >= 0, "soft must be >= 0, got " + soft);
    check(hard >= 0, "hard must be >= 0, got " + hard);
    check(burst >= 0, "burst must be >= 0, got " + burst);
    check(Double.isFinite(soft) && Double.isFinite(hard) && Double.isFinite(burst), "amounts must be finite");
    check(soft <= MAX_AMOUNT && hard <= MAX_AMOUNT && burst <= MAX_AMOUNT, "amounts must be at most " + MAX_AMOUNT);
    check(soft <= hard, "soft (" + soft + ") must not exceed hard (" + hard + ")");
    check(hard <= burst, "burst (" + burst + ") must not be below hard (" + hard + ")");
    check(burstWindowMs >= 0 && burstWindowMs <= LadderStep.MAX_DELAY_MS,
        "burstWindowMs must be in [0, " + LadderStep.MAX_DELAY_MS + "], got " + burstWindowMs);
    ladder = ladder == null ? List.of() : List.copyOf(ladder);
    for (int i = 1; i < ladder.size(); i++) {
      check(ladder.get(i).afterMs() >= ladder.get(i - 1).afterMs(),
          "ladder steps must be in order of afterMs (step " + i + " comes before step " + (i - 1) + ")");
    }
  }

  public static Limit of(double soft, double hard) {
    return new Limit(soft, hard, hard, 0, List.of(), false);
  }

  public static Limit of(double soft, double hard, double burst, long burstWindowMs) {
    return new Limit(soft, hard, burst, burstWindowMs, List.of(), false);
  }

  public Limit withLadder(List<LadderStep> steps) {
    return new Limit(soft, hard, burst, burstWindowMs, steps, custom);
  }

  /** Whether the limit carries a burst allowance above hard. */
  public boolean hasBurst() {
    return burst > hard && burstWindowMs > 0;
  }

  /**
   * Classifies one measured amount: null when within soft. Above hard it is {@code BURST} only
   * when the limit has a burst allowance and the amount exceeds it; a limit without one reports
   * {@code HARD} (its ladder starts at once, as there is no window to tolerate).
   */
  public ViolationKind classify(double current) {
    if (current > hard) {
      return current > burst && burst > hard ? ViolationKind.BURST : ViolationKind.HARD;
    }
    return current > soft ? ViolationKind.SOFT : null;
  }

  public JsonObject toJson() {
    JsonObject json = new JsonObject().put("soft", Json.num(soft)).put("hard", Json.num(hard));
    if (burst > hard || burstWindowMs > 0) {
      json.put("burst", Json.num(burst)).put("burstWindowMs", burstWindowMs);
    }
    if (!ladder.isEmpty()) {
      JsonArray steps = new JsonArray();
      ladder.forEach(s -> steps.add(s.toJson()));
      json.put("ladder", steps);
    }
    if (custom) {
      json.put("custom", true);
    }
    return json;
  }

  /**
   * Reads a limit from untrusted JSON, in our form or the seed's ({@link SeedForm#limit});
   * {@code path} (e.g. {@code limits.cpu}, whose last segment names the resource) prefixes every
   * error. Fails with {@link ErrorCode#INVALID_LIMIT} naming the field at fault; unknown fields are
   * refused, never ignored.
   */
  public static Limit fromJson(JsonObject given, String path) {
    try {
      JsonObject json = SeedForm.limit(given, path.substring(path.lastIndexOf('.') + 1), path);
      double soft = Json.number(json, "soft", path);
      double hard = Json.number(json, "hard", path);
      Double burst = Json.optNumber(json, "burst", path);
      Long window = Json.optLong(json, "burstWindowMs", path, 0, LadderStep.MAX_DELAY_MS);
      Boolean custom = Json.optBoolean(json, "custom", path);
      List<LadderStep> ladder = new ArrayList<>();
      JsonArray steps = Json.optArray(json, "ladder", path);
      if (steps != null) {
        for (int i = 0; i < steps.size(); i++) {
          ladder.add(LadderStep.fromJson(Json.object(steps.getValue(i), path + ".ladder[" + i + "]"),
              path + ".ladder[" + i + "]"));
        }
      }
      return new Limit(soft, hard, burst == null ? hard : burst, window == null ? 0 : window, ladder,
          custom != null && custom);
    } catch (LimitException e) {
      throw new GovernorException(ErrorCode.INVALID_LIMIT, path + ": " + e.getMessage());
    } catch (GovernorException e) {
      throw e.code() == ErrorCode.INVALID_LIMIT ? e : new GovernorException(ErrorCode.INVALID_LIMIT, e.getMessage());
    }
  }

  private static void check(boolean condition, String message) {
    if (!condition) {
      throw new LimitException(message);
    }
  }

  /** A limit that breaks an invariant; callers add the field path. */
  static final class LimitException extends GovernorException {
    LimitException(String message) {
      super(ErrorCode.INVALID_LIMIT, message);
    }
  }
}
