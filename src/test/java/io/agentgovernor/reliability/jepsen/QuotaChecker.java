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
 * values of one key only rise, one writer per key), or the value of a write that got no answer at
 * all. Such a write is indeterminate (Jepsen's "info"): it may take effect at any time after it
 * was sent, so also after the last acknowledged one. Seen: a PUT sent to a node cut off from the
 * others went over the event bus to a majority node's quota part; TCP held it until the heal and
 * the majority node applied it 8 s after it was sent, after the client's later, acknowledged write
 * (the client had timed out at 3 s). A write refused with an answer (503) wrote nothing and is not
 * allowed to show up later. All nodes are read at once, again until every
 * read passes or the window closes (a right answer arriving after it does not pass); what still
 * fails then is a violation, with the last read as evidence.
 */
public final class QuotaChecker {

  /** Keys checked, acknowledged writes behind them, the slowest node's time to show them all (-1: one never did). */
  record Result(int keys, long ackedWrites, long slowestMs, List<Finding> violations) {
  }

  private static final int READS_PER_NODE = 8;
  private static final long LATE_MS = 30_000;

  /**
   * The kind of an acknowledged write not readable after healing when it was written while a
   * network partition (isolation or non-transitive split) was in force: a known open defect (a
   * write a cut-off node took in its last seconds can beat the majority's at the merge), told
   * apart so that every other loss stays a plain violation.
   */
  public static final String IN_PARTITION = "acked-write-in-partition";

  private QuotaChecker() {
  }

  private static boolean duringPartition(History history, String key, Long value) {
    History.Write w = history.writes.getOrDefault(key, List.of()).stream()
        .filter(x -> x.outcome() == History.Outcome.ACK && value != null && x.value() == value).findFirst().orElse(null);
    return w != null && history.faults.stream().anyMatch(f ->
        (f.fault().kind() == FaultKind.ISOLATE || f.fault().kind() == FaultKind.BRIDGE)
            && w.sentAt() <= (f.healedAt() == 0 ? Long.MAX_VALUE : f.healedAt()) && w.doneAt() >= f.startedAt());
  }

  static Result check(JepsenCluster cluster, History history, long windowMs) {
    Map<String, Long> lastAcked = new HashMap<>();
    Map<String, Set<Long>> attempted = new HashMap<>();
    Map<String, Set<Long>> unanswered = new HashMap<>();
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
        if (w.outcome() == History.Outcome.UNKNOWN && w.status() < 0) {
          unanswered.computeIfAbsent(entry.getKey(), k -> new HashSet<>()).add(w.value());
        }
      }
    }
    long start = System.currentTimeMillis();
    Reads reads = readUntilVisible(cluster, lastAcked, attempted, unanswered, start + windowMs);
    Map<String, String> failing = reads.failing();
    // how long the failures last: the same reads go on for up to LATE_MS more (evidence only)
    Map<String, Long> lateAt = new HashMap<>();
    if (!failing.isEmpty()) {
      Map<String, Long> lateAcked = new HashMap<>();
      failing.keySet().forEach(k -> lateAcked.put(k.substring(0, k.indexOf('@')), lastAcked.get(k.substring(0, k.indexOf('@')))));
      Reads late = readUntilVisible(cluster, lateAcked, attempted, unanswered, System.currentTimeMillis() + LATE_MS);
      failing.keySet().stream().filter(k -> !late.failing().containsKey(k)).forEach(k -> lateAt.put(k, late.passedAt().get(k) - start));
    }
    List<Finding> violations = new ArrayList<>();
    failing.forEach((keyAtNode, why) -> {
      String key = keyAtNode.substring(0, keyAtNode.indexOf('@'));
      String after = lateAt.containsKey(keyAtNode) ? "; readable by " + lateAt.get(keyAtNode) + " ms after re-forming"
          : "; still not " + LATE_MS / 1000 + " s later";
      violations.add(new Finding(duringPartition(history, key, lastAcked.get(key)) ? IN_PARTITION : "acked-write-readable",
          keyAtNode, why + after + "; last acknowledged " + describe(history, key, lastAcked.get(key))));
    });
    long slowest = failing.isEmpty() ? reads.lastPassAt() - start : -1;
    return new Result(lastAcked.size(), acked, slowest, violations);
  }

  /** The reads still failing ({@code key@node} → last read) and when the last pass ended. */
  private record Reads(Map<String, String> failing, Map<String, Long> passedAt, long lastPassAt) {
  }

  /**
   * Reads every key on every node at once, again and again, until each read passes or the deadline:
   * a read passes if its answer arrived by the deadline and shows an allowed value. Returns
   * {@code key@node} of those still failing, with their last read.
   */
  private static Reads readUntilVisible(JepsenCluster cluster, Map<String, Long> lastAcked,
                                                      Map<String, Set<Long>> attempted,
                                                      Map<String, Set<Long>> unanswered, long deadline) {
    Map<String, String> failing = new HashMap<>();
    for (int node = 0; node < cluster.size(); node++) {
      for (String key : lastAcked.keySet()) {
        failing.put(key + "@" + JepsenCluster.nodeId(node), "not read");
      }
    }
    Map<String, Long> passedAt = new HashMap<>();
    long lastPass = System.currentTimeMillis();
    for (int pass = 0; pass < 1_000 && !failing.isEmpty(); pass++) {
      // per node READS_PER_NODE readers take keys from a queue: a read that hangs holds up one
      // reader, not the keys behind it, and the checker does not become the load it measures
      Map<String, CompletableFuture<String>> reads = new java.util.concurrent.ConcurrentHashMap<>();
      List<CompletableFuture<Void>> readers = new ArrayList<>();
      for (int node = 0; node < cluster.size(); node++) {
        String suffix = "@" + JepsenCluster.nodeId(node);
        java.util.Queue<String> queue = new java.util.concurrent.ConcurrentLinkedQueue<>(
            failing.keySet().stream().filter(k -> k.endsWith(suffix)).toList());
        Api api = cluster.api(node);
        for (int r = 0; r < READS_PER_NODE; r++) {
          readers.add(readNext(api, queue, reads, lastAcked, attempted, unanswered, deadline));
        }
      }
      CompletableFuture.allOf(readers.toArray(CompletableFuture[]::new)).join();
      reads.forEach((keyAtNode, read) -> {
        String why = read.join();
        if (why == null) {
          failing.remove(keyAtNode);
          passedAt.put(keyAtNode, System.currentTimeMillis());
        } else {
          failing.put(keyAtNode, why);
        }
      });
      lastPass = System.currentTimeMillis();
      if (lastPass >= deadline) {
        break;
      }
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(50));
    }
    return new Reads(failing, passedAt, lastPass);
  }

  /** Reads the queue's keys one after another on one node, recording each verdict (null: passed). */
  private static CompletableFuture<Void> readNext(Api api, java.util.Queue<String> queue, Map<String, CompletableFuture<String>> reads,
                                                  Map<String, Long> lastAcked, Map<String, Set<Long>> attempted,
                                                  Map<String, Set<Long>> unanswered, long deadline) {
    String keyAtNode = queue.poll();
    if (keyAtNode == null) {
      return CompletableFuture.completedFuture(null);
    }
    String key = keyAtNode.substring(0, keyAtNode.indexOf('@'));
    CompletableFuture<String> read = api.async("GET", "/quotas/" + key, null).thenApply(reply -> {
      String why = verdict(reply, lastAcked.get(key), attempted.getOrDefault(key, Set.of()),
          unanswered.getOrDefault(key, Set.of()));
      return why == null && System.currentTimeMillis() > deadline ? "the right value, but answered after the window" : why;
    });
    reads.put(keyAtNode, read);
    return read.thenCompose(v -> readNext(api, queue, reads, lastAcked, attempted, unanswered, deadline));
  }

  /**
   * Null if the read shows the last acknowledged value, a later attempted one, or one whose write
   * got no answer (indeterminate); else what it showed.
   */
  static String verdict(Api.Reply read, long lastAcked, Set<Long> attempted, Set<Long> unanswered) {
    if (read.status() != 200) {
      return "read answered " + read.status() + (read.status() > 0 ? " " + abbreviate(read.body()) : " (no answer)");
    }
    try {
      JsonObject cpu = read.json().getJsonObject("limits").getJsonObject("cpu");
      long value = cpu.getNumber("soft").longValue();
      if ((value >= lastAcked && attempted.contains(value)) || unanswered.contains(value)) {
        return null;
      }
      return "read value " + value + " (version " + read.json().getValue("version") + ", updated at "
          + Report.time(read.json().getLong("updatedAt", 0L)) + ")"
          + (attempted.contains(value) ? " (older than the last acknowledged)" : " (never written)");
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
