package io.agentgovernor.cluster;

import com.hazelcast.map.EntryProcessor;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.Map;

/**
 * Appends one JSON event to the bounded JSON array stored under a key, dropping the oldest beyond
 * the bound. Runs on the member that owns the key's partition, so concurrent appends from several
 * nodes never lose an event (no read-modify-write over the network).
 *
 * <p>Applied once per event: when the owner dies after applying it (its backup included) Hazelcast
 * runs the processor again at the new owner, and an event already stored is not appended twice.
 * Events carry their time, node and measured duration, so two equal ones are the same event.
 */
public final class BoundedAppend implements EntryProcessor<String, String, Object> {

  private static final long serialVersionUID = 1L;
  private final String event;
  private final int bound;

  public BoundedAppend(String event, int bound) {
    this.event = event;
    this.bound = bound;
  }

  @Override
  public Object process(Map.Entry<String, String> entry) {
    JsonArray events = entry.getValue() == null ? new JsonArray() : new JsonArray(entry.getValue());
    JsonObject added = new JsonObject(event);
    for (int i = events.size() - 1; i >= 0; i--) {
      if (added.equals(events.getJsonObject(i))) {
        return null; // a retry of an append that took effect
      }
    }
    events.add(added);
    while (events.size() > bound) {
      events.remove(0);
    }
    entry.setValue(events.encode());
    return null;
  }
}
