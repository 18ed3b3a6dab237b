package io.agentgovernor.bus;

import io.vertx.core.Future;
import io.vertx.core.eventbus.DeliveryOptions;
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

  /**
   * Header of a bus request: when its sender stops waiting for the answer (epoch ms, the sender's
   * clock). A request that arrives later is not run and fails with {@code TIMEOUT}: an operation its
   * sender already reported as timed out must not take effect long after (a request held in a TCP
   * buffer across a partition was seen applied 8 s after it was sent). Node clocks are assumed to
   * agree to well under a second (NTP), as the clock versions assume already.
   */
  public static final String DEADLINE = "governor-deadline";

  /** Delivery options for a request its sender waits {@code timeoutMs} for, deadline header included. */
  public static DeliveryOptions withDeadline(long timeoutMs) {
    return new DeliveryOptions().setSendTimeout(timeoutMs)
        .addHeader(DEADLINE, Long.toString(System.currentTimeMillis() + timeoutMs));
  }

  public static io.vertx.core.Handler<Message<Object>> json(Function<JsonObject, Future<?>> handler) {
    return msg -> {
      Future<?> result;
      try {
        refuseIfLate(msg);
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

  private static void refuseIfLate(Message<?> msg) {
    String deadline = msg.headers().get(DEADLINE);
    if (deadline == null) {
      return;
    }
    long late;
    try {
      late = System.currentTimeMillis() - Long.parseLong(deadline);
    } catch (NumberFormatException e) {
      throw GovernorException.invalid(DEADLINE + " must be epoch milliseconds");
    }
    if (late > 0) {
      throw new GovernorException(ErrorCode.TIMEOUT, "the request reached its handler " + late
          + " ms after its sender stopped waiting: it was not run");
    }
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
