package io.agentgovernor.node;

import com.hazelcast.config.Config;
import io.agentgovernor.budget.Budgets;
import io.agentgovernor.cluster.ClusterSetup;
import io.agentgovernor.config.NodeConfig;
import io.agentgovernor.degradation.DegradationVerticle;
import io.agentgovernor.enforcement.EnforcementVerticle;
import io.agentgovernor.store.Database;
import io.agentgovernor.store.JdbcMapStore;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;

/**
 * The Hazelcast member of a node, assembled from the parts that shape it: the cluster settings and
 * the governor maps ({@link ClusterSetup}), the store behind the persisted ones ({@link JdbcMapStore}),
 * the budget part's own map and the enforcement and degradation histories'. Here rather than in {@code cluster}, which depends on no part.
 */
public final class MemberSetup {

  private MemberSetup() {
  }

  public static HazelcastClusterManager clusterManager(NodeConfig config, Database store) {
    return new OffloadedClusterManager(hazelcastConfig(config, store));
  }

  /** A node's member configuration; {@code store} is null when the node keeps its maps in memory only. */
  public static Config hazelcastConfig(NodeConfig config, Database store) {
    Config hz = ClusterSetup.hazelcastConfig(config);
    Budgets.configureMaps(hz, config.backupCount(), ClusterSetup.splitBrainProtection(config));
    EnforcementVerticle.configureMaps(hz, config.backupCount());
    DegradationVerticle.configureMaps(hz, config.backupCount());
    if (store != null) {
      JdbcMapStore.attach(hz, store); // after every map it persists is configured
    }
    return hz;
  }
}
