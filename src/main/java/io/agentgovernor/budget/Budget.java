package io.agentgovernor.budget;

import io.agentgovernor.bus.ErrorCode;
import io.agentgovernor.bus.GovernorException;
import io.agentgovernor.bus.Ids;
import io.agentgovernor.bus.Json;
import io.agentgovernor.bus.DegradationStrategy;
import io.vertx.core.json.JsonObject;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A spend budget: at most {@code amount} of {@code resource} per {@code window}, for everything the
 * agents inside {@code scope}/{@code target} reserve. JSON: {@code {"id", "resource", "amount",
 * "window", "scope", "target"?, "action"?}}; {@code target} names the agent, group or tenant and is
 * absent for the cluster scope. {@code action} is what happens at 100 %: {@code deny} (the
 * default: the reservation is refused), {@code queue} (the reservation waits until the window
 * refills, up to {@code budgets.maxQueueMs}, then is refused) or the name of a degradation
 * strategy (refused, and the agent is told to degrade with that strategy).
 *
 * @param amount in the resource's own unit (tokens, micro-dollars, bytes, ...), a whole number
 */
public record Budget(String id, String resource, long amount, BudgetWindow window, BudgetScope scope, String target,
                     String action) {

  public static final String DENY = "deny";
  public static final String QUEUE = "queue";
  /** Gauges of the agent's state, not something spent: they cannot be budgeted. */
  private static final Set<String> NOT_COUNTABLE = Set.of("memory", "cpu", "message_queue");
  private static final Pattern RESOURCE = Pattern.compile("[a-z][a-z0-9_]{0,63}");
  private static final Set<String> FIELDS = Set.of("id", "resource", "amount", "window", "scope", "target", "action");

  public Budget {
    Ids.require(id, "id");
    requireResource(resource);
    if (amount < 1) {
      throw new GovernorException(ErrorCode.INVALID_LIMIT, "amount must be a whole number >= 1");
    }
    if (scope == BudgetScope.CLUSTER) {
      if (target != null) {
        throw GovernorException.invalid("a cluster budget has no target");
      }
    } else {
      Ids.require(target, "target (the " + scope.wireName() + " the budget bounds)");
    }
    if (window == BudgetWindow.RUN && scope != BudgetScope.AGENT) {
      throw GovernorException.invalid("the run window applies to agent budgets only (one run of that agent)");
    }
    action = action == null ? DENY : action;
    if (!action.equals(DENY) && !action.equals(QUEUE)) {
      DegradationStrategy strategy = DegradationStrategy.parse(action);
      if (strategy == DegradationStrategy.CUSTOM) {
        throw GovernorException.invalid("action: a budget names a built-in strategy, not custom");
      }
    }
  }

  /** Checks a resource name: a custom name or a countable built-in one. */
  public static String requireResource(String resource) {
    if (resource == null || !RESOURCE.matcher(resource).matches()) {
      throw new GovernorException(ErrorCode.UNKNOWN_RESOURCE,
          "resource must be a name of lowercase letters, digits and '_' (1..64, e.g. llm_tokens)");
    }
    if (NOT_COUNTABLE.contains(resource)) {
      throw new GovernorException(ErrorCode.UNKNOWN_RESOURCE, "'" + resource
          + "' is a level, not something spent: budgets take custom resources or processes, files, connections, network, disk");
    }
    return resource;
  }

  /** Whether the action is a degradation strategy (neither deny nor queue). */
  public boolean degrades() {
    return !action.equals(DENY) && !action.equals(QUEUE);
  }

  public static Budget fromJson(JsonObject json) {
    for (String field : json.fieldNames()) {
      if (!FIELDS.contains(field)) {
        throw GovernorException.invalid("unknown field '" + field + "' (a budget has " + FIELDS + ")");
      }
    }
    Long amount = Json.optLong(json, "amount", "budget", 1, Long.MAX_VALUE / 4);
    if (amount == null) {
      throw new GovernorException(ErrorCode.INVALID_LIMIT, "amount is required: a whole number >= 1");
    }
    return new Budget(Json.string(json, "id", "budget"), Json.string(json, "resource", "budget"), amount,
        BudgetWindow.of(Json.string(json, "window", "budget")), BudgetScope.of(Json.string(json, "scope", "budget")),
        Json.optString(json, "target", "budget"), Json.optString(json, "action", "budget"));
  }

  public JsonObject toJson() {
    JsonObject json = new JsonObject().put("id", id).put("resource", resource).put("amount", amount)
        .put("window", window.wireName()).put("scope", scope.wireName());
    if (target != null) {
      json.put("target", target);
    }
    return json.put("action", action);
  }
}
