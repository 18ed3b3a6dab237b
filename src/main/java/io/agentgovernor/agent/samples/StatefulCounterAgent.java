package io.agentgovernor.agent.samples;

import io.agentgovernor.agent.GovernedAgent;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;

/**
 * Adds 1 for every inbox message; the count is its state, carried across migration and restart
 * through {@link #snapshot()} / {@link #restore}. Open for tests that need a stateful agent with
 * a twist (e.g. a start that fails on demand).
 */
public class StatefulCounterAgent extends GovernedAgent {

  private long count;

  @Override
  protected Future<?> onStart() {
    agent().onMessage(msg -> {
      count++;
      if (msg.replyAddress() != null) {
        msg.reply(new JsonObject().put("count", count));
      }
    });
    return Future.succeededFuture();
  }

  @Override
  public JsonObject status() {
    return new JsonObject().put("count", count);
  }

  @Override
  public JsonObject snapshot() {
    return new JsonObject().put("count", count);
  }

  @Override
  public void restore(JsonObject snapshot) {
    count = snapshot.getLong("count", 0L);
  }
}
