package io.agentgovernor.cluster;

import com.hazelcast.map.EntryProcessor;
import com.hazelcast.map.ExtendedMapEntry;
import io.vertx.core.json.JsonObject;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Atomic writes on maps of versioned JSON values that delete by {@link Maps#tombstone tombstone}:
 * each runs on the partition that owns the key (and, identically, on its backups), so no other
 * write can get in between the read and the write.
 */
public final class VersionedWrites {

  private VersionedWrites() {
  }

  /**
   * Replaces a live value with its tombstone (version + 1, kept {@link Maps#TOMBSTONE_TTL_SECONDS});
   * returns the live value it replaced, or null if there was none.
   */
  public static EntryProcessor<String, String, String> bury() {
    return new Bury();
  }

  /**
   * Stores {@code json} if the key is absent or a tombstone (then with the tombstone's version + 1,
   * so versions keep growing across a delete); returns the value now stored, or null if a live
   * value was there (nothing written).
   */
  public static EntryProcessor<String, String, String> create(String json) {
    return new Create(json);
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

  static final class Bury implements EntryProcessor<String, String, String> {
    private static final long serialVersionUID = 1L;

    @Override
    public String process(Map.Entry<String, String> entry) {
      String live = entry.getValue();
      if (live == null || Maps.isTombstone(live)) {
        return null;
      }
      long version = Math.max(0, MapMirror.jsonVersion(live));
      ((ExtendedMapEntry<String, String>) entry).setValue(Maps.tombstone(version + 1),
          Maps.TOMBSTONE_TTL_SECONDS, TimeUnit.SECONDS);
      return live;
    }
  }

  static final class Create implements EntryProcessor<String, String, String> {
    private static final long serialVersionUID = 1L;
    private final String json;

    Create(String json) {
      this.json = json;
    }

    @Override
    public String process(Map.Entry<String, String> entry) {
      String held = entry.getValue();
      if (held == null) {
        entry.setValue(json);
        return json;
      }
      if (!Maps.isTombstone(held)) {
        return null;
      }
      String next = new JsonObject(json).put("version", MapMirror.jsonVersion(held) + 1).encode();
      // no expiry: the tombstone's time to live must not carry over to the live value
      ((ExtendedMapEntry<String, String>) entry).setValue(next, Long.MAX_VALUE, TimeUnit.SECONDS);
      return next;
    }
  }
}
