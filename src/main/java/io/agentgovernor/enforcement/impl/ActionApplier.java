package io.agentgovernor.enforcement.impl;

import io.agentgovernor.bus.ControlCommand;
import io.agentgovernor.bus.Addresses;
import io.agentgovernor.bus.ErrorCode;
import io.agentgovernor.bus.GovernorException;
import io.agentgovernor.bus.LocalFirst;
import io.agentgovernor.enforcement.EnforcementHandler;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.json.JsonObject;
import java.util.HashMap;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.concurrent.TimeUnit;

/**
 * Carries out one action on an agent and reports what really happened: each step is a control
 * request to the agent runtime ({@link Addresses#RUNTIME_CONTROL}), whose reply or failure is the
 * outcome. Knows nothing of ladders or policies.
 */
final class ActionApplier {

  private static final long CONTROL_TIMEOUT_MS = 10_000;

  private final Vertx vertx;
  private final EnforcementConfig config;
  private final Migrator migrator;
  private final Map<String, EnforcementHandler> handlers = new HashMap<>();

  ActionApplier(Vertx vertx, EnforcementConfig config, Migrator migrator) {
    this.vertx = vertx;
    this.config = config;
    this.migrator = migrator;
    ServiceLoader.load(EnforcementHandler.class).forEach(h -> handlers.put(h.name(), h));
  }

  /** Applies {@code action}; the future's value is a detail for the record (may be empty). */
  Future<JsonObject> apply(Action a, AgentEnforcement state) {
    return switch (a.action()) {
      case WARN -> Future.succeededFuture(new JsonObject());
      case THROTTLE -> throttle(a.agentId(), state.throttleFactor());
      case SUSPEND -> control(ControlCommand.suspend(a.agentId()));
      case RESUME -> control(ControlCommand.resume(a.agentId()));
      case TERMINATE -> terminate(a);
      case SCALE_DOWN -> control(ControlCommand.scaleDown(a.agentId(), a.resource(),
          0.8 * a.limit(), System.currentTimeMillis() + scaleDownWithin(a)));
      case MIGRATE -> a.params() != null && a.params().getValue("target") instanceof String target
          ? migrator.move(a.agentId(), target)
          : migrator.migrate(a.agentId(), a.resource(), a.current());
      case CUSTOM -> custom(a);
    };
  }

  /** Lifts what {@code action} applied. */
  Future<JsonObject> lift(Action a, AgentEnforcement state) {
    return switch (a.action()) {
      case THROTTLE -> throttle(a.agentId(), state.throttleFactor());
      case SUSPEND -> state.shouldBeSuspended()
          ? Future.succeededFuture(new JsonObject().put("note", "still suspended for another reason"))
          : control(ControlCommand.resume(a.agentId()));
      default -> Future.succeededFuture(new JsonObject());
    };
  }

  Future<JsonObject> throttle(String agentId, double factor) {
    return control(ControlCommand.throttle(agentId, Math.max(0.001, Math.min(1.0, factor))));
  }

  long scaleDownWithin(Action a) {
    return a.params() == null ? config.scaleDownWithinMs()
        : a.params().getLong("withinMs", config.scaleDownWithinMs());
  }

  /** Notice, the grace period, then undeploy; the outcome is the undeploy's. */
  private Future<JsonObject> terminate(Action a) {
    long grace = a.params() == null ? config.terminateGraceMs() : a.params().getLong("graceMs", config.terminateGraceMs());
    long noticeAt = System.nanoTime();
    return control(ControlCommand.notice(a.agentId(), grace))
        .compose(v -> grace == 0 ? Future.succeededFuture() : vertx.timer(grace, TimeUnit.MILLISECONDS))
        .compose(v -> control(ControlCommand.undeploy(a.agentId())))
        .map(r -> r.put("graceMs", grace).put("undeployedAfterMs", (System.nanoTime() - noticeAt) / 1_000_000));
  }

  private Future<JsonObject> custom(Action a) {
    String name = a.params() == null ? null : a.params().getString("handler");
    if (name == null) {
      return Future.failedFuture(GovernorException.invalid("a custom action needs params.handler"));
    }
    long timeout = a.params().getLong("timeoutMs", config.customTimeoutMs());
    JsonObject decision = new JsonObject().put("agentId", a.agentId()).put("resource", a.resource())
        .put("violation", a.violation()).put("current", a.current()).put("limit", a.limit()).put("step", a.step())
        .put("params", a.params());
    EnforcementHandler handler = handlers.get(name);
    Future<JsonObject> result = handler != null
        ? handler.handle(vertx, decision)
        : vertx.eventBus().<JsonObject>request(EnforcementHandler.address(name), decision,
            new DeliveryOptions().setSendTimeout(timeout)).map(m -> m.body() == null ? new JsonObject() : m.body());
    return withTimeout(result, timeout, "custom handler '" + name + "'");
  }

  private Future<JsonObject> withTimeout(Future<JsonObject> f, long timeoutMs, String what) {
    io.vertx.core.Promise<JsonObject> promise = io.vertx.core.Promise.promise();
    long timer = vertx.setTimer(timeoutMs, t -> promise.tryFail(
        new GovernorException(ErrorCode.TIMEOUT, what + " did not answer within " + timeoutMs + " ms")));
    f.onComplete(ar -> {
      vertx.cancelTimer(timer);
      if (ar.succeeded()) {
        promise.tryComplete(ar.result());
      } else {
        promise.tryFail(ar.cause());
      }
    });
    return promise.future();
  }

  Future<JsonObject> control(ControlCommand command) {
    // this node's runtime: enforcement acts on the node's own agents
    return LocalFirst.<JsonObject>request(vertx, Addresses.RUNTIME_CONTROL, command.toJson(),
        new DeliveryOptions().setSendTimeout(CONTROL_TIMEOUT_MS)).map(m -> m.body());
  }

}
