package io.agentgovernor.testing;

import java.util.concurrent.ConcurrentSkipListSet;

/**
 * The {@code reportedAt} times of one node's budget reports, as a sampler saw them at the budget's
 * owner, for a test that kills that node.
 *
 * <p>The latest one seen may not survive the death: when the killed node was also the owner of
 * the budget's partition, its last report can be applied on the primary (and read there by the
 * sampler) before its synchronous backup reached the survivor that takes over, and it was never
 * acknowledged. The report before it was acknowledged (a node sends the next only after the
 * answer, and an answer waits for the backup), so {@link #lastDurable} is the latest time that is
 * surely part of the surviving state. Missed samples only make it earlier: a bound built on it
 * only loosens.
 */
public final class SampledReports {

  private final ConcurrentSkipListSet<Long> times = new ConcurrentSkipListSet<>();

  public void seen(long reportedAt) {
    if (reportedAt > 0) {
      times.add(reportedAt);
    }
  }

  /** Distinct report times seen. */
  public int count() {
    return times.size();
  }

  /** The latest, possibly lost with the node (diagnostics). */
  public long last() {
    return times.isEmpty() ? 0 : times.last();
  }

  /** The latest report time that surely survived the node's death: the one before the last seen, or 0. */
  public long lastDurable() {
    Long before = times.isEmpty() ? null : times.lower(times.last());
    return before == null ? 0 : before;
  }
}
