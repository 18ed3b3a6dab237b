package io.agentgovernor.cluster;

import com.hazelcast.config.AdvancedNetworkConfig;
import com.hazelcast.config.Config;
import com.hazelcast.config.JoinConfig;
import com.hazelcast.config.MapConfig;
import com.hazelcast.config.ServerSocketEndpointConfig;
import com.hazelcast.config.SplitBrainProtectionConfig;
import com.hazelcast.splitbrainprotection.SplitBrainProtectionOn;
import io.agentgovernor.config.NodeConfig;
import io.vertx.core.VertxOptions;
import io.vertx.core.eventbus.EventBusOptions;
import io.vertx.micrometer.MicrometerMetricsOptions;
import io.vertx.micrometer.VertxPrometheusOptions;
import io.vertx.spi.cluster.hazelcast.ConfigUtil;
import java.util.List;

/**
 * How a node joins its cluster: Hazelcast's member endpoint bound to {@code cluster.host} only,
 * TCP-IP join with the configured members (multicast and auto-detection off), failure detection
 * tuned so a dead, hung or frozen peer is declared gone within {@code maxNoHeartbeatSeconds}, and
 * the event bus on the same host.
 *
 * <p>With no members the node is a cluster of one: its member list holds only its own address and
 * its port does not auto-increment, so it never stumbles into another node that happens to run on
 * a neighbouring port, while peers started with {@code --members} pointing at it can join. A taken
 * port is an error at start, never a silent move to another port.
 *
 * <p>This class sets up the maps named in {@link Maps}; the node adds what the parts above this one
 * contribute (the store behind the persisted maps, the budget part's map) in {@code node.MemberSetup}.
 */
public final class ClusterSetup {

  private ClusterSetup() {
  }

  /** Starts from {@link ConfigUtil#loadConfig()} so Vert.x's own {@code __vertx.*} maps keep their definitions. */
  public static Config hazelcastConfig(NodeConfig config) {
    Config hz = ConfigUtil.loadConfig();
    hz.setClusterName(config.clusterName());
    ClusterMembers.tag(hz, config.nodeId());
    hz.setProperty("hazelcast.logging.type", "slf4j");
    hz.setProperty("hazelcast.phone.home.enabled", "false");
    hz.setProperty("hazelcast.shutdownhook.enabled", "false");
    hz.setProperty("hazelcast.heartbeat.interval.seconds", String.valueOf(config.heartbeatIntervalSeconds()));
    hz.setProperty("hazelcast.max.no.heartbeat.seconds", String.valueOf(config.maxNoHeartbeatSeconds()));
    hz.setProperty("hazelcast.wait.seconds.before.join", "0");
    // A member cut off for a while (paused, partitioned) rejoins within seconds, not Hazelcast's
    // default 5 minutes, so the two halves do not run apart for long.
    hz.setProperty("hazelcast.merge.first.run.delay.seconds", "5");
    hz.setProperty("hazelcast.merge.next.run.delay.seconds", "5");
    // anti-entropy of backups every second, not every 30 s: a write whose sync backup timed out
    // (its backup member frozen) leaves that backup stale until then, and a member lost meanwhile
    // promotes the stale copy, whose lower version then loses the merge to an older value
    // (JepsenIT seed 7: SIGSTOP j2, then isolate j3)
    hz.setProperty("hazelcast.partition.backup.sync.interval", "1");
    hz.setProperty("hazelcast.socket.bind.any", "false");
    hz.setProperty("hazelcast.local.localAddress", config.clusterHost());

    // Member traffic goes through the member endpoint of the advanced network config, not the
    // unified port: Hazelcast 5.5's unified encoder (UnifiedProtocolEncoder) answers CLEAN instead
    // of BLOCKED while a new connection waits for the peer's protocol bytes, so with a frame queued
    // its IO output thread re-runs the pipeline in a busy loop until the peer answers. A peer that
    // is frozen with its port open (SIGSTOP, a VM paused, a long GC) never answers, and every
    // connection attempt to it (the master's split-brain probe, explicit suspicions) pinned an
    // output thread at 100 % CPU for as long as it stayed frozen; the healthy members' pipelines
    // on that thread starved, their heartbeats stopped, and the two healthy nodes split apart
    // (FaultIT.pauseThenResume at 15 s: 2 of 13 runs, then 1 of 5; found with
    // load-tests/pause-repro.sh and thread dumps: ~770,000 pipeline runs within a second on one
    // thread, hazelcast/hazelcast#26473).
    // The member endpoint's encoder (SingleProtocolEncoder) blocks instead. No Hazelcast client
    // connects to a governor node, so the client endpoint is not opened.
    AdvancedNetworkConfig network = hz.getAdvancedNetworkConfig().setEnabled(true);
    ServerSocketEndpointConfig member = new ServerSocketEndpointConfig();
    member.setPort(config.clusterPort()).setPortAutoIncrement(false);
    member.getInterfaces().setEnabled(true).setInterfaces(List.of(config.clusterHost()));
    network.setMemberEndpointConfig(member);
    JoinConfig join = network.getJoin();
    join.getMulticastConfig().setEnabled(false);
    join.getAutoDetectionConfig().setEnabled(false);
    join.getTcpIpConfig()
        .setEnabled(true)
        .setConnectionTimeoutSeconds(1)
        .setMembers(config.members().isEmpty() ? List.of(config.clusterHost() + ":" + config.clusterPort()) : config.members());

    hz.setProperty(MapMirror.RECONCILE_PROPERTY, String.valueOf(
        config.section("cluster").getLong("reconcileIntervalMs", MapMirror.DEFAULT_RECONCILE_MS)));
    int majority = majority(config);
    if (majority > 1) {
      hz.addSplitBrainProtectionConfig(new SplitBrainProtectionConfig(MAJORITY, true, majority)
          .setProtectOn(SplitBrainProtectionOn.WRITE)
          .setFunctionImplementation(new MajorityOnceFormed(majority)));
    }

    for (String name : List.of(Maps.QUOTAS, Maps.GROUPS, Maps.TENANTS, Maps.AGENTS, Maps.SNAPSHOTS, Maps.NODES)) {
      MapConfig map = new MapConfig(name).setBackupCount(config.backupCount()).setReadBackupData(false);
      // the merge policy reads each entry's last update time, which needs per-entry statistics
      map.setPerEntryStatsEnabled(true).getMergePolicyConfig().setPolicy(VersionedMergePolicy.class.getName());
      if (majority > 1 && !name.equals(Maps.NODES)) {
        map.setSplitBrainProtectionName(MAJORITY); // a minority refuses writes, so also to the store
      }
      hz.addMapConfig(map);
    }
    return hz;
  }

  /** The split-brain protection a part's own map should name (see {@link #MAJORITY}), or null when off. */
  public static String splitBrainProtection(NodeConfig config) {
    return majority(config) > 1 ? MAJORITY : null;
  }

  /** The split-brain protection that the governor maps (all but the node list) refer to. */
  public static final String MAJORITY = "governor-majority";

  /**
   * The members a side of a split needs to write: a majority of the configured member list (this
   * node counted once), or {@code cluster.minimumClusterSize} if set (1 turns protection off). A
   * cluster of one needs 1.
   */
  static int majority(NodeConfig config) {
    Long configured = config.section("cluster").getLong("minimumClusterSize");
    if (configured != null) {
      return (int) Math.max(1, configured);
    }
    java.util.Set<String> members = new java.util.HashSet<>(config.members());
    members.add(config.clusterHost() + ":" + config.clusterPort());
    return members.size() / 2 + 1;
  }

  /**
   * Vert.x options: the event bus on the cluster host, and Micrometer metrics in a Prometheus
   * registry named after the node (so several nodes in one JVM keep their own figures; the admin
   * part serves it at {@code /metrics}).
   */
  public static VertxOptions vertxOptions(NodeConfig config) {
    io.vertx.core.json.JsonObject vertx = config.section("vertx");
    VertxOptions options = new VertxOptions()
        .setMetricsOptions(new MicrometerMetricsOptions()
            .setEnabled(true)
            .setRegistryName(config.nodeId())
            .setPrometheusOptions(new VertxPrometheusOptions().setEnabled(true)));
    Integer eventLoops = vertx.getInteger("eventLoopPoolSize");
    if (eventLoops != null && eventLoops > 0) {
      options.setEventLoopPoolSize(eventLoops);
    }
    EventBusOptions eventBus = new EventBusOptions()
        .setHost(config.clusterHost())
        .setPort(0)
        .setClusterPublicHost(config.clusterHost());
    TlsConfig tls = TlsConfig.fromJson(config.section("cluster").getJsonObject("tls"), "cluster.tls");
    if (tls.enabled()) {
      // node-to-node event-bus traffic (every request between parts on different nodes) over TLS,
      // each side checking the other against the shared certificate
      eventBus.setSsl(true).setKeyCertOptions(tls.keyCert()).setTrustOptions(tls.trust())
          .setClientAuth(io.vertx.core.http.ClientAuth.REQUIRED);
    }
    return options.setEventBusOptions(eventBus);
  }
}
