package io.agentgovernor.bridge;

import io.agentgovernor.bus.GovernorException;
import io.agentgovernor.bus.Json;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The config of a {@code process} agent, checked before anything runs:
 * {@code {"command": [argv...], "env"?: {name: value}, "cwd"?, "output"?}}. The command is run as
 * given (no shell), with only PATH, HOME and LANG of the node's environment plus {@code env}; the
 * node's own variables (its tokens among them) never reach the agent.
 */
record ProcessSpec(List<String> command, Map<String, String> env, String cwd, String output) {

  static final List<String> KEYS = List.of("command", "env", "cwd", "output");
  private static final int MAX_ARGS = 256;
  private static final int MAX_TEXT = 4096;
  private static final int MAX_ENV = 256;
  private static final Pattern ENV_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,127}");
  private static final String PATH = "process config";

  static ProcessSpec fromJson(JsonObject config) {
    for (String key : config.fieldNames()) {
      if (!KEYS.contains(key)) {
        throw GovernorException.invalid(PATH + ": unknown key '" + key + "': expected one of " + KEYS);
      }
    }
    JsonArray argv = Json.optArray(config, "command", PATH);
    if (argv == null || argv.isEmpty() || argv.size() > MAX_ARGS) {
      throw GovernorException.invalid(PATH + ".command must be an array of 1 to " + MAX_ARGS + " strings");
    }
    List<String> command = new ArrayList<>();
    for (Object arg : argv) {
      command.add(text(arg, "command[" + command.size() + "]"));
    }
    if (command.get(0).isEmpty()) {
      throw GovernorException.invalid(PATH + ".command[0] must name a program");
    }
    Map<String, String> env = new LinkedHashMap<>();
    JsonObject given = Json.optObject(config, "env", PATH);
    if (given != null) {
      if (given.size() > MAX_ENV) {
        throw GovernorException.invalid(PATH + ".env has more than " + MAX_ENV + " variables");
      }
      for (String name : given.fieldNames()) {
        if (!ENV_NAME.matcher(name).matches()) {
          throw GovernorException.invalid(PATH + ".env: '" + name + "' is not a variable name");
        }
        env.put(name, text(given.getValue(name), "env." + name));
      }
    }
    String cwd = Json.optString(config, "cwd", PATH);
    String output = Json.optString(config, "output", PATH);
    return new ProcessSpec(List.copyOf(command), Map.copyOf(env), cwd == null ? null : text(cwd, "cwd"),
        output == null ? null : text(output, "output"));
  }

  private static String text(Object value, String field) {
    if (!(value instanceof String s) || s.length() > MAX_TEXT || s.indexOf('\0') >= 0) {
      throw GovernorException.invalid(PATH + "." + field + " must be a string of at most " + MAX_TEXT
          + " characters without NUL");
    }
    return s;
  }
}
