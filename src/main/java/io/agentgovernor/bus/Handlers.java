package io.agentgovernor.bus;

import io.vertx.core.Future;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonObject;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Adapts a request handler that returns a Future to an event-bus consumer: the body must be a JSON
 * object, a {@link GovernorException} becomes a failed reply with its code, anything else an
 * INTERNAL failure (logged here, never shown to the client).
 */
public final class Handlers {

  private static final Logger LOG = LoggerFactory.getLogger(Handlers.class);

  private Handlers() {
  }

  public static io.vertx.core.Handler<Message<Object>> json(Function<JsonObject, Future<?>> handler) {
    return msg -> {
      Future<?> result;
      try {
        result = handler.apply(Json.object(msg.body(), "request body"));
      } catch (RuntimeException e) {
        result = Future.failedFuture(e);
      }
      result.onComplete(ar -> {
        if (ar.succeeded()) {
          msg.reply(ar.result());
        } else {
          fail(msg, ar.cause());
        }
      });
    };
  }

  public static void fail(Message<?> msg, Throwable cause) {
    ErrorCode code = ErrorCode.of(cause);
    if (code == ErrorCode.INTERNAL) {
      LOG.error("request to {} failed", msg.address(), cause);
    } else if (code == ErrorCode.TIMEOUT || code == ErrorCode.UNAVAILABLE) {
      LOG.debug("request to {} failed: {}", msg.address(), cause.toString());
    }
    msg.fail(code.failureCode(), ErrorCode.messageOf(cause));
  }
}
