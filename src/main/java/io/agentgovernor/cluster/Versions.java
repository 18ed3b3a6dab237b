package io.agentgovernor.cluster;

/**
 * The {@code "version"} of every value in the governor's maps is a hybrid logical clock in
 * milliseconds: a write stores {@code max(stored + 1, now)}. It is above the version it replaces,
 * so along one key's history versions only grow and compare-and-set by version works as with a
 * counter; and it is at least the wall-clock time of the write, so versions written on the two
 * sides of a split compare by when they were written.
 *
 * <p>Why not a counter: Hazelcast is AP. A backup whose member was paused misses writes (the owner
 * acknowledges them once the backup times out), and when the owner is then cut off, that stale
 * backup is promoted. The majority writes on from the stale count while the cut-off side still
 * holds a higher one, so at the merge ({@link VersionedMergePolicy}, higher version wins) the
 * cut-off side's older value beats the majority's later, acknowledged ones (the mechanism inferred
 * for JepsenIT seed 7 on CI: value 13 acknowledged, value 10 read everywhere after the heal). With the clock, whatever the majority
 * writes after the split is newer than anything the cut-off side wrote before its lease ran out,
 * and a write the majority's stale copy missed comes back at the merge unless it was overwritten.
 * Assumes the members' clocks agree to well under the lease (on one host exactly; NTP keeps
 * hosts within milliseconds).
 */
public final class Versions {

  private Versions() {
  }

  /** The version a write stores over one at {@code stored} (0: none yet) at {@code nowMillis}. */
  public static long next(long stored, long nowMillis) {
    return Math.max(stored + 1, nowMillis);
  }

  /**
   * A random token naming one write request, never 0 (0: no token). A processor carries it so that
   * Hazelcast's retry at a new owner, of a write that took effect, recognises what it wrote.
   */
  public static long requestToken() {
    return java.util.concurrent.ThreadLocalRandom.current().nextLong() | 1;
  }
}
