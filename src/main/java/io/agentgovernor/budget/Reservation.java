package io.agentgovernor.budget;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;

/**
 * The answer to {@code AgentContext.reserve}: granted (then settle it once, with {@link #commit}
 * or {@link #release}), or denied with the {@link Denial} that says why. A granted reservation not
 * settled within its lease is charged in full.
 */
public interface Reservation {

  enum Status { GRANTED, DENIED }

  Status status();

  default boolean granted() {
    return status() == Status.GRANTED;
  }

  /** The reservation id ({@code <nodeId>.<suffix>}); null when denied. */
  String id();

  String resource();

  long amount();

  /** Epoch ms after which an unsettled reservation is charged in full; 0 when denied. */
  long expiresAt();

  /** Why it was refused; null when granted. */
  Denial denial();

  /** How long it waited in the queue for its window to refill (0 if it did not wait). */
  long queuedMs();

  /**
   * Settles with what was really spent; {@code actual} may be below the reservation (the rest
   * returns) or above it (the excess is charged and recorded). Reply {@code {"id", "reserved",
   * "charged", "excess", "overrun"}}. Fails NOT_FOUND if already settled or expired.
   */
  Future<JsonObject> commit(long actual);

  /** Gives the whole reservation back, nothing charged. */
  Future<JsonObject> release();

  /**
   * As the budget part answers a reservation: {@code {"status": "granted", "id", "resource",
   * "amount", "expiresAt", "queuedMs"?}} or {@code {"status": "denied", "resource", "amount",
   * "denial", "message"}} (the bridge sends it to outside agents).
   */
  default JsonObject toJson() {
    JsonObject json = new JsonObject().put("status", granted() ? "granted" : "denied").put("resource", resource())
        .put("amount", amount());
    if (queuedMs() > 0) {
      json.put("queuedMs", queuedMs());
    }
    if (granted()) {
      return json.put("id", id()).put("expiresAt", expiresAt());
    }
    return json.put("denial", denial().toJson()).put("message", denial().explain());
  }
}
