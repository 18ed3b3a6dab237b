package io.agentgovernor.agent.impl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * What Vert.x discards when a consumer is unregistered with messages already dispatched to it
 * (the moment an agent that migrates away is undeployed): one-way messages are sent on, a request
 * is failed to its sender and not handled.
 */
class ForwardDiscardsTest {

  private final Vertx vertx = Vertx.vertx();

  @AfterEach
  void close() throws Exception {
    vertx.close().await(10, TimeUnit.SECONDS);
  }

  @Test
  @DisplayName("messages waiting in a consumer as it is unregistered: the one-way ones reach the new address, in order; a request is failed, not handled")
  void waitingMessagesAreSentOn() throws Exception {
    List<Integer> arrived = newHome();
    Context context = vertx.getOrCreateContext();
    MessageConsumer<Object> old = onContext(context, () -> {
      MessageConsumer<Object> c = vertx.eventBus().consumer("old-home", m -> {
        throw new AssertionError("the old consumer handled " + m.body());
      });
      c.pause(); // what it receives now waits in it, as behind a busy agent
      return c;
    });
    for (int n = 0; n < 3; n++) {
      vertx.eventBus().send("old-home", new JsonObject().put("n", n));
    }
    Future<?> request = vertx.eventBus().request("old-home", new JsonObject().put("n", 99));
    // queued on the consumer's context after the four receptions: all four wait in it by now
    onContext(context, () -> {
      AgentContextImpl.forwardDiscards(old, m -> vertx.eventBus().send("new-home", m.body()));
      return old.unregister();
    });

    await().atMost(Duration.ofSeconds(5)).until(() -> arrived.size() == 3);
    assertThat(arrived).containsExactly(0, 1, 2);
    await().atMost(Duration.ofSeconds(5)).until(request::isComplete);
    assertThat(request.cause()).isInstanceOf(ReplyException.class).hasMessageContaining("Discarded");
  }

  @Test
  @DisplayName("without the hook the same messages are lost: the case the hook exists for")
  void withoutTheHookTheyAreLost() throws Exception {
    List<Integer> arrived = newHome();
    Context context = vertx.getOrCreateContext();
    MessageConsumer<Object> old = onContext(context, () -> vertx.eventBus().consumer("old-home", m -> { }).pause());
    vertx.eventBus().send("old-home", new JsonObject().put("n", 0));
    onContext(context, old::unregister);
    vertx.eventBus().send("new-home", new JsonObject().put("n", 1)); // a marker sent after
    await().atMost(Duration.ofSeconds(5)).until(() -> arrived.contains(1));
    assertThat(arrived).containsExactly(1);
  }

  /** A consumer on "new-home" that records the "n" of each message it receives. */
  private List<Integer> newHome() throws Exception {
    List<Integer> arrived = new CopyOnWriteArrayList<>();
    vertx.eventBus().consumer("new-home", m -> arrived.add(((JsonObject) m.body()).getInteger("n")))
        .completion().await(5, TimeUnit.SECONDS);
    return arrived;
  }

  private static <T> T onContext(Context context, java.util.concurrent.Callable<T> action) throws Exception {
    return AgentContextImpl.call(context, action).await(5, TimeUnit.SECONDS);
  }
}
