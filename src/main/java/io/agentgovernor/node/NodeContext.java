package io.agentgovernor.node;

import com.hazelcast.core.HazelcastInstance;
import io.agentgovernor.config.NodeConfig;
import io.agentgovernor.quota.QuotaIndex;
import java.time.Clock;

/**
 * What the parts of one node share: its configuration, the Hazelcast member its maps live in,
 * the node-local read models kept by their owning parts, and the clock. Parts still talk to each
 * other only over the event bus; this holds the things that are not parts.
 */
public record NodeContext(NodeConfig config, HazelcastInstance hazelcast, QuotaIndex quotaIndex, Clock clock) {

  public String nodeId() {
    return config.nodeId();
  }
}
