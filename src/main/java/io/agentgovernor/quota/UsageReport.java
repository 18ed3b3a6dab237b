package io.agentgovernor.quota;

import io.agentgovernor.bus.ErrorCode;
import io.agentgovernor.bus.GovernorException;
import io.agentgovernor.bus.Json;
import io.vertx.core.json.JsonObject;
import java.util.HashMap;
import java.util.Map;

/**
 * Usage given as {@code {resource: amount}} by a client (a compliance query, an outside agent's
 * report), checked: every amount a finite number ≥ 0, every name a built-in resource or a custom
 * resource of the agent's quota.
 *
 * @param builtIn amounts of the built-in resources, indexed by {@link Resource#index()}
 * @param custom amounts of custom resources by name
 */
public record UsageReport(double[] builtIn, Map<String, Double> custom) {

  /** Reads {@code usage}; {@code quota} (may be null) says which custom names are allowed. */
  public static UsageReport parse(JsonObject usage, CompiledQuota quota) {
    if (usage == null) {
      throw GovernorException.invalid("usage is required: {resource: amount}");
    }
    double[] builtIn = new double[Resource.BUILT_IN_COUNT];
    Map<String, Double> custom = new HashMap<>();
    for (String name : usage.fieldNames()) {
      double amount = Json.number(usage, name, "usage");
      if (amount < 0) {
        throw GovernorException.invalid("usage." + name + " must be >= 0");
      }
      Resource r = Resource.builtIn(name);
      if (r != null) {
        builtIn[r.index()] = amount;
      } else if (quota != null && quota.quota().limit(name) != null && quota.quota().limit(name).custom()) {
        custom.put(name, amount);
      } else {
        throw new GovernorException(ErrorCode.UNKNOWN_RESOURCE, "usage." + name
            + ": not a built-in resource nor a custom resource of the agent's quota");
      }
    }
    return new UsageReport(builtIn, custom);
  }
}
