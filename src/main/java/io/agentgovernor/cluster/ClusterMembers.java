package io.agentgovernor.cluster;

import com.hazelcast.cluster.Member;
import com.hazelcast.config.Config;
import com.hazelcast.core.HazelcastInstance;
import java.util.HashSet;
import java.util.Set;
import io.vertx.core.json.JsonObject;
import java.util.UUID;

/**
 * Liveness from Hazelcast membership, never from a map entry with a time to live: a node is alive
 * while its member is in the cluster view. Each member carries two attributes, set before it
 * starts: its governor node id ({@value #NODE_ATTRIBUTE}) and an incarnation
 * ({@value #INCARNATION_ATTRIBUTE}, a random id made at process start), so a node restarted under
 * the same id is told from the process that died. Attributes survive a split-brain merge, unlike
 * nothing else that names a member.
 */
public final class ClusterMembers {

  /** The member attribute that holds the governor node id. */
  public static final String NODE_ATTRIBUTE = "governor.node";
  /** The member attribute that holds this process's incarnation id. */
  public static final String INCARNATION_ATTRIBUTE = "governor.incarnation";

  private ClusterMembers() {
  }

  /** Tags this member with its node id and a new incarnation (before the instance starts). */
  static void tag(Config config, String nodeId) {
    config.getMemberAttributeConfig().setAttribute(NODE_ATTRIBUTE, nodeId);
    config.getMemberAttributeConfig().setAttribute(INCARNATION_ATTRIBUTE, UUID.randomUUID().toString());
  }

  /** The governor node id of a member (null for a member that is not a governor node). */
  public static String nodeIdOf(Member member) {
    return member.getAttribute(NODE_ATTRIBUTE);
  }

  /** The incarnation of a member (null for a member that is not a governor node). */
  public static String incarnationOf(Member member) {
    return member.getAttribute(INCARNATION_ATTRIBUTE);
  }

  /** This process's incarnation, as stored in registrations. */
  public static String localIncarnation(HazelcastInstance hazelcast) {
    return incarnationOf(hazelcast.getCluster().getLocalMember());
  }

  /**
   * The incarnation of the oldest member in this member's view (Hazelcast's master, the one that
   * runs the failover sweep), or null while it has none.
   */
  public static String oldestIncarnation(HazelcastInstance hazelcast) {
    java.util.Iterator<Member> members = hazelcast.getCluster().getMembers().iterator();
    return members.hasNext() ? incarnationOf(members.next()) : null;
  }

  /** The node ids of the members in this member's view of the cluster. */
  public static Set<String> liveNodeIds(HazelcastInstance hazelcast) {
    return attributes(hazelcast, NODE_ATTRIBUTE);
  }

  /** The incarnations of the members in this member's view of the cluster. */
  public static Set<String> liveIncarnations(HazelcastInstance hazelcast) {
    return attributes(hazelcast, INCARNATION_ATTRIBUTE);
  }

  private static Set<String> attributes(HazelcastInstance hazelcast, String attribute) {
    Set<String> values = new HashSet<>();
    for (Member m : hazelcast.getCluster().getMembers()) {
      String value = m.getAttribute(attribute);
      if (value != null) {
        values.add(value);
      }
    }
    return values;
  }

  /** Whether a node id is in this member's view of the cluster. */
  public static boolean isLive(HazelcastInstance hazelcast, String nodeId) {
    return nodeId != null && liveNodeIds(hazelcast).contains(nodeId);
  }

  /**
   * Whether the process that wrote a registration is still in the cluster: by the incarnation it
   * recorded, or, for a registration without one (written before incarnations existed), by its
   * node id.
   */
  public static boolean isLive(HazelcastInstance hazelcast, JsonObject registration) {
    String incarnation = registration.getString("incarnation");
    return incarnation != null ? liveIncarnations(hazelcast).contains(incarnation)
        : isLive(hazelcast, registration.getString("node"));
  }
}
