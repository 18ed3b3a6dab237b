package io.agentgovernor.config;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.YAMLException;

/**
 * Builds a node's configuration in one documented order, each layer overriding the one before:
 * <ol>
 *   <li>{@code conf/governor.yaml} as built into the jar (the defaults, with the quota groups);</li>
 *   <li>the YAML file named by {@code --config} or {@code GOVERNOR_CONFIG}, merged key by key;</li>
 *   <li>{@code GOVERNOR_*} environment variables ({@link Option#ALL});</li>
 *   <li>command-line flags.</li>
 * </ol>
 * The configuration is read before Vert.x exists (it decides how the clustered Vert.x is built),
 * which is why this is plain SnakeYAML rather than vertx-config's asynchronous retrievers.
 */
public final class ConfigLoader {

  private static final String BUILT_IN = "conf/governor.yaml";

  private ConfigLoader() {
  }

  /** Loads the configuration for these flags and this environment; fails with one clear line. */
  public static NodeConfig load(List<String> args, Map<String, String> env) {
    Map<Option, String> flags = parseFlags(args);
    JsonObject json = readBuiltIn();
    String file = flagValue(args, Option.CONFIG_FLAG);
    if (file == null) {
      file = env.get(Option.CONFIG_ENV);
    }
    if (file != null && !file.isBlank()) {
      deepMerge(json, readFile(Path.of(file)));
    }
    for (Option option : Option.ALL) {
      String value = env.get(option.env());
      if (value != null && !value.isEmpty()) {
        NodeConfig.put(json, option.path(), option.parse(value, "environment variable " + option.env()));
      }
    }
    flags.forEach((option, value) -> NodeConfig.put(json, option.path(), option.parse(value, "flag " + option.flag())));
    return NodeConfig.fromJson(json);
  }

  /** The built-in defaults alone: what a node runs with when given nothing. */
  public static JsonObject builtInDefaults() {
    return readBuiltIn();
  }

  private static Map<Option, String> parseFlags(List<String> args) {
    Map<Option, String> flags = new java.util.LinkedHashMap<>();
    for (int i = 0; i < args.size(); i++) {
      String arg = args.get(i);
      String name = arg.contains("=") ? arg.substring(0, arg.indexOf('=')) : arg;
      String inline = arg.contains("=") ? arg.substring(arg.indexOf('=') + 1) : null;
      if (name.equals(Option.CONFIG_FLAG)) {
        if (inline == null) {
          i++;
        }
        continue;
      }
      Option option = Option.ALL.stream().filter(o -> name.equals(o.flag())).findFirst()
          .orElseThrow(() -> new ConfigException("unknown option '" + name + "' (try --help)"));
      if (inline != null) {
        flags.put(option, inline);
      } else if (option.kind() == Option.Kind.BOOLEAN) {
        flags.put(option, "true");
      } else if (i + 1 < args.size() && !args.get(i + 1).startsWith("--")) {
        flags.put(option, args.get(++i));
      } else {
        throw new ConfigException("option " + name + " needs a value");
      }
    }
    return flags;
  }

  private static String flagValue(List<String> args, String flag) {
    for (int i = 0; i < args.size(); i++) {
      String arg = args.get(i);
      if (arg.startsWith(flag + "=")) {
        return arg.substring(flag.length() + 1);
      }
      if (arg.equals(flag)) {
        if (i + 1 >= args.size()) {
          throw new ConfigException("option " + flag + " needs a file name");
        }
        return args.get(i + 1);
      }
    }
    return null;
  }

  private static JsonObject readBuiltIn() {
    try (InputStream in = ConfigLoader.class.getClassLoader().getResourceAsStream(BUILT_IN)) {
      if (in == null) {
        throw new ConfigException("the built-in configuration " + BUILT_IN + " is missing from the classpath");
      }
      return parseYaml(new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8), BUILT_IN);
    } catch (IOException e) {
      throw new ConfigException("cannot read the built-in configuration: " + e.getMessage());
    }
  }

  private static JsonObject readFile(Path path) {
    try {
      return parseYaml(Files.readString(path), path.toString());
    } catch (NoSuchFileException e) {
      throw new ConfigException("configuration file " + path + " does not exist");
    } catch (IOException e) {
      throw new ConfigException("cannot read configuration file " + path + ": " + e.getMessage());
    }
  }

  static JsonObject parseYaml(String text, String source) {
    try {
      Object doc = new Yaml(new SafeConstructor(new LoaderOptions())).load(text);
      if (doc == null) {
        return new JsonObject();
      }
      if (!(doc instanceof Map<?, ?> map)) {
        throw new ConfigException(source + ": the top level must be a mapping of sections");
      }
      return toJson(map);
    } catch (YAMLException e) {
      String first = String.valueOf(e.getMessage()).lines().filter(l -> !l.isBlank()).findFirst().orElse("");
      String where = e instanceof org.yaml.snakeyaml.error.MarkedYAMLException m && m.getProblemMark() != null
          ? " at line " + (m.getProblemMark().getLine() + 1) : "";
      throw new ConfigException(source + ": malformed YAML" + where + ": " + first);
    }
  }

  private static JsonObject toJson(Map<?, ?> map) {
    JsonObject json = new JsonObject();
    map.forEach((k, v) -> json.put(String.valueOf(k), toJsonValue(v)));
    return json;
  }

  private static Object toJsonValue(Object v) {
    if (v instanceof Map<?, ?> m) {
      return toJson(m);
    }
    if (v instanceof List<?> list) {
      List<Object> out = new ArrayList<>();
      list.forEach(item -> out.add(toJsonValue(item)));
      return new JsonArray(out);
    }
    if (v instanceof java.math.BigInteger big) {
      return big.doubleValue();
    }
    if (v instanceof java.util.Date date) {
      return date.toInstant().toString();
    }
    return v;
  }

  /** Merges {@code overlay} into {@code base}: objects key by key, everything else replaced. */
  static void deepMerge(JsonObject base, JsonObject overlay) {
    for (String key : overlay.fieldNames()) {
      Object value = overlay.getValue(key);
      if (value instanceof JsonObject o && base.getValue(key) instanceof JsonObject b) {
        deepMerge(b, o);
      } else {
        base.put(key, value);
      }
    }
  }

}
