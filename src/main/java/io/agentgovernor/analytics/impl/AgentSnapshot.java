package io.agentgovernor.analytics.impl;

import io.agentgovernor.analytics.pattern.UsageSeries;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A copy of one {@link AgentWindow}, taken on the event loop, that the analysis may read on a
 * worker thread while the window goes on filling. Taking it is the re-evaluation of the window's
 * {@link io.agentgovernor.analytics.recommend.NeedTracker}s: {@code needs} holds their need at
 * {@code now}.
 */
record AgentSnapshot(String agentId, String group, Map<String, UsageSeries> series, Map<String, Double> needs,
                     List<AgentWindow.Episode> episodes, List<AgentWindow.ActionSeen> actions) {

  static AgentSnapshot of(AgentWindow window, long now) {
    Map<String, UsageSeries> series = new LinkedHashMap<>();
    window.rings().forEach((resource, ring) -> series.put(resource, ring.series()));
    Map<String, Double> needs = new HashMap<>();
    window.trackers().forEach((resource, tracker) -> needs.put(resource, tracker.need(now)));
    List<AgentWindow.Episode> episodes = new ArrayList<>();
    window.episodes().forEach(episodes::add);
    List<AgentWindow.ActionSeen> actions = new ArrayList<>();
    window.actions().forEach(actions::add);
    return new AgentSnapshot(window.agentId(), window.group(), series, needs, episodes, actions);
  }

  /** Hard or burst episodes of a resource that started at or after {@code since}. */
  int violations(String resource, long since) {
    return (int) episodes.stream().filter(e -> e.resource().equals(resource) && e.start() >= since).count();
  }

  /** Successful terminations for a resource at or after {@code since}. */
  int terminations(String resource, long since) {
    return (int) actions.stream().filter(a -> "terminate".equals(a.action()) && "success".equals(a.outcome())
        && resource.equals(a.resource()) && a.time() >= since).count();
  }
}
