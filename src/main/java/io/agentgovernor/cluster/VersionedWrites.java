package io.agentgovernor.cluster;

import com.hazelcast.map.EntryProcessor;
import com.hazelcast.map.ExtendedMapEntry;
import io.vertx.core.json.JsonObject;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Atomic writes on maps of versioned JSON values that delete by {@link Maps#tombstone tombstone}:
 * each runs on the partition that owns the key, so no other write can get in between the read and
 * the write.
 *
 * <p>Each carries a deadline, the wall-clock time at which the writer's lease runs out, and is
 * refused ({@link #LATE}) by the owner that would apply it later. A write can reach its owner long
 * after the writer checked its lease: on a node cut off from the majority, Hazelcast retries the
 * operation until that node has dropped its peers and owns the partition itself, then applies it
 * there, seconds after the lease ran out (JepsenIT seed 7: a PUT sent at 44.6 s to an isolated
 * node was applied at 53.0 s, after the majority's later writes, and its newer timestamp won the
 * merge). Only the owner decides; its backups are given the value it wrote, never re-run the
 * write (their clocks, and entries, may differ).
 */
public final class VersionedWrites {

  /** What a write answers when it reached its owner after its deadline: nothing was written. */
  public static final String LATE = "\u0000late";

  private VersionedWrites() {
  }

  /**
   * Replaces a live value with its tombstone (the {@link Versions#next next version} at
   * {@code nowMillis}, kept {@link Maps#TOMBSTONE_TTL_SECONDS}); returns the live value it
   * replaced, null if there was none, or {@link #LATE}.
   */
  public static EntryProcessor<String, String, String> bury(long nowMillis, long deadlineMillis) {
    return new Bury(nowMillis, deadlineMillis);
  }

  /**
   * Stores {@code json} if the key is absent or a tombstone (then with a version above the
   * tombstone's, so versions keep growing across a delete); returns the value now stored, null if
   * a live value was there (nothing written), or {@link #LATE}.
   */
  public static EntryProcessor<String, String, String> create(String json, long deadlineMillis) {
    return new Create(json, deadlineMillis);
  }

  /**
   * Compare-and-set: stores {@code json} if the stored value is exactly {@code expected}; returns
   * {@code json} if it did, null if the value had changed, or {@link #LATE}.
   */
  public static EntryProcessor<String, String, String> replace(String expected, String json, long deadlineMillis) {
    return new Replace(expected, json, deadlineMillis);
  }

  /**
   * A fingerprint of a configured definition (hex of the first 8 bytes of the SHA-256 of its
   * JSON), stored beside what was seeded from it so a restart tells an edited configuration from
   * the same one.
   */
  public static String fingerprint(String json) {
    try {
      byte[] digest = java.security.MessageDigest.getInstance("SHA-256")
          .digest(json.getBytes(java.nio.charset.StandardCharsets.UTF_8));
      return java.util.HexFormat.of().formatHex(digest, 0, 8);
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
  }

  /** A write decided on the owner before a deadline; its backups are handed what it wrote. */
  abstract static class Fenced implements EntryProcessor<String, String, String> {
    private static final long serialVersionUID = 1L;
    private final long deadlineMillis;
    private transient String written;
    private transient long ttlSeconds;

    Fenced(long deadlineMillis) {
      this.deadlineMillis = deadlineMillis;
    }

    @Override
    public final String process(Map.Entry<String, String> entry) {
      if (System.currentTimeMillis() > deadlineMillis) {
        return LATE;
      }
      return write(entry);
    }

    /** The write itself, on the owner: stores through {@link #store}. */
    abstract String write(Map.Entry<String, String> entry);

    /** Stores {@code value} with a time to live ({@code Long.MAX_VALUE}: none, whatever the entry had). */
    final void store(Map.Entry<String, String> entry, String value, long ttlSeconds) {
      ((ExtendedMapEntry<String, String>) entry).setValue(value, ttlSeconds, TimeUnit.SECONDS);
      this.written = value;
      this.ttlSeconds = ttlSeconds;
    }

    @Override
    public final EntryProcessor<String, String, String> getBackupProcessor() {
      return written == null ? null : new Copy(written, ttlSeconds);
    }
  }

  /** Runs on a backup: stores what the owner wrote. */
  static final class Copy implements EntryProcessor<String, String, String> {
    private static final long serialVersionUID = 1L;
    private final String value;
    private final long ttlSeconds;

    Copy(String value, long ttlSeconds) {
      this.value = value;
      this.ttlSeconds = ttlSeconds;
    }

    @Override
    public String process(Map.Entry<String, String> entry) {
      ((ExtendedMapEntry<String, String>) entry).setValue(value, ttlSeconds, TimeUnit.SECONDS);
      return null;
    }
  }

  static final class Bury extends Fenced {
    private static final long serialVersionUID = 1L;
    private final long nowMillis;

    Bury(long nowMillis, long deadlineMillis) {
      super(deadlineMillis);
      this.nowMillis = nowMillis;
    }

    @Override
    String write(Map.Entry<String, String> entry) {
      String live = entry.getValue();
      if (live == null || Maps.isTombstone(live)) {
        return null;
      }
      long version = Math.max(0, MapMirror.jsonVersion(live));
      store(entry, Maps.tombstone(Versions.next(version, nowMillis)), Maps.TOMBSTONE_TTL_SECONDS);
      return live;
    }
  }

  static final class Create extends Fenced {
    private static final long serialVersionUID = 1L;
    private final String json;

    Create(String json, long deadlineMillis) {
      super(deadlineMillis);
      this.json = json;
    }

    @Override
    String write(Map.Entry<String, String> entry) {
      String held = entry.getValue();
      if (held == null) {
        store(entry, json, Long.MAX_VALUE);
        return json;
      }
      if (!Maps.isTombstone(held)) {
        return null;
      }
      JsonObject value = new JsonObject(json);
      String next = value.put("version", Math.max(MapMirror.jsonVersion(held) + 1, value.getLong("version", 0L))).encode();
      // no expiry: the tombstone's time to live must not carry over to the live value
      store(entry, next, Long.MAX_VALUE);
      return next;
    }
  }

  static final class Replace extends Fenced {
    private static final long serialVersionUID = 1L;
    private final String expected;
    private final String json;

    Replace(String expected, String json, long deadlineMillis) {
      super(deadlineMillis);
      this.expected = expected;
      this.json = json;
    }

    @Override
    String write(Map.Entry<String, String> entry) {
      if (!expected.equals(entry.getValue())) {
        return null;
      }
      store(entry, json, Long.MAX_VALUE);
      return json;
    }
  }
}
