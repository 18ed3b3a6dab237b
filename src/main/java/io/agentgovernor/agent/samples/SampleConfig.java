package io.agentgovernor.agent.samples;

import io.agentgovernor.bus.GovernorException;
import io.agentgovernor.bus.Json;
import io.vertx.core.json.JsonObject;

/** Reads a sample agent's configuration: numbers within bounds, unknown keys refused. */
final class SampleConfig {

  private final JsonObject config;
  private final String type;

  SampleConfig(String type, JsonObject config, java.util.List<String> keys) {
    this.type = type;
    this.config = config == null ? new JsonObject() : config;
    for (String key : this.config.fieldNames()) {
      if (!keys.contains(key)) {
        throw GovernorException.invalid(type + " config: unknown key '" + key + "' (known: " + keys + ")");
      }
    }
  }

  boolean flag(String key, boolean dflt) {
    Boolean v = io.agentgovernor.bus.Json.optBoolean(config, key, type + " config");
    return v == null ? dflt : v;
  }

  /** An absolute path, required. */
  java.nio.file.Path absolutePath(String key, boolean required) {
    String v = Json.optString(config, key, type + " config");
    if (v == null) {
      if (required) {
        throw GovernorException.invalid(type + " config: " + key + " is required");
      }
      return null;
    }
    try {
      java.nio.file.Path path = java.nio.file.Path.of(v);
      if (path.isAbsolute()) {
        return path.normalize();
      }
    } catch (java.nio.file.InvalidPathException e) {
      // reported below like any other unusable path
    }
    throw GovernorException.invalid(type + " config: " + key + " must be an absolute path");
  }

  String string(String key, String dflt) {
    String v = Json.optString(config, key, type + " config");
    return v == null ? dflt : v;
  }

  double number(String key, double dflt, double min, double max) {
    Double v = Json.optNumber(config, key, type + " config");
    if (v == null) {
      return dflt;
    }
    if (v < min || v > max) {
      throw GovernorException.invalid(type + " config: " + key + " must be in [" + min + ", " + max + "], got " + v);
    }
    return v;
  }
}
