package io.agentgovernor.reliability.jepsen;

import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Every acknowledged quota write is readable on every node within a window after the cluster
 * re-formed: for each key, a read on each node must return a value that is the last acknowledged
 * value of that key or a later one that a client attempted (acknowledged or unknown outcome;
 * values of one key only rise, one writer per key). Each node is read until every key passes or
 * the window closes; what still fails then is a violation, with the last read as evidence.
 */
final class QuotaChecker {

  /** Keys checked, acknowledged writes behind them, the slowest node's time to show them all (-1: one never did). */
  record Result(int keys, long ackedWrites, long slowestMs, List<Finding> violations) {
  }

  private QuotaChecker() {
  }

  static Result check(JepsenCluster cluster, History history, long windowMs) {
    Map<String, Long> lastAcked = new HashMap<>();
    Map<String, Set<Long>> attempted = new HashMap<>();
    long acked = 0;
    for (var entry : history.writes.entrySet()) {
      for (History.Write w : entry.getValue()) {
        if (w.outcome() == History.Outcome.ACK) {
          acked++;
          lastAcked.merge(entry.getKey(), w.value(), Math::max);
        }
        if (w.outcome() != History.Outcome.FAIL) {
          attempted.computeIfAbsent(entry.getKey(), k -> new HashSet<>()).add(w.value());
        }
      }
    }
    long start = System.currentTimeMillis();
    long deadline = start + windowMs;
    List<Finding> violations = new ArrayList<>();
    long slowest = 0;
    for (int node = 0; node < cluster.size(); node++) {
      Map<String, String> failing = readUntilVisible(cluster.api(node), lastAcked, attempted, deadline);
      if (failing.isEmpty()) {
        slowest = Math.max(slowest, System.currentTimeMillis() - start);
      } else {
        slowest = -1;
        String nodeId = JepsenCluster.nodeId(node);
        failing.forEach((key, why) -> violations.add(new Finding("acked-write-readable", key + "@" + nodeId,
            why + "; last acknowledged " + describe(history, key, lastAcked.get(key)))));
      }
    }
    return new Result(lastAcked.size(), acked, slowest, violations);
  }

  /** Reads every key on one node until all pass or the deadline; returns the keys still failing with their last read. */
  private static Map<String, String> readUntilVisible(Api api, Map<String, Long> lastAcked, Map<String, Set<Long>> attempted,
                                                      long deadline) {
    Map<String, String> failing = new HashMap<>();
    lastAcked.keySet().forEach(k -> failing.put(k, "not read"));
    for (int pass = 0; pass < 1_000 && !failing.isEmpty(); pass++) {
      Map<String, CompletableFuture<Api.Reply>> reads = new HashMap<>();
      failing.keySet().forEach(k -> reads.put(k, api.async("GET", "/quotas/" + k, null)));
      reads.forEach((key, read) -> {
        String why = verdict(read.join(), lastAcked.get(key), attempted.getOrDefault(key, Set.of()));
        if (why == null) {
          failing.remove(key);
        } else {
          failing.put(key, why);
        }
      });
      if (System.currentTimeMillis() >= deadline) {
        break;
      }
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(50));
    }
    return failing;
  }

  /** Null if the read shows the last acknowledged value or a later attempted one; else what it showed. */
  static String verdict(Api.Reply read, long lastAcked, Set<Long> attempted) {
    if (read.status() != 200) {
      return "read answered " + read.status() + (read.status() > 0 ? " " + abbreviate(read.body()) : " (no answer)");
    }
    try {
      JsonObject cpu = read.json().getJsonObject("limits").getJsonObject("cpu");
      long value = cpu.getNumber("soft").longValue();
      if (value >= lastAcked && attempted.contains(value)) {
        return null;
      }
      return "read value " + value + (attempted.contains(value) ? " (older than the last acknowledged)" : " (never written)");
    } catch (RuntimeException e) {
      return "read unreadable: " + abbreviate(read.body());
    }
  }

  private static String describe(History history, String key, long value) {
    return history.writes.get(key).stream().filter(w -> w.value() == value && w.outcome() == History.Outcome.ACK).findFirst()
        .map(w -> value + " (via " + JepsenCluster.nodeId(w.node()) + ", acknowledged at " + Report.time(w.doneAt()) + ")")
        .orElse(String.valueOf(value));
  }

  private static String abbreviate(String s) {
    return s == null ? "" : s.length() > 120 ? s.substring(0, 120) + "..." : s;
  }
}
