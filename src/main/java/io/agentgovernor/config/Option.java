package io.agentgovernor.config;

import java.util.List;
import java.util.Locale;

/**
 * A node option that can come from the YAML file, a {@code GOVERNOR_*} environment variable or a
 * command-line flag. The table {@link #ALL} is the single source of truth for all three and for
 * {@code --help}.
 *
 * @param flag the command-line flag, or null for options that are never flags (secrets: flags are
 *     visible to every user of the machine through {@code ps})
 * @param path the dotted path in the YAML file
 * @param kind how the text is parsed
 */
public record Option(String flag, String env, String path, Kind kind, String help) {

  /** How an option's text is turned into a value. */
  public enum Kind { STRING, INT, PORT, BOOLEAN, LIST }

  public static final List<Option> ALL = List.of(
      new Option("--http-port", "GOVERNOR_HTTP_PORT", "node.httpPort", Kind.PORT, "HTTP port of the admin API (0 = any free port)"),
      new Option("--http-host", "GOVERNOR_HTTP_HOST", "node.httpHost", Kind.STRING, "address the admin API binds to"),
      new Option("--node-id", "GOVERNOR_NODE_ID", "node.id", Kind.STRING, "this node's id (default: generated)"),
      new Option("--data-dir", "GOVERNOR_DATA_DIR", "node.dataDir", Kind.STRING, "directory for the node's data"),
      new Option("--demo", "GOVERNOR_DEMO", "node.demo", Kind.BOOLEAN, "deploy a mix of sample agents"),
      new Option("--cluster-name", "GOVERNOR_CLUSTER_NAME", "cluster.name", Kind.STRING, "Hazelcast cluster name"),
      new Option("--cluster-host", "GOVERNOR_CLUSTER_HOST", "cluster.host", Kind.STRING, "address Hazelcast and the event bus bind to"),
      new Option("--cluster-port", "GOVERNOR_CLUSTER_PORT", "cluster.port", Kind.PORT, "Hazelcast port"),
      new Option("--members", "GOVERNOR_MEMBERS", "cluster.members", Kind.LIST, "peers to join, host:port,host:port (none = a cluster of one)"),
      new Option("--bridge-port", "GOVERNOR_BRIDGE_PORT", "bridge.port", Kind.PORT, "TCP event-bus bridge port for outside agents (0 = off)"),
      new Option(null, "GOVERNOR_STORE_KIND", "store.kind", Kind.STRING, "auto, h2, postgres or none"),
      new Option(null, "GOVERNOR_STORE_URL", "store.url", Kind.STRING, "JDBC URL of the PostgreSQL store"),
      new Option(null, "GOVERNOR_STORE_USER", "store.user", Kind.STRING, "database user"),
      new Option(null, "GOVERNOR_STORE_PASSWORD", "store.password", Kind.STRING, "database password"),
      new Option(null, "GOVERNOR_ADMIN_TOKEN", "admin.adminToken", Kind.STRING, "operator bearer token"),
      new Option(null, "GOVERNOR_VIEWER_TOKEN", "admin.viewerToken", Kind.STRING, "read-only bearer token"));

  /** The flag that names the configuration file; it is read before everything else. */
  public static final String CONFIG_FLAG = "--config";
  public static final String CONFIG_ENV = "GOVERNOR_CONFIG";

  /** Parses the text of this option; fails with a message naming {@code source}. */
  public Object parse(String text, String source) {
    String value = text.trim();
    return switch (kind) {
      case STRING -> value;
      case INT -> parseInt(value, source, Integer.MIN_VALUE, Integer.MAX_VALUE);
      case PORT -> parseInt(value, source, 0, 65535);
      case BOOLEAN -> switch (value.toLowerCase(Locale.ROOT)) {
        case "true", "yes", "1", "" -> true;
        case "false", "no", "0" -> false;
        default -> throw new ConfigException(source + ": expected true or false, got '" + text + "'");
      };
      case LIST -> value.isEmpty() ? List.of() : List.of(value.split("\\s*,\\s*"));
    };
  }

  private static int parseInt(String value, String source, int min, int max) {
    try {
      int n = Integer.parseInt(value);
      if (n < min || n > max) {
        throw new ConfigException(source + ": " + n + " is outside [" + min + ", " + max + "]");
      }
      return n;
    } catch (NumberFormatException e) {
      throw new ConfigException(source + ": expected a whole number, got '" + value + "'");
    }
  }
}
