package io.agentgovernor.store;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The node's connection pool (HikariCP) and the schema, migrated at start by plain versioned SQL:
 * a {@code gov_schema_version} table records the last step applied, and each step runs once, in
 * a transaction, in order. Several nodes starting at once on one PostgreSQL are safe: a step that
 * another node applied first fails on its own DDL and is skipped after re-reading the version.
 */
public final class Database implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(Database.class);

  /** The key-value tables, one per persisted Hazelcast map. */
  public static final List<String> TABLES = List.of("gov_quotas", "gov_groups", "gov_agents", "gov_snapshots",
      "gov_tenants", "gov_budgets");

  private final HikariDataSource pool;
  private final StoreConfig config;
  private final GroupCommit writes;

  private Database(StoreConfig config) {
    this.config = config;
    this.writes = new GroupCommit(this, !isPostgres() && config.fsync());
    HikariConfig hikari = new HikariConfig();
    hikari.setJdbcUrl(config.url());
    hikari.setUsername(config.user());
    hikari.setPassword(config.password());
    hikari.setMaximumPoolSize(config.poolSize());
    hikari.setPoolName("governor-store");
    hikari.setConnectionTimeout(10_000);
    this.pool = new HikariDataSource(hikari);
  }

  /** Opens the pool and migrates the schema; fails with the database's own message. */
  public static Database open(StoreConfig config) {
    Database db = new Database(config);
    try {
      db.migrate();
      return db;
    } catch (SQLException | RuntimeException e) {
      db.close();
      throw new IllegalStateException("store " + config.kind() + " at " + config.url() + ": " + e.getMessage(), e);
    }
  }

  public DataSource dataSource() {
    return pool;
  }

  /**
   * Runs a write in a committed transaction, grouped with the writes of other threads waiting
   * meanwhile ({@link GroupCommit}); returns once it is committed.
   */
  void write(GroupCommit.Write write) throws SQLException {
    writes.run(write);
  }

  /** The group commit behind {@link #write} (its counts, for tests). */
  GroupCommit groupCommit() {
    return writes;
  }

  /**
   * Publishes the store's write counts: {@code governor_store_writes_total} (map-store writes
   * committed) and {@code governor_store_commits_total} (transactions they took; writes ÷ commits is
   * how many a group commit carried on average).
   */
  public void bindMetrics(MeterRegistry registry) {
    FunctionCounter.builder("governor.store.writes", writes, GroupCommit::writes)
        .description("Map-store writes committed to the store").register(registry);
    FunctionCounter.builder("governor.store.commits", writes, GroupCommit::commits)
        .description("Store transactions committed (each one group of writes)").register(registry);
  }

  public StoreConfig config() {
    return config;
  }

  boolean isPostgres() {
    return config.kind() == StoreConfig.Kind.POSTGRES;
  }

  /** The schema's steps, in order; a new one is appended, a released one never changes. */
  private List<String> migrations() {
    List<String> steps = new ArrayList<>();
    // 1-6: the tables; on H2 the values were large objects
    for (String t : TABLES) {
      steps.add("CREATE TABLE IF NOT EXISTS " + t + " (k VARCHAR(256) PRIMARY KEY, v "
          + (isPostgres() ? "TEXT" : "CHARACTER LARGE OBJECT") + " NOT NULL, updated_at TIMESTAMP NOT NULL)");
    }
    // 7-12: on H2 the values inline (CHARACTER VARYING, up to 10^9 characters): a large object made
    // every write ~2.1x the CPU (an own LOB per value, a cleaner thread for the old one; 20,000
    // 600-byte merges: 279 vs 132 µs of CPU each), and the map store runs on every persisted write.
    // PostgreSQL's TEXT is inline already: restating it changes nothing.
    for (String t : TABLES) {
      steps.add("ALTER TABLE " + t + " ALTER COLUMN v "
          + (isPostgres() ? "TYPE TEXT" : "SET DATA TYPE CHARACTER VARYING"));
    }
    return steps;
  }

  private void migrate() throws SQLException {
    try (Connection c = pool.getConnection(); Statement s = c.createStatement()) {
      s.execute("CREATE TABLE IF NOT EXISTS gov_schema_version (version INT NOT NULL)");
      try (ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM gov_schema_version")) {
        if (rs.next() && rs.getInt(1) == 0) {
          s.executeUpdate("INSERT INTO gov_schema_version (version) VALUES (0)");
        }
      }
      List<String> steps = migrations();
      for (int i = version(s); i < steps.size(); i++) {
        c.setAutoCommit(false);
        try {
          s.execute(steps.get(i));
          s.executeUpdate("UPDATE gov_schema_version SET version = " + (i + 1) + " WHERE version = " + i);
          c.commit();
        } catch (SQLException e) {
          c.rollback();
          if (version(s) <= i) {
            throw e; // not a step another node applied meanwhile: a real failure
          }
        } finally {
          c.setAutoCommit(true);
        }
      }
      LOG.info("store {} ready at schema version {}", config.kind(), version(s));
    }
  }

  private static int version(Statement s) throws SQLException {
    try (ResultSet rs = s.executeQuery("SELECT MAX(version) FROM gov_schema_version")) {
      return rs.next() ? rs.getInt(1) : 0;
    }
  }

  @Override
  public void close() {
    pool.close();
  }
}
