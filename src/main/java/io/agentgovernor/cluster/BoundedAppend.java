package io.agentgovernor.cluster;

import com.hazelcast.config.Config;
import com.hazelcast.config.InMemoryFormat;
import com.hazelcast.config.MapConfig;
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
 * <p>What an append costs: the history maps keep their values as objects ({@link #configure}), so
 * the processor works on the stored text itself, and the new text is built in one copy. The oldest
 * lines are dropped only once the history is {@link #slack} lines past its bound, back down to the
 * bound, so most appends do not copy twice; readers take the newest {@code bound} ({@link
 * #events(String, int)}). Before, in a breach storm of 100 agents a wave, every append
 * deserialized the whole history (up to 200 events, ~100 KB), copied it three times and serialized
 * the result: most of the node's allocation and young collections.
 *
 * <p>Applied once per event: when the owner dies after applying it (its backup included) Hazelcast
 * runs the processor again at the new owner, and an event already stored is not appended twice.
 * Events carry their time, node and measured duration, and travel as the text their node encoded,
 * so a stored line equal to an event is that event. A retry follows its first run closely (the
 * next batch for a key waits for the one before), so it is looked for among the newest
 * {@value #RETRY_LINES} lines beyond the batch's own size, not the whole history.
 */
public final class BoundedAppend implements EntryProcessor<String, String, Object> {

  private static final long serialVersionUID = 3L;
  /** Lines, beyond a batch's own count, among which a retried batch's events are looked for. */
  static final int RETRY_LINES = 64;
  private final List<String> events;
  private final int bound;

  public BoundedAppend(String event, int bound) {
    this(List.of(event), bound);
  }

  /** Several events for one key, in order: one run on the owner for all of them. */
  public BoundedAppend(List<String> events, int bound) {
    if (bound < 1) {
      throw new IllegalArgumentException("bound must be at least 1, got " + bound);
    }
    this.events = List.copyOf(events);
    this.bound = bound;
  }

  /**
   * A history map's configuration: values kept as objects (Hazelcast's {@code OBJECT} in-memory
   * format), so an append neither deserializes the stored text nor serializes the new one; a
   * backup runs the same processor on its own copy.
   */
  public static void configure(Config hz, String map, int backupCount) {
    hz.addMapConfig(new MapConfig(map).setInMemoryFormat(InMemoryFormat.OBJECT).setBackupCount(backupCount)
        .setReadBackupData(false));
  }

  /** Lines a history may hold beyond its bound before the oldest are dropped (readers see the bound). */
  static int slack(int bound) {
    return Math.max(1, bound / 8);
  }

  @Override
  public Object process(Map.Entry<String, String> entry) {
    String value = entry.getValue();
    String stored = asLines(value);
    boolean rewritten = value != null && !value.isEmpty() && stored != value; // the older array format
    int lines = stored.isEmpty() ? 0 : count(stored) + 1;
    int tail = tailStart(stored, events.size() + RETRY_LINES);
    List<String> fresh = new ArrayList<>(events.size());
    for (String event : events) {
      // a line break cannot be in an encoded event; one stored already is a retry that took effect
      if (event.indexOf('\n') < 0 && !holdsLine(stored, tail, event) && !fresh.contains(event)) {
        fresh.add(event);
      }
    }
    if (fresh.isEmpty() && !rewritten) {
      return null;
    }
    int total = lines + fresh.size();
    int drop = total > bound + slack(bound) ? total - bound : 0;
    List<String> parts = new ArrayList<>(fresh.size() + 1);
    if (drop < lines) {
      parts.add(drop == 0 ? stored : stored.substring(afterLines(stored, drop)));
    }
    parts.addAll(drop <= lines ? fresh : fresh.subList(drop - lines, fresh.size()));
    entry.setValue(String.join("\n", parts)); // one copy: String.join sizes the result first
    return null;
  }

  /** The events of a stored history, oldest first (either format); none for null. */
  public static List<JsonObject> events(String stored) {
    return events(stored, Integer.MAX_VALUE);
  }

  /** The newest {@code newest} events of a stored history, oldest first (either format); none for null. */
  public static List<JsonObject> events(String stored, int newest) {
    List<JsonObject> out = new ArrayList<>();
    if (stored == null || stored.isEmpty()) {
      return out;
    }
    if (stored.charAt(0) == '[') {
      new JsonArray(stored).forEach(e -> out.add((JsonObject) e));
      return out.size() <= newest ? out : new ArrayList<>(out.subList(out.size() - newest, out.size()));
    }
    int start = tailStart(stored, newest);
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

  private static int count(String text) {
    int n = 0;
    for (int at = text.indexOf('\n'); at >= 0; at = text.indexOf('\n', at + 1)) {
      n++;
    }
    return n;
  }

  /** Where the newest {@code n} lines of {@code text} begin (0 when it has no more than that). */
  private static int tailStart(String text, int n) {
    int at = text.length();
    for (int k = 0; k < n; k++) {
      at = text.lastIndexOf('\n', at - 1);
      if (at < 0) {
        return 0;
      }
    }
    return at + 1;
  }

  /** Where the text after its first {@code n} lines begins. */
  private static int afterLines(String text, int n) {
    int from = 0;
    for (int k = 0; k < n; k++) {
      from = text.indexOf('\n', from) + 1;
    }
    return from;
  }

  /** Whether one whole line of {@code text}, from offset {@code from} (a line's start) on, equals {@code line}. */
  private static boolean holdsLine(String text, int from, String line) {
    int start = from;
    while (start < text.length()) {
      int end = text.indexOf('\n', start);
      end = end < 0 ? text.length() : end;
      if (end - start == line.length() && text.regionMatches(start, line, 0, line.length())) {
        return true;
      }
      start = end + 1;
    }
    return false;
  }
}
