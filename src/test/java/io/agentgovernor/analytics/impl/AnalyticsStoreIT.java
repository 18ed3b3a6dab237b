package io.agentgovernor.analytics.impl;

import static org.assertj.core.api.Assertions.assertThat;

import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import io.agentgovernor.cluster.ClusterSetup;
import io.agentgovernor.testing.TestNodes;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The analytics map's compare-and-set on a real Hazelcast member. */
class AnalyticsStoreIT {

  private HazelcastInstance member;
  private AnalyticsStore store;

  @BeforeEach
  void startMember() {
    member = Hazelcast.newHazelcastInstance(ClusterSetup.hazelcastConfig(TestNodes.config(
        TestNodes.randomClusterName(), TestNodes.randomClusterPort(), "s1", List.of())));
    store = new AnalyticsStore(member, 60_000);
    store.update("a", previous -> record("a", 1, open("r1"))); // agent a's analysis, one open recommendation
  }

  @AfterEach
  void stopMember() {
    member.shutdown();
  }

  private static AgentAnalytics record(String agentId, long time, StoredRecommendation item) {
    return new AgentAnalytics(agentId, "s1", "g", time, new JsonObject(), new JsonArray(), new JsonArray(),
        List.of(item));
  }

  private static StoredRecommendation open(String id) {
    return StoredRecommendation.fromJson(new JsonObject().put("id", id).put("resource", "memory")
        .put("status", "open").put("createdAt", 1L).put("updatedAt", 1L));
  }

  @Test
  @DisplayName("a write that took effect but answered 'not written' (Hazelcast's retry at a new owner) counts as this update's: the change is not applied twice")
  void ownWriteAnsweredFalseIsNotAppliedTwice() {
    AtomicInteger calls = new AtomicInteger();
    // what a retried replace leaves behind: the new value is stored, the answer is "not written".
    // The change stores its own result before the store's replace runs, so that replace finds
    // the entry changed, as the retry at the new owner does.
    AgentAnalytics written = store.update("a", stored -> {
      calls.incrementAndGet();
      AgentAnalytics next = stored.claim("r1", 5, 60_000);
      member.<String, String>getMap(AnalyticsStore.MAP).set("a", next.toJson().encode());
      return next;
    });

    assertThat(calls).hasValue(1); // before: applied again to its own result, and the claim failed as "being applied"
    assertThat(written.item("r1").status()).isEqualTo(StoredRecommendation.Status.APPLYING);
    assertThat(store.get("a").item("r1").status()).isEqualTo(StoredRecommendation.Status.APPLYING);
  }

  @Test
  @DisplayName("a write lost to another writer's is applied again to what that writer stored")
  void otherWritersChangeIsReapplied() {
    AtomicInteger calls = new AtomicInteger();
    AgentAnalytics written = store.update("a", stored -> {
      if (calls.incrementAndGet() == 1) { // another node's analysis lands first
        member.<String, String>getMap(AnalyticsStore.MAP).set("a", record("a", 2, open("r1")).toJson().encode());
      }
      return new AgentAnalytics("a", "s1", "g", stored.time() + 10, stored.patterns(), stored.violations(),
          stored.actions(), stored.items());
    });

    assertThat(calls).hasValue(2);
    assertThat(written.time()).isEqualTo(12); // built on the other writer's time 2, not on the 1 it first read
    assertThat(store.get("a").time()).isEqualTo(12);
  }
}
