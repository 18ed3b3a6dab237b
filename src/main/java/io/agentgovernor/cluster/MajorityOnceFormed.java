package io.agentgovernor.cluster;

import com.hazelcast.cluster.Member;
import com.hazelcast.splitbrainprotection.SplitBrainProtectionFunction;
import java.util.Collection;

/**
 * Split-brain protection for the governor maps: writes need {@code minimum} members, once the
 * cluster has had that many. Before, a node starting first (alone, or with too few peers yet) may
 * write, so nodes of a cluster can be started one after the other and a full stop and start
 * loads the store. The trade-off: a node that restarts while cut off from the others also counts
 * as "not yet formed" and accepts writes until it has seen a majority (see the README).
 */
final class MajorityOnceFormed implements SplitBrainProtectionFunction {

  private final int minimum;
  private volatile boolean formed;

  MajorityOnceFormed(int minimum) {
    this.minimum = minimum;
  }

  @Override
  public boolean apply(Collection<Member> members) {
    if (members.size() >= minimum) {
      formed = true;
      return true;
    }
    return !formed;
  }
}
