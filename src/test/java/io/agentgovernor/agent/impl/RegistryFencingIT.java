package io.agentgovernor.agent.impl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.hazelcast.core.HazelcastInstance;
import io.agentgovernor.agent.Registry;
import io.agentgovernor.cluster.ClusterMembers;
import io.agentgovernor.testing.TestNodes;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The registry's fencing on two real Hazelcast members on loopback: each registry view plays one
 * node, the second taking an agent over from the first as failover does, after which every write
 * of the first (the stale copy) is refused on the key's partition.
 */
class RegistryFencingIT {

  private static HazelcastInstance first;
  private static HazelcastInstance second;
  private static AgentRegistry stale;
  private static AgentRegistry fresh;

  @BeforeAll
  static void startMembers() {
    HazelcastInstance[] pair = TestNodes.hazelcastPair("r");
    first = pair[0];
    second = pair[1];
    stale = new AgentRegistry(first);
    fresh = new AgentRegistry(second);
  }

  @AfterAll
  static void stopMembers() {
    second.shutdown();
    first.shutdown();
  }

  private static JsonObject entry(String id, String node, String state) {
    return new JsonObject().put("id", id).put("node", node).put("state", state).put("type", "idle");
  }

  @Test
  @DisplayName("members carry their node id and a distinct incarnation, and liveness follows membership")
  void membersCarryNodeIdAndIncarnation() {
    assertThat(ClusterMembers.liveNodeIds(first)).containsExactlyInAnyOrder("r1", "r2");
    assertThat(ClusterMembers.localIncarnation(first)).isNotEqualTo(ClusterMembers.localIncarnation(second));
    assertThat(ClusterMembers.isLive(first, new JsonObject().put("incarnation", ClusterMembers.localIncarnation(second))))
        .isTrue();
    assertThat(ClusterMembers.isLive(first, new JsonObject().put("incarnation", "a-process-that-died").put("node", "r2")))
        .as("the incarnation decides, not the node id").isFalse();
  }

  @Test
  @DisplayName("a takeover gets a larger epoch, and from then on the old copy can neither update, remove nor snapshot")
  void staleCopyIsFenced() {
    JsonObject claim = entry("fenced-1", "r1", "deploying");
    assertThat(stale.claim(claim)).isNull();
    long oldEpoch = claim.getLong("epoch");
    assertThat(stale.update(entry("fenced-1", "r1", "running").put("epoch", oldEpoch))).isTrue();
    assertThat(stale.saveSnapshot("fenced-1", oldEpoch, 1, "r1", new JsonObject().put("count", 7))).isTrue();

    String stored = fresh.stored("fenced-1");
    JsonObject takeover = entry("fenced-1", "r2", "deploying");
    assertThat(fresh.takeOver(stored, takeover)).isTrue();
    long newEpoch = takeover.getLong("epoch");
    assertThat(newEpoch).isGreaterThan(oldEpoch);
    assertThat(takeover.getLong("version")).isGreaterThan(new JsonObject(stored).getLong("version"));
    assertThat(fresh.snapshotOf("fenced-1", oldEpoch)).as("the lost copy's snapshot, to restart from")
        .isEqualTo(new JsonObject().put("count", 7));
    assertThat(fresh.saveSnapshot("fenced-1", newEpoch, 2, "r2", new JsonObject().put("count", 7))).isTrue();

    // the old copy wakes up and writes as if nothing happened
    assertThat(stale.update(entry("fenced-1", "r1", "suspended").put("epoch", oldEpoch))).isFalse();
    assertThat(stale.saveSnapshot("fenced-1", oldEpoch, 3, "r1", new JsonObject().put("count", 1))).isFalse();
    assertThat(stale.remove("fenced-1", oldEpoch)).isFalse();

    JsonObject now = new JsonObject(first.<String, String>getMap("governor.agents").get("fenced-1"));
    assertThat(now.getString("node")).isEqualTo("r2");
    assertThat(now.getLong("epoch")).isEqualTo(newEpoch);
    assertThat(fresh.snapshotOf("fenced-1", newEpoch)).isEqualTo(new JsonObject().put("count", 7));
    assertThat(fresh.snapshotOf("fenced-1", oldEpoch)).as("a snapshot of another epoch is never restored").isNull();
    assertThat(fresh.remove("fenced-1", newEpoch)).isTrue();
    assertThat(fresh.stored("fenced-1")).isNull();
  }

  @Test
  @DisplayName("a failover mark (pending, terminated) keeps the epoch and advances the version; a changed entry is not overwritten")
  void replaceKeepsEpochAndIsCompareAndSet() {
    JsonObject claim = entry("fenced-2", "r1", "running");
    stale.claim(claim);
    String stored = fresh.stored("fenced-2");
    assertThat(fresh.replace(stored, entry("fenced-2", "r1", "pending"))).isTrue();
    JsonObject pending = new JsonObject(fresh.stored("fenced-2"));
    assertThat(pending.getLong("epoch")).isEqualTo(claim.getLong("epoch"));
    assertThat(pending.getLong("version")).isGreaterThan(new JsonObject(stored).getLong("version"));
    assertThat(fresh.replace(stored, entry("fenced-2", "r1", "terminated"))).as("compare-and-set on the old value").isFalse();
  }

  @Test
  @DisplayName("a hand-back run again (Hazelcast's retry at a new owner) answers what it wrote; claims and takeovers are retry-aware processors")
  void retriedWritesAnswerAsTheFirst() {
    JsonObject claim = entry("fenced-3", "r1", "running");
    assertThat(stale.claim(claim)).isNull();
    String previous = fresh.stored("fenced-3");
    JsonObject takeover = entry("fenced-3", "r2", "deploying");
    assertThat(fresh.takeOver(previous, takeover)).isTrue();
    var handBack = FencedWrites.handBack(previous, takeover.getLong("epoch"), System.currentTimeMillis());
    var map = second.<String, String>getMap("governor.agents");
    String restored = map.executeOnKey("fenced-3", handBack);
    assertThat(FencedWrites.epochOf(restored)).isEqualTo(claim.getLong("epoch"));
    assertThat(map.executeOnKey("fenced-3", handBack)).as("the retry").isEqualTo(restored);
    assertThat(map.get("fenced-3")).isEqualTo(restored);
    // a copy of another epoch is not taken for this hand-back's own write
    assertThat(map.executeOnKey("fenced-3", FencedWrites.handBack(fresh.stored("fenced-3").replace("running", "stopped"),
        takeover.getLong("epoch"), System.currentTimeMillis()))).isNull();
    // a second claim of a held id gets the holder's entry, as stored
    assertThat(fresh.claim(entry("fenced-3", "r2", "deploying"))).isEqualTo(restored);
    // a claim run again finds its own registration and answers "claimed" again
    String mine = entry("fenced-4", "r1", "deploying").put("epoch", 7).put("version", 1).encode();
    assertThat(map.executeOnKey("fenced-4", FencedWrites.claim(mine))).isNull();
    assertThat(map.executeOnKey("fenced-4", FencedWrites.claim(mine))).as("the retry").isNull();
    assertThat(map.executeOnKey("fenced-4", FencedWrites.claim(mine.replace("r1", "r2")))).isEqualTo(mine);
  }

  @Test
  @DisplayName("a started registry files every placement under its holder (the process that holds it), terminated ones apart, as the entries change")
  void placementsAreFiledByHolder() {
    AgentRegistry watching = new AgentRegistry(second);
    watching.start();
    try {
      String firstProcess = ClusterMembers.localIncarnation(first);
      String secondProcess = ClusterMembers.localIncarnation(second);
      JsonObject claim = entry("held-1", "r1", "running");
      assertThat(stale.claim(claim)).isNull();
      awaitFiled(watching, "held-1", firstProcess);

      String stored = fresh.stored("held-1");
      JsonObject takeover = entry("held-1", "r2", "running");
      assertThat(fresh.takeOver(stored, takeover)).isTrue();
      awaitFiled(watching, "held-1", secondProcess);
      assertThat(watching.idsByHolder().getOrDefault(firstProcess, Set.of())).doesNotContain("held-1");

      assertThat(fresh.replace(fresh.stored("held-1"), entry("held-1", "r2", "terminated")
          .put("incarnation", secondProcess))).isTrue();
      awaitFiled(watching, "held-1", Registry.TERMINATED);
      assertThat(watching.idsByHolder().getOrDefault(secondProcess, Set.of())).doesNotContain("held-1");

      assertThat(fresh.remove("held-1", takeover.getLong("epoch"))).isTrue();
      await().atMost(Duration.ofSeconds(10)).until(() ->
          watching.idsByHolder().values().stream().noneMatch(ids -> ids.contains("held-1")));
      assertThat(watching.placement("held-1")).isNull();
    } finally {
      watching.stop();
    }
  }

  /** Waits until the id is filed under exactly that holder, and under no other. */
  private static void awaitFiled(AgentRegistry registry, String id, String holder) {
    await().atMost(Duration.ofSeconds(10)).until(() ->
        registry.idsByHolder().getOrDefault(holder, Set.of()).contains(id)
            && registry.idsByHolder().entrySet().stream()
                .noneMatch(e -> !e.getKey().equals(holder) && e.getValue().contains(id)));
  }
}
