package io.agentgovernor.testing;

import io.agentgovernor.agent.AgentFactory;
import io.agentgovernor.agent.GovernedAgent;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.util.List;

/** A test agent that records the {@code seq} of every message, to check delivery order and loss. */
public final class RecorderAgent extends GovernedAgent {

  public static final AgentFactory FACTORY = AgentFactory.of("recorder", "records message sequence numbers (tests)", List.of(),
        config -> new RecorderAgent());

  private long received;
  private long last = -1;
  private boolean inOrder = true;
  private long terminationNoticeAt;

  @Override
  protected Future<?> onStart() {
    agent().onMessage(msg -> {
      long seq = ((JsonObject) msg.body()).getLong("seq");
      inOrder &= seq == last + 1;
      last = seq;
      received++;
    });
    return Future.succeededFuture();
  }

  @Override
  public void onTerminationNotice(long graceMs) {
    terminationNoticeAt = System.currentTimeMillis();
  }

  @Override
  public JsonObject status() {
    return new JsonObject().put("received", received).put("last", last).put("inOrder", inOrder)
        .put("terminationNoticeAt", terminationNoticeAt);
  }
}
