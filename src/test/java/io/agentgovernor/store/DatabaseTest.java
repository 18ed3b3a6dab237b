package io.agentgovernor.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The schema's migration on real H2 files: a fresh database, and one left by the first release. */
class DatabaseTest {

  @TempDir
  Path dir;

  private StoreConfig config(String name) {
    return new StoreConfig(StoreConfig.Kind.H2, "jdbc:h2:file:" + dir.resolve(name) + ";WRITE_DELAY=0", "sa", "", 2,
        false);
  }

  @Test
  @DisplayName("a fresh database: every table's values are inline, not null, and hold 3 MB")
  void freshDatabase() throws Exception {
    StoreConfig config = config("fresh");
    try (Database db = Database.open(config)) {
      try (Connection c = db.dataSource().getConnection(); Statement s = c.createStatement()) {
        assertThat(version(s)).isEqualTo(12);
        for (String table : Database.TABLES) {
          assertThat(valueType(s, table)).as(table).isEqualTo("CHARACTER VARYING NOT NULL");
        }
        assertThatThrownBy(() -> s.executeUpdate("INSERT INTO gov_quotas (k, v, updated_at) VALUES ('x', NULL, NOW())"))
            .isInstanceOf(SQLException.class);
      }
      JdbcMapStore quotas = new JdbcMapStore(db, "gov_quotas");
      String big = "q".repeat(3_000_000);
      quotas.store("big", big);
      assertThat(quotas.load("big")).isEqualTo(big);
    }
  }

  @Test
  @DisplayName("a database of the first schema (values as large objects): migrated in place, every value kept")
  void firstSchemaMigrated() throws Exception {
    StoreConfig config = config("old");
    String large = "{\"note\":\"" + "é∑😀".repeat(40_000) + "\"}";
    try (Connection c = DriverManager.getConnection(config.url(), "sa", ""); Statement s = c.createStatement()) {
      s.execute("CREATE TABLE gov_schema_version (version INT NOT NULL)");
      s.execute("INSERT INTO gov_schema_version (version) VALUES (6)");
      for (String table : Database.TABLES) {
        s.execute("CREATE TABLE " + table
            + " (k VARCHAR(256) PRIMARY KEY, v CHARACTER LARGE OBJECT NOT NULL, updated_at TIMESTAMP NOT NULL)");
      }
      try (PreparedStatement ps = c.prepareStatement("INSERT INTO gov_agents (k, v, updated_at) VALUES (?, ?, ?)")) {
        ps.setString(1, "a1");
        ps.setString(2, large);
        ps.setTimestamp(3, new Timestamp(0));
        ps.executeUpdate();
        ps.setString(1, "a2");
        ps.setString(2, "{\"id\":\"a2\"}");
        ps.executeUpdate();
      }
      assertThat(valueType(s, "gov_agents")).isEqualTo("CHARACTER LARGE OBJECT NOT NULL");
    }
    try (Database db = Database.open(config)) {
      try (Connection c = db.dataSource().getConnection(); Statement s = c.createStatement()) {
        assertThat(version(s)).isEqualTo(12);
        for (String table : Database.TABLES) {
          assertThat(valueType(s, table)).as(table).isEqualTo("CHARACTER VARYING NOT NULL");
        }
      }
      JdbcMapStore agents = new JdbcMapStore(db, "gov_agents");
      assertThat(agents.loadAll(java.util.List.of("a1", "a2"))).isEqualTo(Map.of("a1", large, "a2", "{\"id\":\"a2\"}"));
    }
    // opened again: nothing left to apply, nothing changed
    try (Database db = Database.open(config); Connection c = db.dataSource().getConnection();
         Statement s = c.createStatement()) {
      assertThat(version(s)).isEqualTo(12);
      assertThat(new JdbcMapStore(db, "gov_agents").load("a1")).isEqualTo(large);
    }
  }

  private static int version(Statement s) throws SQLException {
    try (ResultSet rs = s.executeQuery("SELECT MAX(version) FROM gov_schema_version")) {
      rs.next();
      return rs.getInt(1);
    }
  }

  /** The value column's type and nullability, from the information schema. */
  private static String valueType(Statement s, String table) throws SQLException {
    try (ResultSet rs = s.executeQuery("SELECT DATA_TYPE, IS_NULLABLE FROM INFORMATION_SCHEMA.COLUMNS "
        + "WHERE TABLE_NAME = '" + table.toUpperCase() + "' AND COLUMN_NAME = 'V'")) {
      assertThat(rs.next()).as(table + " has a value column").isTrue();
      return rs.getString(1) + ("NO".equals(rs.getString(2)) ? " NOT NULL" : " NULL");
    }
  }
}
