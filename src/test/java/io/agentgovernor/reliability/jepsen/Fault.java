package io.agentgovernor.reliability.jepsen;

import java.util.List;

/**
 * One scheduled fault: its kind, the nodes it acts on (0-based), how long it is held (for a kill:
 * how long the node stays down before its restart) and the quiet time before it.
 */
record Fault(FaultKind kind, List<Integer> nodes, long holdMs, long gapBeforeMs) {

  String describe() {
    // no '|' here: the description goes into Markdown tables
    String who = nodes.stream().map(i -> "j" + (i + 1)).reduce((a, b) -> a + " from " + b).orElse("-");
    return switch (kind) {
      case KILL -> "kill -9 " + who + ", down " + holdMs + " ms, restart";
      case PAUSE -> "SIGSTOP " + who + " " + holdMs + " ms";
      case ISOLATE -> "isolate " + who + " " + holdMs + " ms";
      case BRIDGE -> "cut " + who + " " + holdMs + " ms";
    };
  }
}
