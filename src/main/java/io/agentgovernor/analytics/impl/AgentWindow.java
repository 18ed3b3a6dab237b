package io.agentgovernor.analytics.impl;

import io.agentgovernor.analytics.recommend.NeedTracker;
import io.agentgovernor.analytics.recommend.RecommendationConfig;
import io.agentgovernor.monitor.AgentSample;
import io.agentgovernor.monitor.SampleBatch;
import io.agentgovernor.quota.Resource;
import io.agentgovernor.quota.Violation;
import io.agentgovernor.quota.ViolationKind;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What the analysis needs of one agent's recent past: a {@link SlotRing} and a {@link NeedTracker}
 * per resource it was seen using (allocated on the first non-zero sample, so an idle resource costs
 * nothing; the tracker is told of every episode start and termination as an overrun), the episodes
 * of hard or burst violation seen in its samples, and the enforcement actions taken on it. All
 * bounded: at most {@value #MAX_CUSTOM} custom resources, {@value #MAX_EPISODES} episodes and
 * {@value #MAX_ACTIONS} actions are remembered.
 *
 * <p>Single-threaded: owned by the analytics verticle's event loop.
 */
final class AgentWindow {

  static final int MAX_CUSTOM = 8;
  static final int MAX_EPISODES = 32;
  static final int MAX_ACTIONS = 32;

  /** A run of consecutive samples over a resource's hard (or burst) limit, from its first sample. */
  record Episode(String resource, String kind, long start) {
  }

  /** An enforcement action carried out on the agent, as its event told it. */
  record ActionSeen(String action, String resource, String outcome, long time) {
  }

  private final String agentId;
  private final long resolutionMs;
  private final RecommendationConfig recommendations;
  private final SlotRing[] builtIn = new SlotRing[Resource.BUILT_IN_COUNT];
  private final NeedTracker[] builtInNeeds = new NeedTracker[Resource.BUILT_IN_COUNT];
  private final Map<String, SlotRing> custom = new HashMap<>(2);
  private final Map<String, NeedTracker> customNeeds = new HashMap<>(2);
  /** The resources violated in the last sample; null while none was (most agents): nothing to touch per sample. */
  private Set<String> violating;
  private final ArrayDeque<Episode> episodes = new ArrayDeque<>(2);
  private final ArrayDeque<ActionSeen> actions = new ArrayDeque<>(2);
  private String group;
  private long lastSeen;

  AgentWindow(String agentId, long resolutionMs, RecommendationConfig recommendations) {
    this.agentId = agentId;
    this.resolutionMs = resolutionMs;
    this.recommendations = recommendations;
  }

  String agentId() {
    return agentId;
  }

  String group() {
    return group;
  }

  long lastSeen() {
    return lastSeen;
  }

  /** One sample, as a one-row batch (tests and replays; the node feeds {@link #add(SampleBatch, int)}). */
  void add(AgentSample sample) {
    add(SampleBatch.of("-", sample.time(), 0, 0, List.of(sample)), 0);
  }

  /** Sample {@code i} of a batch, read from its columns: no row object per agent and sample. */
  void add(SampleBatch batch, int i) {
    long time = batch.time();
    group = batch.group(i);
    lastSeen = Math.max(lastSeen, time);
    for (int r = 0; r < builtIn.length; r++) {
      double u = batch.usage(i, r);
      if (builtIn[r] == null && u != 0) {
        builtIn[r] = new SlotRing(resolutionMs);
        builtInNeeds[r] = new NeedTracker(recommendations.need(Resource.ofIndex(r)), recommendations);
      }
      if (builtIn[r] != null) {
        builtIn[r].add(time, u);
        builtInNeeds[r].observe(time, u);
      }
    }
    Map<String, Double> reported = batch.custom(i);
    if (!reported.isEmpty()) {
      reported.forEach((name, v) -> addCustom(name, time, v));
    }
    trackEpisodes(time, batch.violations(i));
  }

  private void addCustom(String name, long time, double v) {
    SlotRing ring = custom.get(name);
    if (ring == null && v != 0 && custom.size() < MAX_CUSTOM) {
      ring = new SlotRing(resolutionMs);
      custom.put(name, ring);
      customNeeds.put(name, new NeedTracker(recommendations.need(name), recommendations));
    }
    if (ring != null) {
      ring.add(time, v);
      customNeeds.get(name).observe(time, v);
    }
  }

  /** A successful termination for a resource is that resource's overrun, at the usage last seen. */
  void addAction(ActionSeen action) {
    lastSeen = Math.max(lastSeen, action.time());
    push(actions, action, MAX_ACTIONS);
    NeedTracker tracker = action.resource() == null ? null : tracker(action.resource());
    if (tracker != null && "terminate".equals(action.action()) && "success".equals(action.outcome())) {
      tracker.onOverrun(action.time(), tracker.lastUsage());
    }
  }

  /** The rings by resource name, built-in first. */
  Map<String, SlotRing> rings() {
    Map<String, SlotRing> out = new java.util.LinkedHashMap<>();
    for (int i = 0; i < builtIn.length; i++) {
      if (builtIn[i] != null) {
        out.put(Resource.ofIndex(i).name(), builtIn[i]);
      }
    }
    out.putAll(custom);
    return out;
  }

  /** The trackers by resource name, built-in first. */
  Map<String, NeedTracker> trackers() {
    Map<String, NeedTracker> out = new java.util.LinkedHashMap<>();
    for (int i = 0; i < builtInNeeds.length; i++) {
      if (builtInNeeds[i] != null) {
        out.put(Resource.ofIndex(i).name(), builtInNeeds[i]);
      }
    }
    out.putAll(customNeeds);
    return out;
  }

  private NeedTracker tracker(String resource) {
    Resource builtInResource = Resource.builtIn(resource);
    return builtInResource != null ? builtInNeeds[builtInResource.index()] : customNeeds.get(resource);
  }

  Iterable<Episode> episodes() {
    return episodes;
  }

  Iterable<ActionSeen> actions() {
    return actions;
  }

  /** A soft violation is only a warning, so only hard and burst ones start an episode. */
  private void trackEpisodes(long time, List<Violation> violations) {
    if (violations.isEmpty()) {
      violating = null; // complying: nothing allocated, nothing read
      return;
    }
    Set<String> now = new HashSet<>(2);
    for (Violation v : violations) {
      if (v.kind() == ViolationKind.HARD || v.kind() == ViolationKind.BURST) {
        String resource = v.resource().name();
        now.add(resource);
        if (violating == null || !violating.contains(resource)) {
          push(episodes, new Episode(resource, v.kind().wireName(), time), MAX_EPISODES);
          NeedTracker tracker = tracker(resource);
          if (tracker != null) {
            tracker.onOverrun(time, v.current());
          }
        }
      }
    }
    violating = now.isEmpty() ? null : now;
  }

  private static <T> void push(ArrayDeque<T> deque, T item, int bound) {
    deque.addLast(item);
    while (deque.size() > bound) {
      deque.removeFirst();
    }
  }
}
