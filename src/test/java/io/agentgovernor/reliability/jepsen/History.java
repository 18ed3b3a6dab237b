package io.agentgovernor.reliability.jepsen;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * What the clients did and what the harness did to the cluster, with wall-clock times (all
 * processes share this machine's clock, so times compare across them).
 */
final class History {

  /** How a client's request ended: acknowledged (2xx), refused (an error answer), or unknown (no answer). */
  enum Outcome { ACK, FAIL, UNKNOWN }

  /** One quota write: key, the value written, the node asked, when it was sent and answered. */
  record Write(String key, long value, int node, long sentAt, long doneAt, Outcome outcome, int status, String error) {
  }

  /** One message sent: its id, the agent, the node asked, the node whose copy took it (if acknowledged). */
  record Send(String id, String agent, int node, long sentAt, long doneAt, Outcome outcome, String takenBy) {
  }

  /** One fault: kind and nodes, when it began, when it was healed (restart done, SIGCONT, link up). */
  record FaultEvent(Fault fault, long startedAt, long healedAt) {
  }

  final Map<String, List<Write>> writes = new ConcurrentHashMap<>();
  final Map<String, Send> sends = new ConcurrentHashMap<>();
  final List<FaultEvent> faults = new CopyOnWriteArrayList<>();

  void write(Write w) {
    writes.computeIfAbsent(w.key(), k -> new CopyOnWriteArrayList<>()).add(w);
  }

  void send(Send s) {
    sends.put(s.id(), s);
  }

  /** The first fault on {@code nodeId} (of {@code kinds}, all if none given) that began in [from, to], or null. */
  /** A fault that had cut off or paused this node at {@code time} (started before, not yet healed), or null. */
  FaultEvent faultDuring(String nodeId, long time) {
    return faults.stream()
        .filter(f -> f.fault().kind() != FaultKind.KILL && f.startedAt() <= time && (f.healedAt() == 0 || f.healedAt() >= time))
        .filter(f -> f.fault().nodes().stream().anyMatch(i -> JepsenCluster.nodeId(i).equals(nodeId)))
        .findFirst().orElse(null);
  }

  FaultEvent firstFault(String nodeId, long from, long to, FaultKind... kinds) {
    List<FaultKind> wanted = kinds.length == 0 ? List.of(FaultKind.values()) : List.of(kinds);
    return faults.stream()
        .filter(f -> wanted.contains(f.fault().kind()) && f.startedAt() >= from && f.startedAt() <= to)
        .filter(f -> f.fault().nodes().stream().anyMatch(i -> JepsenCluster.nodeId(i).equals(nodeId)))
        .findFirst().orElse(null);
  }

  /** The distinct error answers to writes (status, node and body), a few of each. */
  /** Every write of one key, in the order sent: value, node, sent → done, outcome and status (evidence for a finding). */
  String writesOf(String key) {
    StringBuilder out = new StringBuilder();
    writes.getOrDefault(key, List.of()).stream().sorted(java.util.Comparator.comparingLong(Write::sentAt)).forEach(w ->
        out.append("  - ").append(w.value()).append(" via ").append(JepsenCluster.nodeId(w.node())).append(' ')
            .append(Report.time(w.sentAt())).append(" → ").append(Report.time(w.doneAt())).append(' ')
            .append(w.outcome()).append(' ').append(w.status()).append('\n'));
    return out.toString();
  }

  String writeErrors() {
    java.util.TreeMap<String, Long> errors = new java.util.TreeMap<>();
    writes.values().forEach(list -> list.stream().filter(w -> w.outcome() != Outcome.ACK)
        .forEach(w -> errors.merge(w.status() + " via " + JepsenCluster.nodeId(w.node()) + ": " + w.error(), 1L, Long::sum)));
    StringBuilder out = new StringBuilder();
    errors.forEach((e, n) -> out.append("- ").append(n).append(" × ").append(e).append('\n'));
    return out.toString();
  }

  /** Writes by the HTTP status that answered them ({@code -1}: no answer), e.g. {@code 200=812 503=40 -1=12}. */
  String writeStatuses() {
    java.util.TreeMap<Integer, Long> byStatus = new java.util.TreeMap<>();
    writes.values().forEach(list -> list.forEach(w -> byStatus.merge(w.status(), 1L, Long::sum)));
    StringBuilder out = new StringBuilder();
    byStatus.forEach((status, n) -> out.append(out.isEmpty() ? "" : " ").append(status).append('=').append(n));
    return out.toString();
  }

  long count(Outcome outcome) {
    return writes.values().stream().flatMap(List::stream).filter(w -> w.outcome() == outcome).count();
  }

  long sends(Outcome outcome) {
    return sends.values().stream().filter(s -> s.outcome() == outcome).count();
  }
}
