package io.agentgovernor.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.hazelcast.core.EntryEvent;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;
import com.hazelcast.map.listener.EntryAddedListener;
import com.hazelcast.map.listener.EntryUpdatedListener;
import io.agentgovernor.testing.TestNodes;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** Batched history appends on two real Hazelcast members on loopback, written from the second. */
class BatchedAppendsIT {

  private static HazelcastInstance first;
  private static HazelcastInstance second;
  private static Vertx vertx;

  @BeforeAll
  static void start() {
    HazelcastInstance[] pair = TestNodes.hazelcastPair("m");
    first = pair[0];
    second = pair[1];
    vertx = Vertx.vertx();
  }

  @AfterAll
  static void stop() throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    second.shutdown();
    first.shutdown();
  }

  private static String event(String key, int n) {
    return new JsonObject().put("agentId", key).put("n", n).put("time", 1_700_000_000_000L + n).encode();
  }

  @Test
  @DisplayName("events added within one interval reach each key in one write, in order; a flush makes them readable at once")
  void oneWritePerKeyPerInterval() throws Exception {
    String name = "test.batched." + System.nanoTime();
    BoundedAppend.configure(first.getConfig(), name, 1); // as the governor's histories: values kept as objects
    IMap<String, String> map = second.getMap(name);
    Map<String, AtomicInteger> writes = new ConcurrentHashMap<>();
    class Count implements EntryAddedListener<String, String>, EntryUpdatedListener<String, String> {
      @Override
      public void entryAdded(EntryEvent<String, String> e) {
        writes.computeIfAbsent(e.getKey(), k -> new AtomicInteger()).incrementAndGet();
      }

      @Override
      public void entryUpdated(EntryEvent<String, String> e) {
        writes.computeIfAbsent(e.getKey(), k -> new AtomicInteger()).incrementAndGet();
      }
    }
    map.addEntryListener(new Count(), false);
    // a long interval: nothing is written until the flush below
    BatchedAppends appends = new BatchedAppends(vertx, map, 30, 60_000, "test");
    List<String> keys = List.of("a1", "a2", "a3", "a4");
    for (int n = 0; n < 40; n++) {
      for (String key : keys) {
        appends.add(key, event(key, n));
      }
    }
    assertThat(map.size()).isZero();
    appends.flush().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    for (String key : keys) {
      List<JsonObject> stored = BoundedAppend.events(first.<String, String>getMap(map.getName()).get(key));
      assertThat(stored).hasSize(30); // the bound keeps the newest 30 of 40
      assertThat(stored.stream().map(e -> e.getInteger("n")).toList())
          .isEqualTo(java.util.stream.IntStream.range(10, 40).boxed().toList());
    }
    await().atMost(Duration.ofSeconds(10)).until(() -> keys.stream().allMatch(writes::containsKey));
    // 40 events per key, one processor run each: one entry event per key
    await().during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(5))
        .until(() -> keys.stream().allMatch(k -> writes.get(k).get() == 1));
  }

  @Test
  @DisplayName("without a flush, events are written within the interval; later batches append after earlier ones")
  void writtenWithinTheInterval() {
    IMap<String, String> map = second.getMap("test.batched." + System.nanoTime());
    BatchedAppends appends = new BatchedAppends(vertx, map, 100, 50, "test");
    for (int n = 0; n < 5; n++) {
      appends.add("k", event("k", n));
    }
    await().atMost(Duration.ofSeconds(10)).until(() -> BoundedAppend.events(map.get("k")).size() == 5);
    for (int n = 5; n < 10; n++) {
      appends.add("k", event("k", n));
    }
    await().atMost(Duration.ofSeconds(10)).until(() -> BoundedAppend.events(map.get("k")).size() == 10);
    assertThat(BoundedAppend.events(map.get("k")).stream().map(e -> e.getInteger("n")).toList())
        .isEqualTo(java.util.stream.IntStream.range(0, 10).boxed().toList());
  }
}
