package io.agentgovernor.admin.feed;

import io.agentgovernor.bus.Addresses;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * The live feed of one node: ONE cluster-wide consumer of {@link Addresses#EVENTS} and one of
 * {@link Addresses#EVENTS_MEASUREMENTS} (not one per socket), each event encoded once and fanned
 * out to this node's {@link FeedSubscriber}s. Measurement batches are expanded into one
 * {@code measurement} event per sample. Taps see every raw event and batch (for metrics). Runs on
 * the event loop of the verticle that started it.
 *
 * <p>It tells the monitors which measurements its subscribers want ({@link Addresses#FEED_INTEREST}:
 * every agent, some agents, or none), so that no node builds per-agent measurement JSON nobody reads.
 */
public final class FeedHub {

  private final Vertx vertx;
  private final Clock clock;
  private final FeedLimits limits;
  private final Set<FeedSubscriber> subscribers = new LinkedHashSet<>();
  private final List<Consumer<JsonObject>> eventTaps = new ArrayList<>();
  private final List<Consumer<JsonObject>> batchTaps = new ArrayList<>();
  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(FeedHub.class);
  private final AtomicLong dropped = new AtomicLong();
  private long lastUnencodable = System.nanoTime() - 120_000_000_000L;
  private volatile int subscriberCount;
  private volatile int queued;
  private volatile int queuedPeak;
  private final List<MessageConsumer<Object>> consumers = new ArrayList<>();
  /** This hub's name in its interest announcements. */
  private final String hubId = "feed-" + java.util.UUID.randomUUID();
  private boolean keepMeasurements;
  /** The last announcement sent, or null while nothing is wanted. */
  private JsonObject announced;
  static final long INTEREST_TTL_MS = 30_000;
  static final long INTEREST_RENEW_MS = 10_000;

  public FeedHub(Vertx vertx, Clock clock, FeedLimits limits) {
    this.vertx = vertx;
    this.clock = clock;
    this.limits = limits;
  }

  /** Registers the two consumers; completes once both registrations have reached the cluster. */
  public Future<Void> start() {
    MessageConsumer<Object> events = vertx.eventBus().consumer(Addresses.EVENTS, msg -> onEvent(msg.body()));
    MessageConsumer<Object> batches = vertx.eventBus().consumer(Addresses.EVENTS_MEASUREMENTS, msg -> onBatch(msg.body()));
    MessageConsumer<Object> asks = vertx.eventBus().consumer(Addresses.FEED_INTEREST, msg -> {
      if (msg.body() instanceof JsonObject ask && Boolean.TRUE.equals(ask.getValue("ask")) && announced != null) {
        vertx.eventBus().publish(Addresses.FEED_INTEREST, announced);
      }
    });
    consumers.add(events);
    consumers.add(batches);
    consumers.add(asks);
    vertx.setPeriodic(INTEREST_RENEW_MS, id -> {
      if (announced != null) {
        vertx.eventBus().publish(Addresses.FEED_INTEREST, announced);
      }
    });
    return Future.all(events.completion(), batches.completion(), asks.completion()).mapEmpty();
  }

  /** Every node's measurements of every agent are wanted here whatever the subscribers (per-agent metrics). */
  public void keepMeasurements() {
    keepMeasurements = true;
    interestChanged();
  }

  /** Recomputes what the subscribers want and tells the monitors if it changed. */
  void interestChanged() {
    JsonObject now = interest();
    if (now == null && announced != null) {
      announced = null;
      vertx.eventBus().publish(Addresses.FEED_INTEREST, new JsonObject().put("hub", hubId).put("ttlMs", 0));
    } else if (now != null && !now.equals(announced)) {
      announced = now;
      vertx.eventBus().publish(Addresses.FEED_INTEREST, now);
    }
  }

  /** {@code {"hub", "ttlMs", "agents"?}}, or null when no subscriber takes measurement events. */
  private JsonObject interest() {
    boolean all = keepMeasurements;
    java.util.TreeSet<String> agents = new java.util.TreeSet<>();
    for (FeedSubscriber s : subscribers) {
      FeedFilter f = s.filter();
      if (!f.types().isEmpty() && !f.types().contains(FeedEvent.MEASUREMENT)) {
        continue;
      }
      all |= f.agents().isEmpty();
      agents.addAll(f.agents());
    }
    if (!all && agents.isEmpty()) {
      return null;
    }
    JsonObject json = new JsonObject().put("hub", hubId).put("ttlMs", INTEREST_TTL_MS);
    return all ? json : json.put("agents", new JsonArray(new ArrayList<>(agents)));
  }

  public void tapEvents(Consumer<JsonObject> tap) {
    eventTaps.add(tap);
  }

  public void tapBatches(Consumer<JsonObject> tap) {
    batchTaps.add(tap);
  }

  /** Takes a freshly upgraded WebSocket as a subscriber with this filter. */
  public void accept(ServerWebSocket socket, FeedFilter filter) {
    socket.setWriteQueueMaxSize(limits.socketWriteQueueBytes());
    FeedSubscriber subscriber = new FeedSubscriber(socket, this, filter, limits.maxQueued(), limits.maxSampledAgents(),
        limits.maxBehindMs());
    subscribers.add(subscriber);
    subscriberCount = subscribers.size();
    interestChanged();
    socket.writeTextMessage(new JsonObject().put("type", "subscribed").mergeIn(filter.toJson()).encode());
  }

  void remove(FeedSubscriber subscriber) {
    subscribers.remove(subscriber);
    subscriberCount = subscribers.size();
    interestChanged();
  }

  void countDropped(long n) {
    dropped.addAndGet(n);
  }

  public int subscribers() {
    return subscriberCount;
  }

  /** Events dropped or sampled away, over all subscribers, since start. */
  public long dropped() {
    return dropped.get();
  }

  /** Events waiting in subscribers' backlogs now (sum), and the largest one backlog ever seen. */
  public int queued() {
    return queued;
  }

  public int queuedPeak() {
    return queuedPeak;
  }

  private void onEvent(Object body) {
    if (!(body instanceof JsonObject event)) {
      return;
    }
    eventTaps.forEach(t -> t.accept(event));
    FeedEvent encoded;
    try {
      encoded = FeedEvent.of(event);
    } catch (io.vertx.core.json.EncodeException e) {
      // an event carrying input too deep or too large to encode is left out of the feed, counted
      // as dropped, and reported once per minute at most (never a stack trace per event)
      dropped.incrementAndGet();
      long now = System.nanoTime();
      if (now - lastUnencodable > 60_000_000_000L) {
        lastUnencodable = now;
        LOG.warn("feed: an event of type {} could not be encoded and was left out: {}",
            event.getString("type", "unknown"), e.getMessage());
      }
      return;
    }
    fanOut(encoded);
    updateBacklog();
  }

  private void onBatch(Object body) {
    if (!(body instanceof JsonObject batch)) {
      return;
    }
    batchTaps.forEach(t -> t.accept(batch));
    if (subscribers.isEmpty()) {
      return;
    }
    JsonArray samples = batch.getJsonArray("samples", new JsonArray());
    String node = batch.getString("node");
    Object time = batch.getValue("time");
    for (Object s : samples) {
      if (s instanceof JsonObject sample) {
        fanOut(FeedEvent.of(new JsonObject().put("type", FeedEvent.MEASUREMENT).put("agentId", sample.getString("agentId"))
            .put("node", node).put("time", sample.getValue("time", time)).put("usage", sample.getValue("usage"))));
      }
    }
    updateBacklog();
  }

  private void fanOut(FeedEvent event) {
    if (subscribers.isEmpty()) {
      return;
    }
    long now = clock.millis();
    // A subscriber may close (and leave the set) while offered an event: iterate over a copy.
    for (FeedSubscriber subscriber : subscribers.toArray(new FeedSubscriber[0])) {
      subscriber.offer(event, now);
    }
  }

  private void updateBacklog() {
    int sum = 0;
    int peak = queuedPeak;
    for (FeedSubscriber s : subscribers) {
      int q = s.queued();
      sum += q;
      peak = Math.max(peak, q);
    }
    queued = sum;
    queuedPeak = peak;
  }
}
