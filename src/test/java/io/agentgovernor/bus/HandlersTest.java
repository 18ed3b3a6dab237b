package io.agentgovernor.bus;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonObject;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** {@link Handlers#json} on a real (local) event bus: the deadline header a sender sets. */
class HandlersTest {

  private static final String ADDRESS = "test.handlers.echo";
  private static final AtomicInteger RUNS = new AtomicInteger();
  private static Vertx vertx;

  @BeforeAll
  static void start() throws Exception {
    vertx = Vertx.vertx();
    vertx.eventBus().consumer(ADDRESS, Handlers.json(body -> {
      RUNS.incrementAndGet();
      return Future.succeededFuture(body);
    })).completion().await(5, TimeUnit.SECONDS);
  }

  @AfterAll
  static void stop() throws Exception {
    vertx.close().await(5, TimeUnit.SECONDS);
  }

  private static Throwable send(DeliveryOptions options) throws Exception {
    return vertx.eventBus().request(ADDRESS, new JsonObject().put("n", 1), options)
        .map(reply -> (Throwable) null).otherwise(e -> e).await(5, TimeUnit.SECONDS);
  }

  @Test
  @DisplayName("a request within its sender's deadline runs; one that arrives after it is refused as timeout and not run")
  void lateRequestsAreNotRun() throws Exception {
    int before = RUNS.get();
    assertThat(send(Handlers.withDeadline(5_000))).isNull();
    assertThat(RUNS.get()).isEqualTo(before + 1);

    DeliveryOptions late = new DeliveryOptions().setSendTimeout(5_000)
        .addHeader(Handlers.DEADLINE, Long.toString(System.currentTimeMillis() - 1_500));
    Throwable refused = send(late);
    assertThat(refused).isInstanceOf(ReplyException.class);
    assertThat(ErrorCode.of(refused)).isEqualTo(ErrorCode.TIMEOUT);
    assertThat(refused.getMessage()).contains("after its sender stopped waiting", "not run");
    assertThat(RUNS.get()).as("the late request did not run").isEqualTo(before + 1);
  }

  @Test
  @DisplayName("a request without the header runs; a malformed deadline is a clear invalid_request")
  void headerIsOptionalButChecked() throws Exception {
    int before = RUNS.get();
    assertThat(send(new DeliveryOptions())).isNull();
    Throwable bad = send(new DeliveryOptions().addHeader(Handlers.DEADLINE, "soon"));
    assertThat(ErrorCode.of(bad)).isEqualTo(ErrorCode.INVALID_REQUEST);
    assertThat(RUNS.get()).isEqualTo(before + 1);
  }
}
