package io.agentgovernor.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;
import io.agentgovernor.bus.ErrorCode;
import io.agentgovernor.bus.GovernorException;
import io.agentgovernor.testing.TestNodes;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** Two real Hazelcast members on loopback: fenced writes as their owner and its backup see them. */
class VersionedWritesIT {

  private HazelcastInstance first;
  private HazelcastInstance second;

  @BeforeEach
  void startMembers() {
    HazelcastInstance[] pair = TestNodes.hazelcastPair("w");
    first = pair[0];
    second = pair[1];
  }

  @AfterEach
  void stopMembers() {
    if (second.getLifecycleService().isRunning()) {
      second.shutdown();
    }
    if (first.getLifecycleService().isRunning()) {
      first.shutdown();
    }
  }

  private static String quota(long version, int value) {
    return new JsonObject().put("agentId", "a").put("value", value).put("version", version).encode();
  }

  @Test
  @DisplayName("a write that reaches its owner after its deadline writes nothing, on the owner or its backup")
  void lateWriteWritesNothing() {
    IMap<String, String> map = first.getMap("governor.quotas");
    long past = System.currentTimeMillis() - 1;
    assertThat(map.executeOnKey("a", VersionedWrites.create(quota(1_000, 1), past))).isEqualTo(VersionedWrites.LATE);
    assertThat(map.get("a")).isNull();

    long future = System.currentTimeMillis() + 60_000;
    assertThat(map.executeOnKey("a", VersionedWrites.create(quota(1_000, 1), future))).isEqualTo(quota(1_000, 1));
    assertThat(map.executeOnKey("a", VersionedWrites.replace(quota(1_000, 1), quota(2_000, 2), past)))
        .isEqualTo(VersionedWrites.LATE);
    assertThat(map.executeOnKey("a", VersionedWrites.bury(3_000, past))).isEqualTo(VersionedWrites.LATE);
    assertThat(map.get("a")).isEqualTo(quota(1_000, 1));

    // the backup holds what the owner holds: stop the owner, read on the other member
    ownerOf("a").getLifecycleService().terminate();
    HazelcastInstance survivor = first.getLifecycleService().isRunning() ? first : second;
    assertThat(survivor.<String, String>getMap("governor.quotas").get("a")).isEqualTo(quota(1_000, 1));
  }

  @Test
  @DisplayName("a group or tenant put that reaches its owner after its deadline writes nothing; seeding has none")
  void lateConfiguredPutWritesNothing() {
    IMap<String, String> map = first.getMap("governor.groups");
    String group = new JsonObject().put("name", "g").put("description", "first").encode();
    assertThat(map.executeOnKey("g", VersionedWrites.configured(group, "conf-1", 1_000, Long.MAX_VALUE)))
        .isEqualTo(VersionedWrites.Seeded.CREATED.name());
    String seeded = map.get("g");

    long past = System.currentTimeMillis() - 1;
    String changed = new JsonObject().put("name", "g").put("description", "changed").encode();
    assertThat(map.executeOnKey("g", VersionedWrites.configured(changed, null, 2_000, past))).isEqualTo(VersionedWrites.LATE);
    assertThat(map.executeOnKey("g", VersionedWrites.bury(2_000, past))).isEqualTo(VersionedWrites.LATE);
    assertThat(map.get("g")).isEqualTo(seeded);
    assertThatThrownBy(() -> VersionedWrites.onTime(VersionedWrites.LATE)).isInstanceOf(GovernorException.class)
        .matches(e -> ((GovernorException) e).code() == ErrorCode.UNAVAILABLE);

    long future = System.currentTimeMillis() + 60_000;
    assertThat(map.executeOnKey("g", VersionedWrites.configured(changed, null, 2_000, future)))
        .isEqualTo(VersionedWrites.Seeded.REPLACED.name());
    assertThat(new JsonObject(map.get("g")).getString("description")).isEqualTo("changed");
    assertThat(new JsonObject(map.get("g")).getString("conf")).as("the configured fingerprint stays").isEqualTo("conf-1");

    ownerOf("g").getLifecycleService().terminate();
    HazelcastInstance survivor = first.getLifecycleService().isRunning() ? first : second;
    assertThat(new JsonObject(survivor.<String, String>getMap("governor.groups").get("g")).getString("description"))
        .as("the backup holds the in-time put").isEqualTo("changed");
  }

  @Test
  @DisplayName("an in-time compare-and-set writes on the owner and the same value on its backup; a stale expected value writes nothing")
  void inTimeWritesReachTheBackup() {
    IMap<String, String> map = first.getMap("governor.quotas");
    long future = System.currentTimeMillis() + 60_000;
    map.executeOnKey("a", VersionedWrites.create(quota(1_000, 1), future));
    assertThat(map.executeOnKey("a", VersionedWrites.replace(quota(1_000, 1), quota(2_000, 2), future)))
        .isEqualTo(quota(2_000, 2));
    assertThat(map.executeOnKey("a", VersionedWrites.replace(quota(1_000, 1), quota(3_000, 3), future))).isNull();
    assertThat(map.executeOnKey("a", VersionedWrites.bury(2_500, future))).isEqualTo(quota(2_000, 2));
    assertThat(Maps.isTombstone(map.get("a"))).isTrue();
    assertThat(MapMirror.jsonVersion(map.get("a"))).isEqualTo(Versions.next(2_000, 2_500));
    // re-created above the tombstone's version
    String again = map.executeOnKey("a", VersionedWrites.create(quota(5, 4), future));
    assertThat(MapMirror.jsonVersion(again)).isEqualTo(Versions.next(2_000, 2_500) + 1);

    ownerOf("a").getLifecycleService().terminate();
    HazelcastInstance survivor = first.getLifecycleService().isRunning() ? first : second;
    IMap<String, String> survived = survivor.getMap("governor.quotas");
    assertThat(survived.get("a")).isEqualTo(again);
    assertThat(survived.getEntryView("a").getExpirationTime()).isEqualTo(Long.MAX_VALUE); // no tombstone TTL carried over
  }

  @Test
  @DisplayName("a create, compare-and-set or delete run again (Hazelcast's retry at a new owner) answers as the first run, writing nothing more")
  void retriedWritesAnswerAsTheFirst() {
    IMap<String, String> map = first.getMap("governor.quotas");
    long future = System.currentTimeMillis() + 60_000;
    var create = VersionedWrites.create(quota(1_000, 1), future);
    assertThat(map.executeOnKey("a", create)).isEqualTo(quota(1_000, 1));
    assertThat(map.executeOnKey("a", create)).isEqualTo(quota(1_000, 1));
    assertThat(map.executeOnKey("a", VersionedWrites.create(quota(1_000, 9), future))).as("another value").isNull();
    var replace = VersionedWrites.replace(quota(1_000, 1), quota(2_000, 2), future);
    assertThat(map.executeOnKey("a", replace)).isEqualTo(quota(2_000, 2));
    assertThat(map.executeOnKey("a", replace)).isEqualTo(quota(2_000, 2));
    assertThat(map.get("a")).isEqualTo(quota(2_000, 2));
    // a delete run again finds its own tombstone: answered as done, not "there was none"
    var bury = VersionedWrites.bury(2_500, future);
    assertThat(map.executeOnKey("a", bury)).isEqualTo(quota(2_000, 2));
    String tombstone = map.get("a");
    assertThat(map.executeOnKey("a", bury)).isEqualTo(tombstone);
    assertThat(map.executeOnKey("a", VersionedWrites.bury(2_600, future))).as("another delete").isNull();
    assertThat(map.get("a")).isEqualTo(tombstone);
    // created over a tombstone with a version above it: the retry finds that value
    var again = VersionedWrites.create(quota(5, 4), future);
    String stored = map.executeOnKey("a", again);
    assertThat(map.executeOnKey("a", again)).isEqualTo(stored);
    assertThat(map.get("a")).isEqualTo(stored);
  }

  private HazelcastInstance ownerOf(String key) {
    var owner = first.getPartitionService().getPartition(key).getOwner();
    return owner.localMember() ? first : second;
  }
}
