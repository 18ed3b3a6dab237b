package io.agentgovernor.reliability.jepsen;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Every counted message once. The {@code ledger} agents keep the ids they counted in their state
 * (carried by snapshots, every 500 ms here, across failover) and log each message they handle,
 * per copy, to {@code <agent>@<node>.ledger} ({@code <epochMillis> <node> <epoch> <id>}). After
 * recovery the final state of each ledger is read. Definitions:
 * <ul>
 *   <li><b>counted</b>: the id is in the agent's final state;</li>
 *   <li><b>handled</b>: some copy logged it;</li>
 *   <li><b>acknowledged</b>: its POST answered 2xx, naming the node whose copy took it.</li>
 * </ul>
 * Violations: an id counted twice; an id counted that no client sent to that agent; an id handled
 * twice (by one copy or two); an acknowledged id not counted, unless it was lost with a failed
 * node, which is allowed and counted per reason:
 * <ul>
 *   <li><b>after the last snapshot</b>: the node that handled it was killed, paused or cut off at
 *       most {@value #SNAPSHOT_SLACK_MS} ms (three snapshot intervals) later, before any copy on
 *       another node handled a later message of the agent: the state that held it never reached a
 *       snapshot the survivors could restart from;</li>
 *   <li><b>in a killed inbox</b>: no copy handled it, and the node that took it was killed with
 *       kill -9 after that, before the agent moved on: it died waiting in that process.</li>
 * </ul>
 * So a message taken by a node already cut off, or held in an inbox that was later fenced, is a
 * violation. A message whose POST got no answer or an error may be counted once or not at all.
 */
final class LedgerChecker {

  static final long SNAPSHOT_SLACK_MS = 1_500;

  /** Per round: acknowledged messages, how many were counted, the allowed losses by reason, and the violations. */
  record Result(long acked, long countedAcked, Map<String, Long> allowedLosses, List<Finding> violations) {
    long lostAllowed() {
      return allowedLosses.values().stream().mapToLong(Long::longValue).sum();
    }
  }

  private record Handling(String node, long time) {
  }

  private LedgerChecker() {
  }

  static Result check(Path dir, History history, Map<String, List<String>> finalIds) throws IOException {
    List<Finding> violations = new ArrayList<>();
    long acked = 0;
    long countedAcked = 0;
    Map<String, Long> allowed = new java.util.TreeMap<>();
    for (var agentState : finalIds.entrySet()) {
      String agent = agentState.getKey();
      Map<String, List<Handling>> handled = readLedger(dir, agent);
      List<Handling> timeline = handled.values().stream().flatMap(List::stream)
          .sorted(java.util.Comparator.comparingLong(Handling::time)).toList();
      Map<String, Integer> counted = new HashMap<>();
      agentState.getValue().forEach(id -> counted.merge(id, 1, Integer::sum));
      counted.forEach((id, n) -> {
        History.Send sent = history.sends.get(id);
        if (n > 1) {
          violations.add(new Finding("counted-once", agent + "/" + id, "counted " + n + " times"));
        }
        if (sent == null || !sent.agent().equals(agent)) {
          violations.add(new Finding("counted-once", agent + "/" + id, "counted but never sent to " + agent));
        }
      });
      handled.forEach((id, by) -> {
        if (by.size() > 1) {
          violations.add(new Finding("handled-once", agent + "/" + id, "handled " + by.size() + " times: " + by));
        }
      });
      for (History.Send s : history.sends.values()) {
        if (!s.agent().equals(agent) || s.outcome() != History.Outcome.ACK) {
          continue;
        }
        acked++;
        if (counted.containsKey(s.id())) {
          countedAcked++;
          continue;
        }
        List<Handling> by = handled.getOrDefault(s.id(), List.of());
        String reason = by.isEmpty() ? diedInKilledInbox(history, s, timeline) : rolledBack(history, by.get(0), timeline);
        if (reason != null) {
          allowed.merge(reason, 1L, Long::sum);
        } else {
          violations.add(new Finding("counted-once", agent + "/" + s.id(), by.isEmpty()
              ? "acknowledged at " + Report.time(s.doneAt()) + " by " + s.takenBy() + ", never handled, and "
                  + s.takenBy() + " was not killed before the agent moved on"
              : "handled by " + by.get(0).node() + " at " + Report.time(by.get(0).time()) + ", not in the final state, and "
                  + by.get(0).node() + " did not fail within " + SNAPSHOT_SLACK_MS + " ms after"));
        }
      }
    }
    return new Result(acked, countedAcked, allowed, violations);
  }

  /** "after the last snapshot, <kind>" if the handling node failed soon after and before the agent moved on, else null. */
  private static String rolledBack(History history, Handling h, List<Handling> timeline) {
    long until = Math.min(h.time() + SNAPSHOT_SLACK_MS, movedOn(h.node(), h.time(), timeline));
    History.FaultEvent f = history.firstFault(h.node(), h.time(), until);
    if (f != null) {
      return "after the last snapshot, " + f.fault().kind().name().toLowerCase();
    }
    // handled by a copy whose node was already cut off or paused (within its lease, before it
    // stopped): its successor restarts from the last snapshot, so this work is lost with the node
    History.FaultEvent during = history.faultDuring(h.node(), h.time());
    return during == null ? null : "while cut off, " + during.fault().kind().name().toLowerCase();
  }

  /** "in a killed inbox" if the node that took the message was killed after and before the agent moved on, else null. */
  private static String diedInKilledInbox(History history, History.Send s, List<Handling> timeline) {
    if (s.takenBy() == null) {
      return null;
    }
    // the node took the message somewhere between the POST and its answer, and had answered before
    // the kill took effect: the client reads that answer a few ms later (seed 14: acknowledged at
    // .187 by j1, killed at .175), so the window opens when the POST was sent, not answered
    History.FaultEvent f = history.firstFault(s.takenBy(), s.sentAt(), movedOn(s.takenBy(), s.sentAt(), timeline), FaultKind.KILL);
    return f == null ? null : "in a killed inbox";
  }

  /** When a copy on another node first handled a message of the agent after {@code since}. */
  private static long movedOn(String node, long since, List<Handling> timeline) {
    return timeline.stream().filter(h -> h.time() > since && !h.node().equals(node)).mapToLong(Handling::time)
        .findFirst().orElse(Long.MAX_VALUE);
  }

  private static Map<String, List<Handling>> readLedger(Path dir, String agent) throws IOException {
    Map<String, List<Handling>> handled = new HashMap<>();
    Set<Path> files = new HashSet<>();
    try (Stream<Path> list = Files.list(dir)) {
      list.filter(f -> f.getFileName().toString().startsWith(agent + "@") && f.getFileName().toString().endsWith(".ledger"))
          .forEach(files::add);
    }
    for (Path file : files) {
      for (String line : Files.readAllLines(file)) {
        String[] f = line.trim().split(" ");
        if (f.length == 4 && f[0].matches("\\d+")) {
          handled.computeIfAbsent(f[3], id -> new ArrayList<>()).add(new Handling(f[1], Long.parseLong(f[0])));
        }
      }
    }
    return handled;
  }
}
