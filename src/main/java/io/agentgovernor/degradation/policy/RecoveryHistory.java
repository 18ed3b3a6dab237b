package io.agentgovernor.degradation.policy;

import io.agentgovernor.bus.GovernorException;
import io.vertx.core.json.JsonArray;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;

/**
 * A bounded, ordered record of recovery plans, stages and rollbacks on this node; the oldest
 * entries go first when full, so a long-running node does not grow without bound. The cluster-wide
 * history is built from these events by the verticle that owns it.
 */
public final class RecoveryHistory {

  private final int capacity;
  private final Deque<RecoveryEvent> events = new ArrayDeque<>();

  public RecoveryHistory(int capacity) {
    if (capacity < 1) {
      throw GovernorException.invalid("history capacity must be >= 1, got " + capacity);
    }
    this.capacity = capacity;
  }

  public void record(RecoveryEvent event) {
    if (events.size() == capacity) {
      events.removeFirst();
    }
    events.addLast(event);
  }

  public void recordAll(List<? extends RecoveryEvent> batch) {
    batch.forEach(this::record);
  }

  public List<RecoveryEvent> events() {
    return List.copyOf(events);
  }

  public List<RecoveryEvent> forAgent(String agentId) {
    return events.stream().filter(e -> e.agentId().equals(agentId)).toList();
  }

  public List<RecoveryEvent.RolledBack> rollbacks() {
    return events.stream().filter(RecoveryEvent.RolledBack.class::isInstance)
        .map(RecoveryEvent.RolledBack.class::cast).toList();
  }

  public JsonArray toJson() {
    JsonArray out = new JsonArray();
    events.forEach(e -> out.add(e.toJson()));
    return out;
  }
}
