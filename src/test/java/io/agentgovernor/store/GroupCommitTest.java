package io.agentgovernor.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Group commit on a real H2 file: writes waiting for a commit go together in the next, and a bad one fails alone. */
class GroupCommitTest {

  @TempDir
  Path dir;

  private Database db;
  private final ExecutorService pool = Executors.newFixedThreadPool(16);

  @BeforeEach
  void open() {
    db = Database.open(new StoreConfig(StoreConfig.Kind.H2, "jdbc:h2:file:" + dir.resolve("g") + ";WRITE_DELAY=0",
        "sa", "", 4, false));
  }

  @AfterEach
  void close() {
    pool.shutdownNow();
    db.close();
  }

  private static void put(Connection c, String k, String v) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("MERGE INTO gov_quotas (k, v, updated_at) KEY (k) VALUES (?, ?, NOW())")) {
      ps.setString(1, k);
      ps.setString(2, v);
      ps.executeUpdate();
    }
  }

  /** A group whose first write (row "first") holds its commit open, so later writes queue behind it. */
  private final class HeldGroup {
    final GroupCommit group = new GroupCommit(db, false);
    private final CountDownLatch release = new CountDownLatch(1);
    private final Future<?> leader;

    /** Returns once the first write is leading. */
    HeldGroup() throws Exception {
      CountDownLatch inside = new CountDownLatch(1);
      leader = submit(c -> {
        put(c, "first", "1");
        inside.countDown();
        try {
          release.await(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
          throw new SQLException(e);
        }
      });
      assertThat(inside.await(30, TimeUnit.SECONDS)).isTrue();
    }

    /** Runs a write through the group on a pool thread. */
    Future<?> submit(GroupCommit.Write write) {
      return pool.submit(() -> {
        group.run(write);
        return null;
      });
    }

    /** Lets the leader commit, then waits for it and for every writer (each must succeed). */
    void releaseAndJoin(List<Future<?>> writers) throws Exception {
      release.countDown();
      leader.get(30, TimeUnit.SECONDS);
      for (Future<?> f : writers) {
        f.get(30, TimeUnit.SECONDS);
      }
    }
  }

  @Test
  @DisplayName("writes arriving during a commit wait, then are committed together in one transaction")
  void waitingWritesShareOneCommit() throws Exception {
    HeldGroup held = new HeldGroup();
    GroupCommit group = held.group;
    List<Future<?>> followers = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      String k = "k" + i;
      followers.add(held.submit(c -> put(c, k, "v")));
    }
    await().atMost(Duration.ofSeconds(30)).until(() -> group.queued() == 10);
    assertThat(followers).noneMatch(Future::isDone); // none returns before its write is committed

    held.releaseAndJoin(followers);
    assertThat(group.commits()).isEqualTo(2); // the leader's alone, then the ten together
    assertThat(group.writes()).isEqualTo(11);
    assertThat(rows()).containsKeys("first", "k0", "k5", "k9").hasSize(11);
  }

  @Test
  @DisplayName("a write that fails in a group fails its own caller only; the others are committed")
  void badWriteFailsAlone() throws Exception {
    HeldGroup held = new HeldGroup();
    GroupCommit group = held.group;
    List<Future<?>> good = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      String k = "good" + i;
      good.add(held.submit(c -> put(c, k, "v")));
    }
    Future<?> bad = held.submit(c -> put(c, "x".repeat(300), "key longer than the column")); // k is VARCHAR(256)
    await().atMost(Duration.ofSeconds(30)).until(() -> group.queued() == 6);

    held.releaseAndJoin(good);
    assertThatThrownBy(() -> bad.get(30, TimeUnit.SECONDS)).hasCauseInstanceOf(SQLException.class);
    assertThat(rows()).containsOnlyKeys("first", "good0", "good1", "good2", "good3", "good4");
  }

  @Test
  @DisplayName("a write that throws (not SQL) fails its own caller only, and the writer after it still commits")
  void throwingWriteFailsAlone() throws Exception {
    HeldGroup held = new HeldGroup();
    GroupCommit group = held.group;
    Future<?> throwing = held.submit(c -> {
      throw new IllegalStateException("a bug in a write");
    });
    Future<?> good = held.submit(c -> put(c, "after", "v"));
    await().atMost(Duration.ofSeconds(30)).until(() -> group.queued() == 2);
    held.releaseAndJoin(List.of(good));
    assertThatThrownBy(() -> throwing.get(30, TimeUnit.SECONDS)).hasCauseInstanceOf(SQLException.class)
        .hasMessageContaining("a bug in a write");
    assertThat(rows()).containsOnlyKeys("first", "after");
  }

  @Test
  @DisplayName("with the store unreachable a write fails with the pool's error and nothing is counted as committed")
  void unreachableStoreFailsTheWrite() {
    GroupCommit group = new GroupCommit(db, false);
    db.close();
    assertThatThrownBy(() -> group.run(c -> put(c, "k", "v"))).isInstanceOf(SQLException.class);
    assertThat(group.commits()).isZero();
  }

  @Test
  @DisplayName("the map store through group commit: 2,000 writes from 16 threads, every one stored, then deleted")
  void mapStoreUnderConcurrency() throws Exception {
    JdbcMapStore store = new JdbcMapStore(db, "gov_quotas");
    List<Future<?>> work = new ArrayList<>();
    for (int t = 0; t < 16; t++) {
      int thread = t;
      work.add(pool.submit(() -> {
        for (int i = 0; i < 125; i++) {
          store.store("t" + thread + "-" + i, "{\"n\":" + i + "}");
        }
        return null;
      }));
    }
    for (Future<?> f : work) {
      f.get(60, TimeUnit.SECONDS);
    }
    Map<String, String> rows = rows();
    assertThat(rows).hasSize(2000).containsEntry("t15-124", "{\"n\":124}");
    assertThat(db.groupCommit().writes()).isEqualTo(2000);
    store.deleteAll(List.of("t0-0", "t0-1"));
    assertThat(rows()).hasSize(1998).doesNotContainKey("t0-0");
  }

  private Map<String, String> rows() throws SQLException {
    Map<String, String> out = new HashMap<>();
    try (Connection c = db.dataSource().getConnection();
         var rs = c.createStatement().executeQuery("SELECT k, v FROM gov_quotas")) {
      while (rs.next()) {
        out.put(rs.getString(1), rs.getString(2));
      }
    }
    return out;
  }
}
