package io.agentgovernor.degradation.impl;

import io.agentgovernor.bus.ControlCommand;
import io.agentgovernor.bus.Addresses;
import io.agentgovernor.bus.LocalFirst;
import io.agentgovernor.degradation.policy.StrategyStep;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.json.JsonObject;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Sends degradation commands to agents ({@code degrade} on {@link Addresses#RUNTIME_CONTROL}) and
 * hand-overs to enforcement ({@link Addresses#ENFORCEMENT_ACTION}). Commands to one agent run one
 * after the other, in the order asked, so a lift never overtakes the apply it undoes.
 */
final class AgentCommands {

  private static final DeliveryOptions TIMEOUT = new DeliveryOptions().setSendTimeout(5_000);

  private final Vertx vertx;
  private final Map<String, Future<?>> tails = new HashMap<>();

  AgentCommands(Vertx vertx) {
    this.vertx = vertx;
  }

  /** Applies the strategies in order; completes with strategy → applied | unsupported | failed: reason. */
  Future<Map<String, String>> apply(String agentId, List<StrategyStep> steps) {
    Map<String, String> outcomes = new LinkedHashMap<>();
    return chain(agentId, () -> {
      Future<Void> f = Future.succeededFuture();
      for (StrategyStep step : steps) {
        f = f.compose(v -> degrade(agentId, step, true).map(o -> {
          outcomes.put(step.strategy().wireName(), o);
          return null;
        }));
      }
      return f.map(v -> outcomes);
    });
  }

  /** Lifts ({@code active} false) or re-applies one strategy; completes with the outcome. */
  Future<String> set(String agentId, StrategyStep step, boolean active) {
    return chain(agentId, () -> degrade(agentId, step, active));
  }

  /** Asks enforcement to act on the agent; completes with the enforcement event's outcome. */
  Future<String> enforce(String agentId, String action, JsonObject params, String reason) {
    JsonObject request = new JsonObject().put("agentId", agentId).put("action", action).put("reason", reason);
    if (params != null) {
      request.put("params", params);
    }
    return chain(agentId, () -> LocalFirst.<JsonObject>request(vertx, Addresses.ENFORCEMENT_ACTION, request, TIMEOUT)
        .map(m -> m.body().getString("outcome", "unknown"))
        .recover(e -> Future.succeededFuture("failed: " + e.getMessage())));
  }

  /** Forgets the command queues of agents that are gone. */
  void retain(java.util.function.Predicate<String> alive) {
    tails.keySet().removeIf(id -> !alive.test(id));
  }

  private Future<String> degrade(String agentId, StrategyStep step, boolean active) {
    return LocalFirst.<JsonObject>request(vertx, Addresses.RUNTIME_CONTROL,
            ControlCommand.degrade(agentId, step.strategy().wireName(), step.params(), active).toJson(), TIMEOUT)
        .map(m -> m.body().getString("outcome", "unknown"))
        // A lost or refused command is an answer too: the feedback treats it as no effect.
        .recover(e -> Future.succeededFuture("failed: " + e.getMessage()));
  }

  private <T> Future<T> chain(String agentId, Supplier<Future<T>> command) {
    Future<?> tail = tails.getOrDefault(agentId, Future.succeededFuture());
    Future<T> next = tail.transform(x -> command.get());
    tails.put(agentId, next);
    return next;
  }
}
