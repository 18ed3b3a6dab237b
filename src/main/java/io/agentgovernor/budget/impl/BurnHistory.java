package io.agentgovernor.budget.impl;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Recent figures of each budget, as this node last received them from the budget's owner (the
 * budget map's events: committed, outstanding, remaining), one point per sampling interval, in a
 * ring of a fixed number of points per budget, so a dashboard opened (or reloaded) later draws the
 * burn-down from before it opened. Only figures of the current window are kept: a point from an
 * older window is not recorded, and a new window empties the ring. Nothing is interpolated or
 * estimated; a budget whose figures this node has not received has no points.
 */
final class BurnHistory {

  private final int capacity;
  private final Map<String, Ring> rings = new ConcurrentHashMap<>();

  /** @param capacity points kept per budget (0: none) */
  BurnHistory(int capacity) {
    this.capacity = capacity;
  }

  /**
   * Records one point; {@code windowStart} is the window the figures belong to, {@code
   * currentWindowStart} the window at {@code now} (figures of an older window are skipped).
   */
  void record(String budgetId, long currentWindowStart, long windowStart, long now, long committed, long outstanding,
              long remaining) {
    if (capacity == 0 || windowStart < currentWindowStart) {
      return;
    }
    rings.computeIfAbsent(budgetId, k -> new Ring(capacity)).add(currentWindowStart, now, committed, outstanding, remaining);
  }

  /** Forgets budgets not among {@code live} (deleted). */
  void retain(Set<String> live) {
    rings.keySet().retainAll(live);
  }

  /** {@code {"windowStart", "points": [[time, committed, outstanding, remaining], ...]}}, oldest first. */
  JsonObject points(String budgetId) {
    Ring ring = rings.get(budgetId);
    return ring == null ? new JsonObject().put("points", new JsonArray()) : ring.toJson();
  }

  private static final class Ring {
    private final long[][] points;
    private int next;
    private int size;
    private long windowStart = Long.MIN_VALUE;

    Ring(int capacity) {
      points = new long[capacity][];
    }

    synchronized void add(long window, long time, long committed, long outstanding, long remaining) {
      if (window != windowStart) {
        windowStart = window;
        size = 0;
        next = 0;
      }
      points[next] = new long[] {time, committed, outstanding, remaining};
      next = (next + 1) % points.length;
      size = Math.min(size + 1, points.length);
    }

    synchronized JsonObject toJson() {
      JsonArray list = new JsonArray();
      for (int i = 0; i < size; i++) {
        long[] p = points[(next - size + i + points.length) % points.length];
        list.add(new JsonArray().add(p[0]).add(p[1]).add(p[2]).add(p[3]));
      }
      return new JsonObject().put("windowStart", windowStart).put("points", list);
    }
  }
}
