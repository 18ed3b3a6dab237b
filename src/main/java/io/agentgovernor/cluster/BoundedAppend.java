package io.agentgovernor.cluster;

import com.hazelcast.map.EntryProcessor;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Appends encoded JSON events to the bounded history stored under a key, dropping the oldest
 * beyond the bound. Runs on the member that owns the key's partition, so concurrent appends from
 * several nodes never lose an event (no read-modify-write over the network).
 *
 * <p>The history is stored one encoded event per line, oldest first (JSON encoding escapes line
 * breaks inside strings): an append is string work on the stored text, not a parse and re-encode
 * of the whole history, which had cost the partition threads more than anything else in a breach
 * storm (JFR, {@code breach-latency.sh}). A value stored by an older version as one JSON array is
 * read as such and rewritten as lines at its next append.
 *
 * <p>Applied once per event: when the owner dies after applying it (its backup included) Hazelcast
 * runs the processor again at the new owner, and an event already stored is not appended twice.
 * Events carry their time, node and measured duration, and travel as the text their node encoded,
 * so a stored line equal to an event is that event.
 */
public final class BoundedAppend implements EntryProcessor<String, String, Object> {

  private static final long serialVersionUID = 2L;
  private final List<String> events;
  private final int bound;

  public BoundedAppend(String event, int bound) {
    this(List.of(event), bound);
  }

  /** Several events for one key, in order: one run on the owner for all of them. */
  public BoundedAppend(List<String> events, int bound) {
    this.events = List.copyOf(events);
    this.bound = bound;
  }

  @Override
  public Object process(Map.Entry<String, String> entry) {
    String stored = asLines(entry.getValue());
    StringBuilder text = new StringBuilder(stored.length() + 256 * events.size()).append(stored);
    int lines = stored.isEmpty() ? 0 : count(stored) + 1;
    boolean changed = !stored.equals(entry.getValue() == null ? "" : entry.getValue());
    for (String event : events) {
      if (event.indexOf('\n') >= 0 || holdsLine(text, event)) {
        continue; // a retry of an append that took effect (a line break cannot be in an encoded event)
      }
      if (lines > 0) {
        text.append('\n');
      }
      text.append(event);
      lines++;
      changed = true;
    }
    if (!changed) {
      return null;
    }
    int from = 0;
    for (; lines > bound; lines--) {
      from = text.indexOf("\n", from) + 1;
    }
    entry.setValue(from == 0 ? text.toString() : text.substring(from));
    return null;
  }

  /** The events of a stored history, oldest first (either format); none for null. */
  public static List<JsonObject> events(String stored) {
    List<JsonObject> out = new ArrayList<>();
    if (stored == null || stored.isEmpty()) {
      return out;
    }
    if (stored.charAt(0) == '[') {
      new JsonArray(stored).forEach(e -> out.add((JsonObject) e));
      return out;
    }
    int start = 0;
    while (start < stored.length()) {
      int end = stored.indexOf('\n', start);
      end = end < 0 ? stored.length() : end;
      out.add(new JsonObject(stored.substring(start, end)));
      start = end + 1;
    }
    return out;
  }

  private static String asLines(String stored) {
    if (stored == null || stored.isEmpty()) {
      return "";
    }
    if (stored.charAt(0) != '[') {
      return stored;
    }
    StringBuilder lines = new StringBuilder(stored.length());
    for (Object e : new JsonArray(stored)) {
      if (lines.length() > 0) {
        lines.append('\n');
      }
      lines.append(((JsonObject) e).encode());
    }
    return lines.toString();
  }

  private static int count(CharSequence text) {
    int n = 0;
    for (int i = 0; i < text.length(); i++) {
      if (text.charAt(i) == '\n') {
        n++;
      }
    }
    return n;
  }

  /** Whether one whole line of {@code text} equals {@code line}. */
  private static boolean holdsLine(StringBuilder text, String line) {
    for (int at = text.lastIndexOf(line); at >= 0; at = text.lastIndexOf(line, at - 1)) {
      int end = at + line.length();
      if ((at == 0 || text.charAt(at - 1) == '\n') && (end == text.length() || text.charAt(end) == '\n')) {
        return true;
      }
      if (at == 0) {
        break;
      }
    }
    return false;
  }
}
