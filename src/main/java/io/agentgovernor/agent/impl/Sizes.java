package io.agentgovernor.agent.impl;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;

/**
 * The size in bytes of a message body as it would travel: exact for {@link Buffer}, {@code byte[]}
 * and strings (UTF-16 length, exact for ASCII); for JSON the length of its encoding, estimated by a
 * walk that allocates nothing (keys, quotes, separators, digits). Encoding every JSON message just
 * to count it would cost more than delivering it on the local event bus.
 */
public final class Sizes {

  private static final int MAX_DEPTH = 64;

  private Sizes() {
  }

  public static long of(Object body) {
    return of(body, 0);
  }

  private static long of(Object body, int depth) {
    if (body == null) {
      return 4;
    }
    // The usual body classes first, by exact class: on JDK 17 an instanceof against an interface
    // the class does not implement (Buffer, CharSequence) scans its secondary supers every time,
    // about 15-20 ns each, which made sizing a 3-field JSON body cost ~110 ns (see
    // load-tests/results/accounting.md).
    Class<?> c = body.getClass();
    if (c == String.class) {
      return ((String) body).length() + 2L;
    }
    if (c == Integer.class || c == Long.class) {
      return digits(((Number) body).longValue());
    }
    if (c == Double.class) {
      return 12;
    }
    if (c == Boolean.class) {
      return (Boolean) body ? 4 : 5;
    }
    if (c == JsonObject.class && depth <= MAX_DEPTH) {
      return ofMap(((JsonObject) body).getMap(), depth);
    }
    if (c == JsonArray.class && depth <= MAX_DEPTH) {
      return ofList(((JsonArray) body).getList(), depth);
    }
    if (body instanceof Buffer b) {
      return b.length();
    }
    if (body instanceof byte[] bytes) {
      return bytes.length;
    }
    if (body instanceof CharSequence s) {
      return s.length() + 2L;
    }
    if (body instanceof Number n) {
      return n instanceof Double || n instanceof Float ? 12 : digits(n.longValue());
    }
    if (body instanceof Boolean b) {
      return b ? 4 : 5;
    }
    if (depth > MAX_DEPTH) {
      return 2;
    }
    if (body instanceof JsonObject json) {
      return ofMap(json.getMap(), depth);
    }
    if (body instanceof JsonArray array) {
      return ofList(array.getList(), depth);
    }
    if (body instanceof Map<?, ?> map) {
      return ofMap(map, depth);
    }
    if (body instanceof List<?> list) {
      return ofList(list, depth);
    }
    return 16;
  }

  private static long ofMap(Map<?, ?> map, int depth) {
    long size = 2;
    for (Map.Entry<?, ?> e : map.entrySet()) {
      size += String.valueOf(e.getKey()).length() + 4 + of(e.getValue(), depth + 1);
    }
    return size;
  }

  private static long ofList(List<?> list, int depth) {
    long size = 2;
    for (Object o : list) {
      size += 1 + of(o, depth + 1);
    }
    return size;
  }

  private static int digits(long v) {
    return v == Long.MIN_VALUE ? 20 : v < 0 ? 1 + digits(-v) : v < 10 ? 1 : 1 + digits(v / 10);
  }
}
