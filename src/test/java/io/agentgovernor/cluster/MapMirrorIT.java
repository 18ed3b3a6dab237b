package io.agentgovernor.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;
import io.agentgovernor.testing.TestNodes;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** Two real Hazelcast members on loopback; the mirror runs on the second. */
class MapMirrorIT {

  private static HazelcastInstance first;
  private static HazelcastInstance second;

  @BeforeAll
  static void startMembers() {
    HazelcastInstance[] pair = TestNodes.hazelcastPair("m");
    first = pair[0];
    second = pair[1];
  }

  @AfterAll
  static void stopMembers() {
    second.shutdown();
    first.shutdown();
  }

  private static String value(String key, long version) {
    return new JsonObject().put("id", key).put("version", version).put("node", "node-" + (version % 3))
        .put("config", new JsonObject().put("padding", "x".repeat(200))).encode();
  }

  private static Map<String, JsonObject> live(IMap<String, String> map) {
    Map<String, JsonObject> out = new HashMap<>();
    map.forEach((k, v) -> {
      if (!Maps.isTombstone(v)) {
        out.put(k, new JsonObject(v));
      }
    });
    return out;
  }

  @Test
  @DisplayName("a pass repairs every add, update, removal and tombstone a mirror missed, and only those")
  void passRepairsWhatTheMirrorMissed() {
    IMap<String, String> map = first.getMap("test.missed");
    for (int i = 0; i < 100; i++) {
      map.set("k" + i, value("k" + i, 1));
    }
    Map<String, JsonObject> local = new ConcurrentHashMap<>();
    MapMirror mirror = new MapMirror(second, second.getMap("test.missed"), MapMirror.Target.json(local)).start();
    try {
      assertThat(local).isEqualTo(live(map));
      long fetched = mirror.bucketsFetched();
      assertThat(mirror.reconcile()).isZero();
      assertThat(mirror.bucketsFetched()).as("digests equal: no entry's fingerprint read").isEqualTo(fetched);
      // what an event applies is hashed from the event's serialized value: the same digest as the owner's
      map.set("k99", value("k99", 2));
      Awaitility.await().atMost(Duration.ofSeconds(5))
          .until(() -> local.get("k99").getLong("version") == 2);
      assertThat(mirror.reconcile()).isZero();
      assertThat(mirror.bucketsFetched()).as("an applied event leaves the digests equal").isEqualTo(fetched);
      mirror.deafen(); // from now on every event to this mirror is lost
      for (int i = 0; i < 10; i++) {
        map.set("new" + i, value("new" + i, 1));
        map.set("k" + i, value("k" + i, 2));
        map.delete("k" + (10 + i));
      }
      for (int i = 20; i < 25; i++) {
        map.executeOnKey("k" + i, VersionedWrites.bury(System.currentTimeMillis(), Long.MAX_VALUE));
      }
      local.remove("k50"); // and the copy itself lost one
      assertThat(local).isNotEqualTo(live(map));

      assertThat(mirror.reconcile()).isEqualTo(10 + 10 + 10 + 5 + 1);
      assertThat(local).isEqualTo(live(map));
      // only the buckets of the 35 keys whose value changed were read key by key (k50 is repaired
      // from the copy's own check, its bucket's digest is equal)
      assertThat(mirror.bucketsFetched() - fetched).isBetween(1L, 35L);
      fetched = mirror.bucketsFetched();
      assertThat(mirror.reconcile()).isZero(); // nothing left to repair
      assertThat(mirror.bucketsFetched()).isEqualTo(fetched);
    } finally {
      mirror.stop();
    }
  }

  @Test
  @DisplayName("a write the map lost (it went back to an older version) is written back by a pass of a mirror that applied it; a mirror that cannot give its value only follows the map")
  void passWritesBackALostWrite() {
    IMap<String, String> map = first.getMap("test.lost");
    Map<String, JsonObject> local = new ConcurrentHashMap<>();
    MapMirror mirror = new MapMirror(second, second.getMap("test.lost"), MapMirror.Target.json(local),
        key -> local.containsKey(key) ? local.get(key).encode() : null).start();
    Map<String, JsonObject> plainCopy = new ConcurrentHashMap<>();
    MapMirror plain = new MapMirror(second, second.getMap("test.lost"), MapMirror.Target.json(plainCopy)).start();
    try {
      map.set("q", value("q", 1_000));
      map.set("q", value("q", 2_000));
      Awaitility.await().atMost(Duration.ofSeconds(5)).until(() ->
          local.containsKey("q") && local.get("q").getLong("version") == 2_000
              && plainCopy.containsKey("q") && plainCopy.get("q").getLong("version") == 2_000);
      // the map goes back to version 1,000 as a promoted stale replica would: the event is older
      // than what the mirrors hold, so they keep 2,000
      map.set("q", value("q", 1_000));

      assertThat(plain.reconcile()).isEqualTo(1);
      assertThat(plain.writtenBack()).isZero();
      assertThat(mirror.reconcile()).isEqualTo(1);
      assertThat(mirror.writtenBack()).isEqualTo(1);
      assertThat(new JsonObject(map.get("q")).getLong("version")).isEqualTo(2_000);
      assertThat(mirror.reconcile()).isZero();
      assertThat(mirror.writtenBack()).isEqualTo(1);
    } finally {
      plain.stop();
      mirror.stop();
    }
  }

  @Test
  @DisplayName("cost of one pass over 10,000 entries, against reading the whole map (printed)")
  void costOfAPass() {
    IMap<String, String> map = first.getMap("test.cost");
    Map<String, String> batch = new HashMap<>();
    for (int i = 0; i < 10_000; i++) {
      batch.put("agent-" + i, value("agent-" + i, 1));
    }
    map.putAll(batch);
    Map<String, JsonObject> local = new ConcurrentHashMap<>();
    long t0 = System.nanoTime();
    MapMirror mirror = new MapMirror(second, second.getMap("test.cost"), MapMirror.Target.json(local)).start();
    long load = System.nanoTime() - t0;
    try {
      assertThat(local).hasSize(10_000);
      long[] pass = new long[7];
      long[] full = new long[7];
      for (int r = 0; r < pass.length; r++) {
        long s = System.nanoTime();
        assertThat(mirror.reconcile()).isZero();
        pass[r] = System.nanoTime() - s;
        s = System.nanoTime();
        assertThat(second.<String, String>getMap("test.cost").entrySet()).hasSize(10_000);
        full[r] = System.nanoTime() - s;
      }
      java.util.Arrays.sort(pass);
      java.util.Arrays.sort(full);
      System.out.printf("MapMirror pass over 10000 entries (no change): median %.1f ms; reading every entry "
          + "(entrySet): median %.1f ms; first pass (load of all): %.1f ms%n",
          pass[3] / 1e6, full[3] / 1e6, load / 1e6);
    } finally {
      mirror.stop();
    }
  }
}
