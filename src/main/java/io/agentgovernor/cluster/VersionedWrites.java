package io.agentgovernor.cluster;

import com.hazelcast.map.EntryProcessor;
import com.hazelcast.map.ExtendedMapEntry;
import io.agentgovernor.bus.ErrorCode;
import io.agentgovernor.bus.GovernorException;
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
 * operation until that node has dropped its peers and owns the partition itself, and would apply
 * it there, seconds after the lease ran out, with a newer version than the majority's writes of
 * that time (which then wins the merge). Only the owner decides; its backups are given the value it wrote, never re-run the
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
   * replaced, null if there was none, or {@link #LATE}. The tombstone names this delete (a random
   * token the processor carries), so a retry at a new owner of a delete that took effect answers
   * with that tombstone, not null ("there was none").
   */
  public static EntryProcessor<String, String, String> bury(long nowMillis, long deadlineMillis) {
    return new Bury(nowMillis, deadlineMillis, Versions.requestToken());
  }

  /**
   * Stores {@code json} if the key is absent or a tombstone (then with a version above the
   * tombstone's, so versions keep growing across a delete); returns the value now stored, null if
   * another live value was there (nothing written), or {@link #LATE}. A live value equal to
   * {@code json} but for its version is this create's own, found by a retry, and is returned
   * (values carry their creation time in ms, so another writer's is not equal).
   */
  public static EntryProcessor<String, String, String> create(String json, long deadlineMillis) {
    return new Create(json, deadlineMillis);
  }

  /**
   * Compare-and-set: stores {@code json} if the stored value is exactly {@code expected}; returns
   * {@code json} if it did or the value already is {@code json} (a retry), null if the value had
   * changed, or {@link #LATE}.
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

  /** What writing a configured definition did ({@link #configured}). */
  public enum Seeded { CREATED, KEPT, REPLACED }

  /**
   * Stores a value that comes from configuration ({@code conf}: the fingerprint of the configured
   * definition, stored beside it) or from a run-time put ({@code conf} null), so the latest
   * intention wins:
   * <ul>
   *   <li>a seed over a live value stored from the same definition keeps it, with whatever was
   *       changed at run time since ({@code KEPT});</li>
   *   <li>a seed over any other value, or over a value stored before fingerprints existed,
   *       replaces it ({@code REPLACED}); over none or a tombstone it is stored ({@code CREATED});</li>
   *   <li>a run-time put replaces or creates the value and keeps the stored fingerprint, so a
   *       restart with the same configuration keeps that change.</li>
   * </ul>
   * The value gets the {@link Versions#next next version} after the one held, live or tombstone,
   * at {@code nowMillis}, and no expiry. Returns the {@link Seeded} name, or {@link #LATE} if it
   * reached the owner after {@code deadlineMillis} (a run-time put carries its writer's lease
   * expiry; seeding at start, {@code Long.MAX_VALUE}).
   */
  public static EntryProcessor<String, String, String> configured(String json, String conf, long nowMillis,
                                                                  long deadlineMillis) {
    return new Configured(json, conf, nowMillis, deadlineMillis);
  }

  /**
   * The answer of a fenced write; a write its owner took only after the deadline (the writer's
   * lease) wrote nothing, and is refused as from a node cut off ({@code UNAVAILABLE}).
   */
  public static String onTime(String answer) {
    if (LATE.equals(answer)) {
      throw new GovernorException(ErrorCode.UNAVAILABLE, "the write reached its owner after this node's lease ran out "
          + "(cut off from the cluster majority, or too busy to renew it in time): nothing was written; "
          + "try again, or write through another node");
    }
    return answer;
  }

  /** Whether two stored JSON values are the same but for their version (a retried write finds its own). */
  public static boolean sameButVersion(String a, String b) {
    JsonObject x = new JsonObject(a);
    JsonObject y = new JsonObject(b);
    x.remove("version");
    y.remove("version");
    return x.equals(y);
  }

  /**
   * A write decided on the owner before a deadline; its backups are handed what it wrote.
   *
   * <p>Hazelcast runs an entry processor again at the new owner when the old one left before
   * answering, though it may have applied it (backup included): a create or compare-and-set run
   * again finds its own value and answers as the first run did, not "exists" or "changed" for a
   * write that took effect.
   */
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
    private final long token;

    Bury(long nowMillis, long deadlineMillis, long token) {
      super(deadlineMillis);
      this.nowMillis = nowMillis;
      this.token = token;
    }

    @Override
    String write(Map.Entry<String, String> entry) {
      String live = entry.getValue();
      if (live == null) {
        return null;
      }
      if (Maps.isTombstone(live)) {
        return Long.valueOf(token).equals(new JsonObject(live).getLong("by")) ? live : null; // this delete's retry
      }
      long version = Math.max(0, MapMirror.jsonVersion(live));
      store(entry, Maps.tombstone(Versions.next(version, nowMillis), token), Maps.TOMBSTONE_TTL_SECONDS);
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
        return sameButVersion(held, json) ? held : null; // a retry of this create finds what it stored
      }
      JsonObject value = new JsonObject(json);
      String next = value.put("version", Math.max(MapMirror.jsonVersion(held) + 1, value.getLong("version", 0L))).encode();
      // no expiry: the tombstone's time to live must not carry over to the live value
      store(entry, next, Long.MAX_VALUE);
      return next;
    }
  }

  static final class Configured extends Fenced {
    private static final long serialVersionUID = 1L;
    private final String json;
    private final String conf;
    private final long nowMillis;

    Configured(String json, String conf, long nowMillis, long deadlineMillis) {
      super(deadlineMillis);
      this.json = json;
      this.conf = conf;
      this.nowMillis = nowMillis;
    }

    @Override
    String write(Map.Entry<String, String> entry) {
      String held = entry.getValue();
      boolean live = held != null && !Maps.isTombstone(held);
      String heldConf = live ? new JsonObject(held).getString("conf") : null;
      if (conf != null && conf.equals(heldConf)) {
        return Seeded.KEPT.name();
      }
      JsonObject next = new JsonObject(json).put("version",
          Versions.next(held == null ? 0 : Math.max(0, MapMirror.jsonVersion(held)), nowMillis));
      String keptConf = conf != null ? conf : heldConf;
      if (keptConf != null) {
        next.put("conf", keptConf);
      }
      store(entry, next.encode(), Long.MAX_VALUE);
      return (live ? Seeded.REPLACED : Seeded.CREATED).name();
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
        return json.equals(entry.getValue()) ? json : null; // a retry of this replace finds what it stored
      }
      store(entry, json, Long.MAX_VALUE);
      return json;
    }
  }
}
