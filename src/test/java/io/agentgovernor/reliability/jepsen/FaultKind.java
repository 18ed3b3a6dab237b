package io.agentgovernor.reliability.jepsen;

/** The faults the harness injects into a three-node cluster. */
enum FaultKind {
  /** kill -9 of one node JVM, then a restart with the same node id and data directory. */
  KILL,
  /** SIGSTOP of one node JVM for longer than failure detection, then SIGCONT. */
  PAUSE,
  /** One node's cluster link cut at the switch (a 1 | 2 split), then healed. */
  ISOLATE,
  /** Two nodes cut from each other while both still reach the third (a non-transitive split), then healed. */
  BRIDGE
}
