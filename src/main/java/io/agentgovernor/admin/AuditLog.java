package io.agentgovernor.admin;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayDeque;
import java.util.Iterator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every admin write: who (a {@link Principal} name, never a credential), what (method and path),
 * when, and the status it ended with (0: the client went away before it was answered, so the
 * write may or may not have taken effect). Each entry goes to the SLF4J logger {@code governor.audit}
 * (route it to its own file in logback) and to a bounded in-memory ring, newest kept, served at
 * {@code GET /api/v1/audit}. Used on one event loop only.
 */
final class AuditLog {

  private static final Logger AUDIT = LoggerFactory.getLogger("governor.audit");

  private final int capacity;
  private final ArrayDeque<JsonObject> ring;

  AuditLog(int capacity) {
    this.capacity = capacity;
    this.ring = new ArrayDeque<>(Math.min(capacity, 1024));
  }

  void record(String who, String method, String path, int status, long time) {
    JsonObject entry = new JsonObject().put("time", time).put("who", who).put("method", method)
        .put("path", path).put("status", status);
    AUDIT.info("who={} what=\"{} {}\" status={} time={}", who, method, path, status, time);
    if (ring.size() == capacity) {
      ring.removeFirst();
    }
    ring.addLast(entry);
  }

  /** The newest entries first: {@code {"items": [...], "total", "offset", "limit"}}. */
  JsonObject page(int offset, int limit) {
    JsonArray items = new JsonArray();
    Iterator<JsonObject> newestFirst = ring.descendingIterator();
    for (int i = 0; newestFirst.hasNext() && items.size() < limit; i++) {
      JsonObject entry = newestFirst.next();
      if (i >= offset) {
        items.add(entry);
      }
    }
    return new JsonObject().put("items", items).put("total", ring.size()).put("offset", offset).put("limit", limit);
  }
}
