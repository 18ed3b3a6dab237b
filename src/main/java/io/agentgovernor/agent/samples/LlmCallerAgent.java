package io.agentgovernor.agent.samples;

import io.agentgovernor.agent.GovernedAgent;
import io.agentgovernor.budget.Reservation;
import io.vertx.core.Future;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonObject;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Calls a pretend LLM the way a governed LLM agent should: on each inbox message it reserves
 * {@code reserveTokens} of {@code resource} through {@code AgentContext.reserve}, "spends" a random
 * actual amount between {@code minSpendPercent} and {@code maxSpendPercent} of the reservation
 * (above 100 % the excess is charged), commits it, and replies with the outcome: {@code {"status":
 * "granted", "id", "reserved", "spent", "excess"}} or {@code {"status": "denied", "denial", "message"}}
 * (the budget that refused, what is left, when it refills). A message {@code {"tokens": n, "spend": m}}
 * reserves n and spends m instead (either may be given alone). Its status counts calls, grants, denials and tokens spent, and keeps the last denial.
 */
public final class LlmCallerAgent extends GovernedAgent {

  private final String resource;
  private final long reserveTokens;
  private final double minSpend;
  private final double maxSpend;
  private long calls;
  private long granted;
  private long denied;
  private long spent;
  private JsonObject lastDenial;

  public LlmCallerAgent(String resource, long reserveTokens, double minSpendPercent, double maxSpendPercent) {
    this.resource = io.agentgovernor.budget.Budget.requireResource(resource);
    this.reserveTokens = reserveTokens;
    this.minSpend = minSpendPercent / 100;
    this.maxSpend = Math.max(minSpendPercent, maxSpendPercent) / 100;
  }

  @Override
  protected Future<?> onStart() {
    agent().onMessage(this::call);
    return Future.succeededFuture();
  }

  private void call(Message<Object> msg) {
    long tokens = msg.body() instanceof JsonObject body && body.getValue("tokens") instanceof Number n && n.longValue() > 0
        ? n.longValue() : reserveTokens;
    Long spend = msg.body() instanceof JsonObject body && body.getValue("spend") instanceof Number n && n.longValue() >= 0
        ? n.longValue() : null;
    calls++;
    agent().reserve(resource, tokens)
        .compose(r -> r.granted() ? spend(r, spend) : Future.succeededFuture(denied(r)))
        .onComplete(ar -> {
          if (msg.replyAddress() != null) {
            msg.reply(ar.succeeded() ? ar.result()
                : new JsonObject().put("status", "failed").put("message", String.valueOf(ar.cause().getMessage())));
          }
        });
  }

  private Future<JsonObject> spend(Reservation r, Long given) {
    double fraction = minSpend + ThreadLocalRandom.current().nextDouble() * (maxSpend - minSpend);
    long actual = given != null ? given : Math.round(r.amount() * fraction);
    return r.commit(actual).map(settled -> {
      granted++;
      spent += actual;
      return new JsonObject().put("status", "granted").put("id", r.id()).put("reserved", r.amount()).put("spent", actual)
          .put("excess", settled.getLong("excess", 0L));
    });
  }

  private JsonObject denied(Reservation r) {
    denied++;
    lastDenial = r.denial().toJson();
    return new JsonObject().put("status", "denied").put("denial", lastDenial).put("message", r.denial().explain());
  }

  @Override
  public JsonObject status() {
    JsonObject status = new JsonObject().put("resource", resource).put("calls", calls).put("granted", granted)
        .put("denied", denied).put("spent", spent);
    return lastDenial == null ? status : status.put("lastDenial", lastDenial);
  }

  @Override
  public JsonObject snapshot() {
    return new JsonObject().put("calls", calls).put("granted", granted).put("denied", denied).put("spent", spent);
  }

  @Override
  public void restore(JsonObject snapshot) {
    calls = snapshot.getLong("calls", 0L);
    granted = snapshot.getLong("granted", 0L);
    denied = snapshot.getLong("denied", 0L);
    spent = snapshot.getLong("spent", 0L);
  }
}
