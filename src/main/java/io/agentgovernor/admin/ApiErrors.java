package io.agentgovernor.admin;

import io.agentgovernor.bus.ErrorCode;
import io.agentgovernor.bus.GovernorException;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.vertx.openapi.validation.ValidatorErrorType;
import io.vertx.openapi.validation.ValidatorException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one place where failures become HTTP answers: {@code {"error": code, "message": ...}} with
 * the code's status. Event-bus failure codes map through {@link ErrorCode}; anything unexpected is
 * logged and answered 500 with no detail, so no stack trace ever reaches a client.
 */
final class ApiErrors {

  private static final Logger LOG = LoggerFactory.getLogger(ApiErrors.class);

  private ApiErrors() {
  }

  /** The router's failure handler. */
  static void handle(RoutingContext ctx) {
    Throwable failure = ctx.failure();
    if (failure == null) {
      send(ctx, statusCode(ctx.statusCode()), defaultMessage(ctx.statusCode()));
      return;
    }
    if (failure instanceof GovernorException g) {
      send(ctx, g.code(), g.getMessage());
    } else if (failure instanceof ValidatorException v) {
      ErrorCode code = validationCode(v);
      send(ctx, code, code == ErrorCode.UNSUPPORTED_MEDIA_TYPE ? "the body must be application/json" : v.getMessage());
    } else if (failure instanceof DecodeException) {
      send(ctx, ErrorCode.INVALID_REQUEST, "the body is not valid JSON");
    } else if (failure instanceof ReplyException r) {
      ErrorCode code = ErrorCode.of(r);
      if (code == ErrorCode.INTERNAL) {
        LOG.error("unexpected reply failure on {} {}", ctx.request().method(), ctx.normalizedPath(), r);
      }
      send(ctx, code, ErrorCode.messageOf(r));
    } else if (ctx.statusCode() == 413) {
      send(ctx, ErrorCode.PAYLOAD_TOO_LARGE, defaultMessage(413));
    } else {
      LOG.error("unexpected failure on {} {}", ctx.request().method(), ctx.normalizedPath(), failure);
      send(ctx, ErrorCode.INTERNAL, "internal error");
    }
  }

  static void send(RoutingContext ctx, ErrorCode code, String message) {
    HttpServerResponse response = ctx.response();
    if (response.ended() || response.closed()) {
      return;
    }
    response.setStatusCode(code.httpStatus())
        .putHeader("content-type", "application/json")
        .end(new JsonObject().put("error", code.wireName()).put("message", message).encode());
  }

  /** The same JSON error on a bare response, for failures met before the router (status given). */
  static void sendPlain(HttpServerResponse response, int status, ErrorCode code, String message) {
    if (response.ended() || response.closed()) {
      return;
    }
    response.setStatusCode(status).putHeader("content-type", "application/json")
        .putHeader("connection", "close")
        .end(new JsonObject().put("error", code.wireName()).put("message", message).encode());
  }

  /** Whether a raw path has a {@code %} not followed by two hex digits. */
  static boolean hasBadEscape(String path) {
    if (path == null) {
      return false;
    }
    for (int i = path.indexOf('%'); i >= 0; i = path.indexOf('%', i + 1)) {
      if (i + 2 >= path.length() || Character.digit(path.charAt(i + 1), 16) < 0 || Character.digit(path.charAt(i + 2), 16) < 0) {
        return true;
      }
    }
    return false;
  }

  /** A body of a type the operation does not take is 415; every other contract breach is 400. */
  private static ErrorCode validationCode(ValidatorException v) {
    String message = String.valueOf(v.getMessage()).toLowerCase(java.util.Locale.ROOT);
    return v.type() == ValidatorErrorType.UNSUPPORTED_VALUE_FORMAT && message.contains("request body")
        ? ErrorCode.UNSUPPORTED_MEDIA_TYPE : ErrorCode.INVALID_REQUEST;
  }

  private static ErrorCode statusCode(int status) {
    return switch (status) {
      case 400 -> ErrorCode.INVALID_REQUEST;
      case 401 -> ErrorCode.UNAUTHORIZED;
      case 403 -> ErrorCode.FORBIDDEN;
      case 404 -> ErrorCode.NOT_FOUND;
      case 413 -> ErrorCode.PAYLOAD_TOO_LARGE;
      case 415 -> ErrorCode.UNSUPPORTED_MEDIA_TYPE;
      case 405 -> ErrorCode.INVALID_REQUEST;
      default -> status >= 400 && status < 500 ? ErrorCode.INVALID_REQUEST : ErrorCode.INTERNAL;
    };
  }

  private static String defaultMessage(int status) {
    return switch (status) {
      case 401 -> "a valid bearer token is required";
      case 403 -> "this token may only read";
      case 404 -> "no such resource";
      case 405 -> "method not allowed on this resource";
      case 413 -> "the body is larger than the limit";
      default -> "request failed";
    };
  }
}
