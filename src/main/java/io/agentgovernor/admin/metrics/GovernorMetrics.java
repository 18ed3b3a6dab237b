package io.agentgovernor.admin.metrics;

import com.hazelcast.core.HazelcastInstance;
import io.agentgovernor.admin.feed.FeedHub;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The governor's own figures, derived from the event streams the feed already consumes (so they
 * need nothing from the other parts): measurement samples of this node (a counter, and a per-second
 * rate over the last full second), violations by kind and enforcement actions by action and
 * outcome (this node's events only, so summing over nodes counts each once), feed subscribers,
 * backlog and drops, and the Hazelcast cluster's member count. Per-agent usage gauges
 * ({@code agent}, {@code resource} labels) only with {@code admin.metrics.perAgent: true}: their
 * cardinality grows with the agents.
 */
public final class GovernorMetrics {

  private final MeterRegistry registry;
  private final String nodeId;
  private final Counter samples;
  private final MultiGauge agentUsage;
  private final RateWindow sampleRate = new RateWindow();

  public GovernorMetrics(MeterRegistry registry, String nodeId, HazelcastInstance hazelcast, FeedHub feed, boolean perAgent) {
    this.registry = registry;
    this.nodeId = nodeId;
    this.samples = Counter.builder("governor.measurement.samples").description("Usage samples taken on this node")
        .register(registry);
    Gauge.builder("governor.measurement.samples.per.second", sampleRate, RateWindow::perSecond)
        .description("Usage samples taken on this node in the last full second").register(registry);
    Gauge.builder("governor.feed.subscribers", feed, FeedHub::subscribers).description("Live-feed WebSockets on this node")
        .register(registry);
    Gauge.builder("governor.feed.queued.events", feed, FeedHub::queued)
        .description("Events waiting in slow subscribers' backlogs").register(registry);
    Gauge.builder("governor.feed.queue.peak.events", feed, FeedHub::queuedPeak)
        .description("The largest backlog one subscriber has had").register(registry);
    io.micrometer.core.instrument.FunctionCounter.builder("governor.feed.dropped.events", feed, FeedHub::dropped)
        .description("Feed events dropped or sampled away for slow subscribers").register(registry);
    Gauge.builder("governor.cluster.members", hazelcast, h -> h.getLifecycleService().isRunning()
            ? h.getCluster().getMembers().size() : 0)
        .description("Members of the Hazelcast cluster this node sees").register(registry);
    if (perAgent) {
      feed.keepMeasurements();
    }
    this.agentUsage = perAgent ? MultiGauge.builder("governor.agent.usage")
        .description("Latest measured usage per agent and resource (resource units)").register(registry) : null;
    feed.tapEvents(this::onEvent);
    feed.tapBatches(this::onBatch);
  }

  private void onEvent(JsonObject event) {
    if (!nodeId.equals(event.getString("node"))) {
      return;
    }
    String type = event.getString("type", "");
    if (type.equals("violation")) {
      registry.counter("governor.violations", "violation", label(event.getValue("violation"))).increment();
    } else if (type.equals("enforcement")) {
      registry.counter("governor.enforcement.actions", "action", label(event.getValue("action")),
          "outcome", label(event.getValue("outcome"))).increment();
    }
  }

  private void onBatch(JsonObject batch) {
    if (!nodeId.equals(batch.getString("node"))) {
      return;
    }
    JsonArray items = batch.getValue("samples") instanceof JsonArray a ? a : new JsonArray();
    // count: the agents sampled (samples holds only those a feed wants)
    long count = batch.getValue("count") instanceof Number n ? Math.max(0, Math.min(n.longValue(), 10_000_000)) : items.size();
    samples.increment(count);
    sampleRate.add(count, System.currentTimeMillis());
    if (agentUsage != null) {
      List<MultiGauge.Row<?>> rows = new ArrayList<>();
      for (Object s : items) {
        if (s instanceof JsonObject sample && sample.getValue("usage") instanceof JsonObject usage) {
          for (Map.Entry<String, Object> e : usage) {
            if (e.getValue() instanceof Number n) {
              rows.add(MultiGauge.Row.of(Tags.of("agent", label(sample.getValue("agentId")), "resource", e.getKey()), n.doubleValue()));
            }
          }
        }
      }
      agentUsage.register(rows, true);
    }
  }

  /** Label values come from events: keep them short and of a known alphabet. */
  private static String label(Object value) {
    String s = value == null ? "none" : value.toString();
    return s.length() > 64 || !s.matches("[A-Za-z0-9._-]+") ? "other" : s;
  }

  /** Samples counted per wall-clock second; reads the last complete second. */
  static final class RateWindow {
    private long second;
    private long current;
    private long last;

    synchronized void add(long n, long nowMs) {
      long s = nowMs / 1000;
      if (s != second) {
        last = s == second + 1 ? current : 0;
        second = s;
        current = 0;
      }
      current += n;
    }

    synchronized double perSecond() {
      // No batch for more than a second: the rate is zero, not the last figure seen.
      return System.currentTimeMillis() / 1000 > second + 1 ? 0 : last;
    }
  }
}
