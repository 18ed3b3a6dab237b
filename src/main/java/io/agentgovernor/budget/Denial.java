package io.agentgovernor.budget;

import io.vertx.core.json.JsonObject;

/**
 * Why a reservation was refused: the budget that refused (of all that enclose the agent, the first
 * found without room), what it has left, what is reserved and not yet settled, and when it refills.
 *
 * @param refillsAt epoch ms of the window's end, or -1 when it never refills with time (run, lifetime)
 */
public record Denial(String budgetId, String scope, String target, long amount, long remaining, long outstanding,
                     long committed, long refillsAt, String action) {

  public JsonObject toJson() {
    JsonObject json = new JsonObject().put("budgetId", budgetId).put("scope", scope).put("amount", amount)
        .put("remaining", remaining).put("outstanding", outstanding).put("committed", committed)
        .put("refillsAt", refillsAt).put("action", action);
    return target == null ? json : json.put("target", target);
  }

  public static Denial fromJson(JsonObject json) {
    return new Denial(json.getString("budgetId"), json.getString("scope"), json.getString("target"),
        json.getLong("amount", 0L), json.getLong("remaining", 0L), json.getLong("outstanding", 0L),
        json.getLong("committed", 0L), json.getLong("refillsAt", -1L), json.getString("action"));
  }

  /** One line for logs and error messages. */
  public String explain() {
    return "budget '" + budgetId + "' (" + scope + (target == null ? "" : " " + target) + ") has " + remaining
        + " of " + amount + " left, " + outstanding + " outstanding"
        + (refillsAt > 0 ? ", refills at " + java.time.Instant.ofEpochMilli(refillsAt) : ", never refills");
  }
}
