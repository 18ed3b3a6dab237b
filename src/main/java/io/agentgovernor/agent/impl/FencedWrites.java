package io.agentgovernor.agent.impl;

import com.hazelcast.map.EntryProcessor;
import io.agentgovernor.cluster.VersionedWrites;
import io.agentgovernor.cluster.Versions;
import io.vertx.core.json.JsonObject;
import java.util.Map;

/**
 * Writes on the registry and snapshot maps that a stale copy of an agent cannot make: each runs on
 * the partition that owns the key and compares the writer's fencing epoch with the stored one, so
 * a paused or cut-off node that comes back can no longer overwrite what the agent's new copy owns.
 */
final class FencedWrites {

  private FencedWrites() {
  }

  static long epochOf(String json) {
    return json == null ? -1 : new JsonObject(json).getLong("epoch", 0L);
  }

  static long versionOf(String json) {
    return json == null ? 0 : new JsonObject(json).getLong("version", 0L);
  }

  /**
   * Stores a registration if the id has none; returns null if it did, else the registration stored
   * there. A retry at a new owner finds its own value (it carries a fresh epoch) and answers null too.
   */
  static EntryProcessor<String, String, String> claim(String json) {
    return new Claim(json);
  }

  /**
   * Replaces a registration only if it still holds the writer's epoch, with the
   * {@link io.agentgovernor.cluster.Versions#next next version} at {@code nowMillis} (the caller's
   * time: a processor runs again on each backup and must write the same there);
   * returns the stored value, or null if another copy owns the id now (or it is gone).
   */
  static EntryProcessor<String, String, String> update(String json, long epoch, long nowMillis) {
    return new Rewrite(json, epoch, epoch, nowMillis);
  }

  /**
   * Puts back the registration {@code previous} (its epoch kept, the version advanced past the
   * stored one) only if the id still holds the failed claim's {@code epoch}; returns what it stored,
   * or null.
   */
  static EntryProcessor<String, String, String> handBack(String previous, long epoch, long nowMillis) {
    return new Rewrite(previous, epoch, epochOf(previous), nowMillis);
  }

  /**
   * Removes a registration only if it still holds the writer's epoch; returns whether none of
   * another copy is left: true if it removed it, or if the id has none (a retry at a new owner of a
   * remove that took effect finds it gone), false if another copy owns the id.
   */
  static EntryProcessor<String, String, Boolean> remove(long epoch) {
    return new Remove(epoch, false);
  }

  /** Removes a snapshot unless a newer copy took it (its epoch above {@code epoch}); returns whether none is left. */
  static EntryProcessor<String, String, Boolean> dropSnapshot(long epoch) {
    return new Remove(epoch, true);
  }

  /**
   * Stores a snapshot unless one of a newer epoch is there (the agent's newer copy wrote it);
   * returns whether it did.
   */
  static EntryProcessor<String, String, Boolean> snapshot(String json, long epoch) {
    return new Snapshot(json, epoch);
  }

  /**
   * Writes {@code json} with {@code writtenEpoch} and the next version if the stored registration
   * holds {@code epoch}.
   */
  static final class Rewrite implements EntryProcessor<String, String, String> {
    private static final long serialVersionUID = 1L;
    private final String json;
    private final long epoch;
    private final long writtenEpoch;
    private final long nowMillis;

    Rewrite(String json, long epoch, long writtenEpoch, long nowMillis) {
      this.json = json;
      this.epoch = epoch;
      this.writtenEpoch = writtenEpoch;
      this.nowMillis = nowMillis;
    }

    @Override
    public String process(Map.Entry<String, String> entry) {
      String stored = entry.getValue();
      if (stored != null && writtenEpoch != epoch && epochOf(stored) == writtenEpoch && isRetry(stored)) {
        return stored; // a hand-back run again at a new owner finds what it wrote
      }
      if (stored == null || epochOf(stored) != epoch) {
        return null;
      }
      String next = new JsonObject(json).put("epoch", writtenEpoch)
          .put("version", Versions.next(versionOf(stored), nowMillis)).encode();
      entry.setValue(next);
      return next;
    }

    /** Whether {@code stored} is what this rewrite writes, but for the version it stamped. */
    private boolean isRetry(String stored) {
      return VersionedWrites.sameButVersion(stored, new JsonObject(json).put("epoch", writtenEpoch).encode());
    }
  }

  static final class Claim implements EntryProcessor<String, String, String> {
    private static final long serialVersionUID = 1L;
    private final String json;

    Claim(String json) {
      this.json = json;
    }

    @Override
    public String process(Map.Entry<String, String> entry) {
      String stored = entry.getValue();
      if (stored == null) {
        entry.setValue(json);
        return null;
      }
      return stored.equals(json) ? null : stored;
    }
  }

  /** Removes the value unless another copy's epoch holds it: any other, or ({@code olderToo}) only a newer one. */
  static final class Remove implements EntryProcessor<String, String, Boolean> {
    private static final long serialVersionUID = 1L;
    private final long epoch;
    private final boolean olderToo;

    Remove(long epoch, boolean olderToo) {
      this.epoch = epoch;
      this.olderToo = olderToo;
    }

    @Override
    public Boolean process(Map.Entry<String, String> entry) {
      String stored = entry.getValue();
      if (stored == null) {
        return true; // also a retry, at a new owner, of a remove that took effect
      }
      long held = epochOf(stored);
      if (olderToo ? held > epoch : held != epoch) {
        return false;
      }
      entry.setValue(null);
      return true;
    }
  }

  static final class Snapshot implements EntryProcessor<String, String, Boolean> {
    private static final long serialVersionUID = 1L;
    private final String json;
    private final long epoch;

    Snapshot(String json, long epoch) {
      this.json = json;
      this.epoch = epoch;
    }

    @Override
    public Boolean process(Map.Entry<String, String> entry) {
      String stored = entry.getValue();
      if (stored != null && epochOf(stored) > epoch) {
        return false;
      }
      entry.setValue(json);
      return true;
    }
  }
}
