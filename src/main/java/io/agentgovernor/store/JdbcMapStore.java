package io.agentgovernor.store;

import com.hazelcast.config.Config;
import com.hazelcast.config.MapConfig;
import com.hazelcast.config.MapStoreConfig;
import com.hazelcast.map.MapStore;
import io.agentgovernor.cluster.Maps;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A Hazelcast map's entries (key → JSON text) in one table. Configured write-through (no write
 * delay), so a put is acknowledged only once the row is committed (and, on H2 with
 * {@code store.fsync}, forced to the device); a tombstone value (({@code Maps.isTombstone})) deletes the
 * row instead, so deleted entries do not come back at the next start; loaded eagerly when the map is
 * first used. Hazelcast calls it from its partition threads; every call takes a pooled connection.
 */
public final class JdbcMapStore implements MapStore<String, String> {

  private final Database db;
  private final String table;
  private final String upsert;

  /** The persisted maps and their tables. */
  private static final Map<String, String> PERSISTED = Map.of(Maps.QUOTAS, "gov_quotas", Maps.GROUPS, "gov_groups",
      Maps.AGENTS, "gov_agents", Maps.SNAPSHOTS, "gov_snapshots", Maps.TENANTS, "gov_tenants",
      Maps.BUDGETS, "gov_budgets");


  /**
   * Puts the store behind quotas, groups, tenants, registrations, snapshots and budgets (maps
   * already configured by {@code ClusterSetup} and the budget part): written through to it (a put
   * returns only once the row is stored) and loaded eagerly at start.
   */
  public static void attach(Config hz, Database store) {
    PERSISTED.forEach((name, table) -> {
      MapConfig map = hz.getMapConfigOrNull(name);
      if (map == null) {
        throw new IllegalStateException("map " + name + " is not configured");
      }
      map.setMapStoreConfig(new MapStoreConfig()
          .setEnabled(true)
          .setImplementation(new JdbcMapStore(store, table))
          // write-through for every map, budgets included: write-behind was tried for budgets and
          // breaks partition migration between a member with a store and one without
          // (ClassCastException in MapChunk.applyWriteBehindState, partitions never settle)
          .setWriteDelaySeconds(0)
          .setInitialLoadMode(MapStoreConfig.InitialLoadMode.EAGER));
    });
  }

  public JdbcMapStore(Database db, String table) {
    if (!Database.TABLES.contains(table)) {
      throw new IllegalArgumentException("unknown table " + table);
    }
    this.db = db;
    this.table = table;
    this.upsert = db.isPostgres()
        ? "INSERT INTO " + table + " (k, v, updated_at) VALUES (?, ?, ?) ON CONFLICT (k) DO UPDATE SET v = EXCLUDED.v, updated_at = EXCLUDED.updated_at"
        : "MERGE INTO " + table + " (k, v, updated_at) KEY (k) VALUES (?, ?, ?)";
  }

  @Override
  public void store(String key, String value) {
    storeAll(Map.of(key, value));
  }

  @Override
  public void storeAll(Map<String, String> entries) {
    List<String> deleted = new ArrayList<>();
    Map<String, String> live = new HashMap<>();
    entries.forEach((k, v) -> {
      if (Maps.isTombstone(v)) {
        deleted.add(k);
      } else {
        live.put(k, v);
      }
    });
    try {
      db.write(c -> {
        delete(c, deleted);
        if (live.isEmpty()) {
          return;
        }
        try (PreparedStatement ps = c.prepareStatement(upsert)) {
          Timestamp now = new Timestamp(System.currentTimeMillis());
          for (Map.Entry<String, String> e : live.entrySet()) {
            ps.setString(1, e.getKey());
            ps.setString(2, e.getValue());
            ps.setTimestamp(3, now);
            ps.addBatch();
          }
          ps.executeBatch();
        }
      });
    } catch (SQLException e) {
      throw new IllegalStateException("storing into " + table + " failed: " + e.getMessage(), e);
    }
  }

  @Override
  public void delete(String key) {
    deleteAll(List.of(key));
  }

  @Override
  public void deleteAll(Collection<String> keys) {
    try {
      db.write(c -> delete(c, keys));
    } catch (SQLException e) {
      throw new IllegalStateException("deleting from " + table + " failed: " + e.getMessage(), e);
    }
  }

  private void delete(Connection c, Collection<String> keys) throws SQLException {
    if (keys.isEmpty()) {
      return;
    }
    try (PreparedStatement ps = c.prepareStatement("DELETE FROM " + table + " WHERE k = ?")) {
      for (String k : keys) {
        ps.setString(1, k);
        ps.addBatch();
      }
      ps.executeBatch();
    }
  }

  @Override
  public String load(String key) {
    Map<String, String> one = loadAll(List.of(key));
    return one.get(key);
  }

  @Override
  public Map<String, String> loadAll(Collection<String> keys) {
    Map<String, String> out = new HashMap<>();
    try (Connection c = db.dataSource().getConnection();
         PreparedStatement ps = c.prepareStatement("SELECT v FROM " + table + " WHERE k = ?")) {
      for (String k : keys) {
        ps.setString(1, k);
        try (ResultSet rs = ps.executeQuery()) {
          if (rs.next()) {
            out.put(k, rs.getString(1));
          }
        }
      }
    } catch (SQLException e) {
      throw new IllegalStateException("loading from " + table + " failed: " + e.getMessage(), e);
    }
    return out;
  }

  @Override
  public Iterable<String> loadAllKeys() {
    List<String> keys = new ArrayList<>();
    try (Connection c = db.dataSource().getConnection();
         PreparedStatement ps = c.prepareStatement("SELECT k FROM " + table);
         ResultSet rs = ps.executeQuery()) {
      while (rs.next()) {
        keys.add(rs.getString(1));
      }
    } catch (SQLException e) {
      throw new IllegalStateException("listing " + table + " failed: " + e.getMessage(), e);
    }
    return keys;
  }
}
