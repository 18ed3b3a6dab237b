package io.agentgovernor.admin.feed;

import io.agentgovernor.bus.GovernorException;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.json.JsonObject;
import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.LinkedHashMap;

/**
 * One WebSocket of the live feed with its own bounded backlog. While the socket keeps up, events
 * are written straight through. Once its write queue is full, events wait here: measurements keep
 * only the latest per agent (sampling), other events queue up to a bound and are counted as
 * dropped beyond it. When the socket drains, the subscriber is first told
 * {@code {"type":"dropped","count":n,"sampled":m}}, then gets the backlog. A subscriber that stays
 * behind longer than {@code maxBehindMs} is closed with a reason. So the memory one subscriber can
 * hold is its socket's write queue plus {@code maxQueued + maxSampledAgents} shared events,
 * whatever the rate. Used on the hub's event loop only.
 */
final class FeedSubscriber {

  private final ServerWebSocket socket;
  private final FeedHub hub;
  private final int maxQueued;
  private final int maxSampledAgents;
  private final long maxBehindMs;
  private final ArrayDeque<FeedEvent> queue = new ArrayDeque<>();
  private final LinkedHashMap<String, FeedEvent> latestMeasurements = new LinkedHashMap<>();
  private FeedFilter filter;
  private long dropped;
  private long sampled;
  private long behindSince = -1;
  private boolean closed;

  FeedSubscriber(ServerWebSocket socket, FeedHub hub, FeedFilter filter, int maxQueued, int maxSampledAgents, long maxBehindMs) {
    this.socket = socket;
    this.hub = hub;
    this.filter = filter;
    this.maxQueued = maxQueued;
    this.maxSampledAgents = maxSampledAgents;
    this.maxBehindMs = maxBehindMs;
    socket.drainHandler(v -> flush());
    socket.textMessageHandler(this::onMessage);
    socket.closeHandler(v -> {
      closed = true;
      hub.remove(this);
    });
  }

  FeedFilter filter() {
    return filter;
  }

  void offer(FeedEvent event, long now) {
    if (closed || !filter.matches(event)) {
      return;
    }
    if (behindSince < 0 && !socket.writeQueueFull()) {
      socket.writeTextMessage(event.text());
      return;
    }
    if (behindSince < 0) {
      behindSince = now;
    }
    if (event.isMeasurement() && event.agentId() != null) {
      sample(event);
    } else if (queue.size() < maxQueued) {
      queue.addLast(event);
    } else {
      drop(1);
    }
    if (now - behindSince > maxBehindMs) {
      close("subscriber too slow: behind for more than " + maxBehindMs + " ms");
    }
  }

  /** Events waiting here (not counting the socket's own write queue). */
  int queued() {
    return queue.size() + latestMeasurements.size();
  }

  private void sample(FeedEvent event) {
    FeedEvent previous = latestMeasurements.remove(event.agentId());
    if (previous != null) {
      sampled++;
      drop(1);
    } else if (latestMeasurements.size() >= maxSampledAgents) {
      drop(1);
      return;
    }
    latestMeasurements.put(event.agentId(), event);
  }

  private void drop(long n) {
    dropped += n;
    hub.countDropped(n);
  }

  /** Writes the backlog while the socket takes it: the dropped notice first, then events in order. */
  private void flush() {
    while (!closed && !socket.writeQueueFull()) {
      if (dropped > 0) {
        socket.writeTextMessage(new JsonObject().put("type", "dropped").put("count", dropped).put("sampled", sampled).encode());
        dropped = 0;
        sampled = 0;
        continue;
      }
      FeedEvent next = queue.pollFirst();
      if (next == null) {
        Iterator<FeedEvent> it = latestMeasurements.values().iterator();
        if (!it.hasNext()) {
          behindSince = -1;
          return;
        }
        next = it.next();
        it.remove();
      }
      socket.writeTextMessage(next.text());
    }
  }

  private void onMessage(String text) {
    try {
      JsonObject message = new JsonObject(text);
      if (!(message.getValue("subscribe") instanceof JsonObject subscribe)) {
        throw GovernorException.invalid("expected {\"subscribe\": {\"types\": [...], \"agents\": [...]}}");
      }
      filter = FeedFilter.fromJson(subscribe);
      hub.interestChanged();
      reply(new JsonObject().put("type", "subscribed").mergeIn(filter.toJson()));
    } catch (GovernorException e) {
      reply(new JsonObject().put("type", "error").put("error", e.code().wireName()).put("message", e.getMessage()));
    } catch (RuntimeException e) {
      reply(new JsonObject().put("type", "error").put("error", "invalid_request").put("message", "not a JSON object"));
    }
  }

  private void reply(JsonObject message) {
    if (!closed && !socket.writeQueueFull()) {
      socket.writeTextMessage(message.encode());
    }
  }

  void close(String reason) {
    if (closed) {
      return;
    }
    closed = true;
    queue.clear();
    latestMeasurements.clear();
    hub.remove(this);
    socket.close((short) 1008, reason);
  }
}
