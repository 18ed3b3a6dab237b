package io.agentgovernor.enforcement;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;

/**
 * A custom enforcement action, plugged in by name: a ladder step {@code {"action": "custom",
 * "params": {"handler": "<name>", "timeoutMs"?: n}}} runs the handler of that name. Handlers are
 * found through {@link java.util.ServiceLoader} ({@code META-INF/services/io.agentgovernor.enforcement.EnforcementHandler})
 * or, failing that, as an event-bus consumer at {@code governor.enforcement.custom.<name>} that
 * gets the same JSON and replies (or fails) the same way.
 */
public interface EnforcementHandler {

  /** The name ladder steps use. */
  String name();

  /**
   * Acts on a decision {@code {"agentId", "resource", "violation", "current", "limit", "step",
   * "params", "node"}}. Succeeds with details to record, or fails with the reason; a handler that
   * does not complete within its timeout (default 5 s) is recorded as failed.
   */
  Future<JsonObject> handle(Vertx vertx, JsonObject decision);

  /** The event-bus address of a handler living outside the JVM's classpath. */
  static String address(String name) {
    return "governor.enforcement.custom." + name;
  }
}
