package io.agentgovernor.reliability.jepsen;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Formats what the rounds found: one line per round, and the violations grouped by property. */
final class Report {

  private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss.SSS").withZone(ZoneOffset.UTC);

  private Report() {
  }

  static String time(long epochMillis) {
    return TIME.format(Instant.ofEpochMilli(epochMillis));
  }

  static String tableHeader() {
    return "| seed | faults (recovery: heal → 3 members) | writes acked / unknown / refused | visible on all 3 | "
        + "msgs acked / counted / lost with a failed node | hb copies | heal → re-formed / agents back | violations |\n"
        + "| --- | --- | --- | --- | --- | --- | --- | --- |\n";
  }

  static String row(RoundResult r) {
    return "| " + r.seed() + " | " + String.join("; ", r.faults()) + " | " + r.writesAcked() + " / " + r.writesUnknown()
        + " / " + r.writesRefused() + " | " + (r.visibleMs() < 0 ? "no" : r.visibleMs() + " ms") + " | " + r.messagesAcked()
        + " / " + r.messagesCounted() + " / " + r.messagesLostAllowed() + " | " + r.heartbeatCopies() + " | "
        + ms(r.reformMs()) + " / " + ms(r.agentsBackMs()) + " | " + summary(r.violations()) + " |\n";
  }

  static String summary(List<Finding> violations) {
    if (violations.isEmpty()) {
      return "none";
    }
    Map<String, Integer> byProperty = new TreeMap<>();
    violations.forEach(v -> byProperty.merge(v.property(), 1, Integer::sum));
    StringBuilder out = new StringBuilder();
    byProperty.forEach((p, n) -> out.append(out.isEmpty() ? "" : ", ").append(p).append(" ×").append(n));
    return out.toString();
  }

  private static String ms(long ms) {
    return ms < 0 ? "never" : String.format("%.1f s", ms / 1000.0);
  }
}
