package io.agentgovernor.store;

import io.agentgovernor.bus.GovernorException;
import io.agentgovernor.bus.Json;
import io.agentgovernor.config.NodeConfig;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Where quotas, groups, agent registrations and agent snapshots survive a full stop.
 *
 * <ul>
 *   <li>{@code h2}: an embedded database in {@code --data-dir}, created on first start. Only for a
 *       cluster of one: Hazelcast stores each entry from the member that owns its partition, so
 *       with several members every member must reach the same database, which a per-node file is
 *       not — the node refuses that configuration.</li>
 *   <li>{@code postgres}: one PostgreSQL database (JDBC URL, user, password) that every member
 *       reaches; the schema is created and migrated by the nodes.</li>
 *   <li>{@code none}: memory only (Hazelcast backups survive a member's loss, not a full stop).</li>
 *   <li>{@code auto} (default): {@code h2} for a cluster of one, {@code none} otherwise.</li>
 * </ul>
 *
 * <p>Durability: a write is acknowledged only once the store committed it. H2 runs with
 * {@code WRITE_DELAY=0}, so every commit is in the operating system's file before the put returns
 * (its default, 500 ms, lost 11-13 of 16 acknowledged quotas on kill -9); with {@code fsync}
 * (default true) each committed batch is also forced to the device ({@code CHECKPOINT SYNC}), so
 * a power loss keeps every acknowledged write the disk itself keeps. PostgreSQL's own
 * {@code synchronous_commit} decides the same for it.
 *
 * @param fsync H2 only: force every committed write to the device before acknowledging it
 */
public record StoreConfig(Kind kind, String url, String user, String password, int poolSize, boolean fsync) {

  /** The kinds of store. */
  public enum Kind { H2, POSTGRES, NONE }

  public static StoreConfig of(NodeConfig node) {
    JsonObject store = node.section("store");
    String kindText = orDefault(Json.optString(store, "kind", "store"), "auto").toLowerCase(Locale.ROOT);
    boolean clusterOfOne = node.members().isEmpty();
    Kind kind = switch (kindText) {
      case "auto" -> clusterOfOne ? Kind.H2 : Kind.NONE;
      case "h2" -> Kind.H2;
      case "postgres", "postgresql" -> Kind.POSTGRES;
      case "none", "memory" -> Kind.NONE;
      default -> throw GovernorException.invalid("store.kind must be auto, h2, postgres or none, got '" + kindText + "'");
    };
    if (kind == Kind.H2 && !clusterOfOne) {
      throw GovernorException.invalid("store.kind h2 is an embedded database of one node, but this node joins a "
          + "cluster (--members): every member must reach the same store, so use store.kind postgres "
          + "(or none for memory only)");
    }
    Long pool = Json.optLong(store, "poolSize", "store", 1, 64);
    String url = Json.optString(store, "url", "store");
    if (kind == Kind.POSTGRES && (url == null || !url.startsWith("jdbc:postgresql:"))) {
      throw GovernorException.invalid("store.kind postgres needs store.url = jdbc:postgresql://host:port/db (GOVERNOR_STORE_URL)");
    }
    if (kind == Kind.H2) {
      url = "jdbc:h2:file:" + Path.of(node.dataDir()).toAbsolutePath().resolve("governor")
          + ";DB_CLOSE_ON_EXIT=FALSE;LOCK_TIMEOUT=10000;WRITE_DELAY=0";
    }
    return new StoreConfig(kind, url, orDefault(Json.optString(store, "user", "store"), kind == Kind.H2 ? "sa" : ""),
        orDefault(Json.optString(store, "password", "store"), ""), pool == null ? 4 : pool.intValue(),
        !Boolean.FALSE.equals(Json.optBoolean(store, "fsync", "store")));
  }

  @Override
  public String toString() {
    return "StoreConfig[" + kind + " " + url + "]"; // never the password
  }

  private static String orDefault(String v, String d) {
    return v == null ? d : v;
  }
}
