package io.agentgovernor.bus;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * Typed reads of untrusted JSON. Each method names the offending field in its error so a client
 * learns exactly what to fix; none throws anything but {@link GovernorException}.
 */
public final class Json {

  private Json() {
  }

  public static JsonObject object(Object body, String what) {
    if (body instanceof JsonObject json) {
      return json;
    }
    throw GovernorException.invalid(what + " must be a JSON object");
  }

  public static JsonObject optObject(JsonObject json, String field, String path) {
    Object value = json.getValue(field);
    if (value == null) {
      return null;
    }
    if (value instanceof JsonObject object) {
      return object;
    }
    throw GovernorException.invalid(path(path, field) + " must be an object");
  }

  public static JsonArray optArray(JsonObject json, String field, String path) {
    Object value = json.getValue(field);
    if (value == null) {
      return null;
    }
    if (value instanceof JsonArray array) {
      return array;
    }
    throw GovernorException.invalid(path(path, field) + " must be an array");
  }

  public static String string(JsonObject json, String field, String path) {
    String value = optString(json, field, path);
    if (value == null) {
      throw GovernorException.invalid(path(path, field) + " is required");
    }
    return value;
  }

  public static String optString(JsonObject json, String field, String path) {
    Object value = json.getValue(field);
    if (value == null) {
      return null;
    }
    if (value instanceof String s) {
      return s;
    }
    throw GovernorException.invalid(path(path, field) + " must be a string");
  }

  /** A required finite number. */
  public static double number(JsonObject json, String field, String path) {
    Double value = optNumber(json, field, path);
    if (value == null) {
      throw GovernorException.invalid(path(path, field) + " is required");
    }
    return value;
  }

  /** An optional finite number: {@code null} when absent. */
  public static Double optNumber(JsonObject json, String field, String path) {
    Object value = json.getValue(field);
    if (value == null) {
      return null;
    }
    if (!(value instanceof Number n)) {
      throw GovernorException.invalid(path(path, field) + " must be a number");
    }
    double d = n.doubleValue();
    if (Double.isNaN(d) || Double.isInfinite(d)) {
      throw GovernorException.invalid(path(path, field) + " must be a finite number");
    }
    return d;
  }

  /** An optional whole number within [min, max]. */
  public static Long optLong(JsonObject json, String field, String path, long min, long max) {
    Double d = optNumber(json, field, path);
    if (d == null) {
      return null;
    }
    if (d != Math.rint(d) || d < min || d > max) {
      throw GovernorException.invalid(path(path, field) + " must be a whole number in [" + min + ", " + max + "]");
    }
    return d.longValue();
  }

  public static Boolean optBoolean(JsonObject json, String field, String path) {
    Object value = json.getValue(field);
    if (value == null) {
      return null;
    }
    if (value instanceof Boolean b) {
      return b;
    }
    throw GovernorException.invalid(path(path, field) + " must be true or false");
  }

  /**
   * A number for output: whole amounts as integers ({@code 256000000}, not {@code 2.56E8}), so
   * JSON stays readable and exact for byte counts.
   */
  public static Number num(double value) {
    return value == Math.rint(value) && Math.abs(value) < 9.0e15 ? (Number) (long) value : (Number) value;
  }

  private static String path(String path, String field) {
    return path == null || path.isEmpty() ? field : path + "." + field;
  }
}
