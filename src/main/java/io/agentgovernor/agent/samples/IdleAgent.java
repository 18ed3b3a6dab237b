package io.agentgovernor.agent.samples;

import io.agentgovernor.agent.GovernedAgent;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;

/** Does nothing but answer its inbox: the baseline for overhead and scale measurements. */
public final class IdleAgent extends GovernedAgent {

  private long received;

  @Override
  protected Future<?> onStart() {
    agent().onMessage(msg -> {
      received++;
      if (msg.replyAddress() != null) {
        msg.reply(new JsonObject().put("received", received));
      }
    });
    return Future.succeededFuture();
  }

  @Override
  public JsonObject status() {
    return new JsonObject().put("received", received);
  }
}
