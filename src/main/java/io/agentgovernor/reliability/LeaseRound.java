package io.agentgovernor.reliability;

import io.vertx.core.json.JsonObject;

/**
 * The answers of one lease renewal round, and whether they grant the lease: a majority of the
 * cluster (this node included) counts this process as a member, <em>and</em> the oldest member,
 * the one whose failover sweep restarts a lost process's agents, is among them (or is this node).
 * Only peers that name the same oldest member as this node's own view count.
 *
 * <p>Why the oldest member must confirm: the sweep restarts a lost process's agents
 * {@code restartDelayMs} (more than a lease) after it stopped counting that process, and a member
 * stops confirming a process the moment it stops counting it. A majority of other members could
 * still confirm for a while after the sweeper dropped the process (they learn of it later): a node
 * resumed from SIGSTOP got its lease from such a peer, and its stale copy of an agent took a message
 * 0.9 s after the sweeper had restarted the agent elsewhere, lost when that copy was fenced
 * ({@code JepsenIT} seed 7, counted-once).
 *
 * <p>Answers arrive on event loops while the round was started on the lease thread: synchronized.
 */
final class LeaseRound {

  private final String oldest;
  private final boolean selfOldest;
  private int confirmed;
  private boolean oldestConfirmed;

  /** A round of a node whose view names {@code oldest} as the oldest member's incarnation. */
  LeaseRound(String self, String oldest) {
    this.oldest = oldest;
    this.selfOldest = oldest != null && oldest.equals(self);
  }

  /** The answer a peer gives to {@code asking}: whether it counts it, and whom it sees as oldest. */
  static JsonObject answer(boolean member, String peerIncarnation, String peerOldest, String peerNode) {
    return new JsonObject().put("member", member).put("incarnation", peerIncarnation).put("oldest", peerOldest)
        .put("node", peerNode);
  }

  /** Counts one peer's answer; whether the round now grants the lease at this quorum. */
  synchronized boolean add(JsonObject answer, int quorum) {
    if (oldest != null && answer.getBoolean("member", false) && oldest.equals(answer.getString("oldest"))) {
      confirmed++;
      oldestConfirmed |= oldest.equals(answer.getString("incarnation"));
    }
    return granted(quorum);
  }

  synchronized boolean granted(int quorum) {
    return 1 + confirmed >= quorum && (selfOldest || oldestConfirmed);
  }

  /** Peers that counted (this node not included). */
  synchronized int confirmed() {
    return confirmed;
  }
}
