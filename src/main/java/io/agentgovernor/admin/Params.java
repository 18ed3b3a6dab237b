package io.agentgovernor.admin;

import io.agentgovernor.bus.GovernorException;
import io.agentgovernor.bus.Ids;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

/**
 * Reads untrusted request parts into the JSON requests of the event-bus contract. Every method
 * fails with a {@link GovernorException} naming the offending parameter, so the client learns what
 * to fix from the 400 it gets.
 */
final class Params {

  private Params() {
  }

  /** Every path parameter is an id ({@code [A-Za-z0-9._-]{1,128}}): checked once for all routes. */
  static void checkPathIds(RoutingContext ctx) {
    ctx.pathParams().forEach((name, value) -> Ids.require(value, name));
    ctx.next();
  }

  static String path(RoutingContext ctx, String name) {
    return Ids.require(ctx.pathParam(name), name);
  }

  /** {@code {"agentId": <path id>}}: the request of most per-agent queries. */
  static JsonObject agent(RoutingContext ctx) {
    return new JsonObject().put("agentId", path(ctx, "id"));
  }

  /** Copies {@code offset} and {@code limit} (whole numbers) into the request. */
  static JsonObject page(RoutingContext ctx, JsonObject request) {
    optLong(ctx, "offset", request, 0, Integer.MAX_VALUE);
    optLong(ctx, "limit", request, 1, 1000);
    return request;
  }

  /** Copies {@code from} and {@code to} (epoch ms) into the request, refusing from &gt; to. */
  static JsonObject range(RoutingContext ctx, JsonObject request) {
    Long from = optLong(ctx, "from", request, 0, Long.MAX_VALUE);
    Long to = optLong(ctx, "to", request, 0, Long.MAX_VALUE);
    if (from != null && to != null && from > to) {
      throw new GovernorException(io.agentgovernor.bus.ErrorCode.INVALID_RANGE, "from must not be after to");
    }
    return request;
  }

  /** Copies an optional id-shaped query parameter into the request under {@code field}. */
  static JsonObject optId(RoutingContext ctx, String param, String field, JsonObject request) {
    String value = ctx.request().getParam(param);
    if (value != null) {
      request.put(field, Ids.require(value, param));
    }
    return request;
  }

  static Long optLong(RoutingContext ctx, String param, JsonObject request, long min, long max) {
    String text = ctx.request().getParam(param);
    if (text == null) {
      return null;
    }
    long value = parseLong(text, param);
    if (value < min || value > max) {
      throw GovernorException.invalid(param + " must be in [" + min + ", " + max + "]");
    }
    request.put(param, value);
    return value;
  }

  static long parseLong(String text, String what) {
    try {
      return Long.parseLong(text.trim());
    } catch (NumberFormatException e) {
      throw GovernorException.invalid(what + " must be a whole number");
    }
  }

  /** The body as a JSON object, or a 400 saying what is wrong with it. */
  static JsonObject body(RoutingContext ctx) {
    if (ctx.body() == null || ctx.body().isEmpty()) {
      throw GovernorException.invalid("a JSON object body is required");
    }
    Object value;
    try {
      value = io.vertx.core.json.Json.decodeValue(ctx.body().buffer());
    } catch (DecodeException e) {
      throw GovernorException.invalid("the body is not valid JSON");
    }
    if (!(value instanceof JsonObject json)) {
      throw GovernorException.invalid("the body must be a JSON object");
    }
    return json;
  }

  /** The body, or an empty object when there is none (for commands whose body is optional). */
  static JsonObject optBody(RoutingContext ctx) {
    return ctx.body() == null || ctx.body().isEmpty() ? new JsonObject() : body(ctx);
  }
}
