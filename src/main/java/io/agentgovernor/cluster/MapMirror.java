package io.agentgovernor.cluster;

import com.hazelcast.aggregation.Aggregator;
import com.hazelcast.cluster.MembershipEvent;
import com.hazelcast.cluster.MembershipListener;
import com.hazelcast.core.EntryEvent;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.core.LifecycleEvent;
import com.hazelcast.map.IMap;
import com.hazelcast.map.MapEvent;
import com.hazelcast.map.listener.EntryAddedListener;
import com.hazelcast.map.listener.EntryEvictedListener;
import com.hazelcast.map.listener.EntryExpiredListener;
import com.hazelcast.map.listener.EntryMergedListener;
import com.hazelcast.map.listener.EntryRemovedListener;
import com.hazelcast.map.listener.EntryUpdatedListener;
import com.hazelcast.map.listener.MapClearedListener;
import com.hazelcast.partition.MigrationListener;
import com.hazelcast.partition.MigrationState;
import com.hazelcast.partition.ReplicaMigrationEvent;
import com.hazelcast.internal.serialization.Data;
import com.hazelcast.map.impl.DataAwareEntryEvent;
import com.hazelcast.internal.serialization.SerializationService;
import com.hazelcast.projection.Projection;
import com.hazelcast.query.impl.QueryableEntry;
import com.hazelcast.spi.impl.AbstractDistributedObject;
import io.vertx.core.json.JsonObject;
import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import java.util.zip.CRC32C;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps a node-local copy of a Hazelcast map current, and repairs it when it drifts.
 *
 * <p>Events: every add, update, merge, removal, eviction and expiry anywhere in the cluster is
 * applied through the {@link Target}. Events are fire-and-forget (one published by a member that
 * dies is lost), so they are only the fast path.
 *
 * <p>Reconciliation: a pass first reads one digest per bucket of keys ({@link #BUCKETS}; the sum of
 * a mix of each key with the hash of its stored value), computed on the members that own the
 * entries from the serialized values they hold, so nothing is deserialized or sent per entry. Only
 * for the buckets whose digest differs from the one of what this mirror applied last does it read a
 * fingerprint ({@code key → hash of the value}) of each entry, fetch the entries that differ and
 * apply or remove them. (Over 100,000 entries of ~1 KB on 3 members, a pass with nothing to repair
 * costs ~70 ms of CPU and 6 MB allocated; reading every entry's fingerprint, as every pass did
 * before, cost ~280 ms and 168 MB: {@code load-tests/mirror-pass.sh}.)
 * It runs at start (it is the initial
 * load), every {@code governor.mirror.reconcile.ms} (a Hazelcast property, default 15 s), and
 * half a second after a member left, a migration ended, a partition was lost, or this member
 * merged after a split brain. A key that an event changed after a pass began is left to that
 * event.
 *
 * <p>Order: a value carrying a top-level {@code "version"} never replaces a newer one held (see
 * {@link Target#version}); a {@link Maps#tombstone tombstone} value counts as a removal that still
 * carries its version, so an older copy cannot bring a deleted entry back.
 *
 * <p>Lost writes: Hazelcast is AP, and a stale backup promoted to owner (its member missed
 * backups while paused, then the owner was cut off or the partition moved) loses the writes it
 * missed, although the cluster acknowledged them and every mirror applied them. A pass that
 * finds the map at an older version than this copy applied writes the copy's value back, by
 * compare-and-set on the stale value, when the mirror was given a way to read it (the
 * {@code heldValue} of {@link #MapMirror(HazelcastInstance, IMap, Target, Function)}).
 * Versions only grow along a key's history ({@link Versions}), so the highest one any member
 * saw is the last write; each member's pass tries, and the compare-and-set lets one win.
 */
public final class MapMirror implements EntryAddedListener<String, String>, EntryUpdatedListener<String, String>,
    EntryRemovedListener<String, String>, EntryEvictedListener<String, String>,
    EntryExpiredListener<String, String>, EntryMergedListener<String, String>, MapClearedListener {

  private static final Logger LOG = LoggerFactory.getLogger(MapMirror.class);

  /** The Hazelcast property (set by {@link ClusterSetup}) naming the period between passes. */
  public static final String RECONCILE_PROPERTY = "governor.mirror.reconcile.ms";
  static final long DEFAULT_RECONCILE_MS = 15_000;
  /** Buckets of keys a pass compares by digest (a power of two). */
  static final int BUCKETS = 1024;
  /** Bytes of a serialized form before its type: the partition hash. */
  private static final int HEADER = 4;
  private static final long TRIGGER_DELAY_MS = 500;

  private static final ScheduledExecutorService PASSES = Executors.newScheduledThreadPool(2,
      DaemonThreads.named("governor-mirror-reconcile"));

  /** The local copy a mirror keeps current. Called from Hazelcast's event threads and a reconciling thread. */
  public interface Target {
    void upsert(String key, String value);

    /** Kept for older callers; the mirror itself now only calls {@link #upsert}. */
    default void upsertIfAbsent(String key, String value) {
      upsert(key, value);
    }

    void remove(String key);

    void clear();

    /** Whether the copy holds the key, so a pass also repairs an entry lost from the copy itself. */
    default boolean holds(String key) {
      return true;
    }

    /**
     * The version of a stored value, or -1 if it has none (then the last value seen wins). Values
     * of a key must have growing versions; the default reads a top-level {@code "version"} number.
     */
    default long version(String value) {
      return jsonVersion(value);
    }

    /**
     * A target that parses each value and hands it to {@code put}; removals and clears go to
     * {@code remove} and {@code clear}.
     */
    static <T> Target parsed(Function<String, T> parse, Consumer<T> put, Consumer<T> putIfAbsent,
                             Consumer<String> remove, Runnable clear) {
      return parsed(parse, put, remove, clear, k -> true);
    }

    /** As {@link #parsed(Function, Consumer, Consumer, Consumer, Runnable)}, telling which keys it holds. */
    static <T> Target parsed(Function<String, T> parse, Consumer<T> put, Consumer<String> remove, Runnable clear,
                             Predicate<String> holds) {
      return new Target() {
        @Override
        public void upsert(String key, String value) {
          put.accept(parse.apply(value));
        }

        @Override
        public void remove(String key) {
          remove.accept(key);
        }

        @Override
        public void clear() {
          clear.run();
        }

        @Override
        public boolean holds(String key) {
          return holds.test(key);
        }
      };
    }

    /** A target that keeps the entries as JSON objects in {@code local}. */
    static Target json(Map<String, JsonObject> local) {
      return new Target() {
        @Override
        public void upsert(String key, String value) {
          local.put(key, new JsonObject(value));
        }

        @Override
        public void remove(String key) {
          local.remove(key);
        }

        @Override
        public void clear() {
          local.clear();
        }

        @Override
        public boolean holds(String key) {
          return local.containsKey(key);
        }
      };
    }
  }

  /** The top-level {@code "version"} of a JSON object value, or -1. */
  public static long jsonVersion(String value) {
    try {
      Object v = new JsonObject(value).getValue("version");
      return v instanceof Number n ? n.longValue() : -1;
    } catch (RuntimeException e) {
      return -1;
    }
  }

  /**
   * What the mirror last did for a key: the value's version and hash, the step at which it
   * happened, and whether the key is absent from the copy ({@code gone}: removed, or a tombstone).
   */
  private record Held(long version, int keyHash, int hash, long step, boolean gone, boolean unreadable) {
    /** A key removed from the map (not a tombstone, which the map still holds). */
    boolean removal() {
      return gone && hash == 0;
    }
  }

  private final HazelcastInstance hazelcast;
  private final IMap<String, String> map;
  private final Target target;
  /** Key → the value the copy holds, as it would be stored (null: cannot say); null: no write-back. */
  private final Function<String, String> heldValue;
  private final Map<String, Held> held = new ConcurrentHashMap<>();
  private final AtomicLong steps = new AtomicLong();
  private final ReentrantLock passLock = new ReentrantLock();
  private final AtomicBoolean triggered = new AtomicBoolean();
  private final AtomicLong repairs = new AtomicLong();
  private final AtomicLong writtenBack = new AtomicLong();
  private final AtomicLong passes = new AtomicLong();
  private final AtomicLong bucketsFetched = new AtomicLong();
  private final SerializationService serialization;
  private final List<Runnable> unregister = new ArrayList<>();
  private volatile boolean stopped;
  private ScheduledFuture<?> periodic;

  /** A mirror that reconciles periodically, and after every membership, migration or merge event of {@code hazelcast}. */
  public MapMirror(HazelcastInstance hazelcast, IMap<String, String> map, Target target) {
    this(hazelcast, map, target, null);
  }

  /**
   * As {@link #MapMirror(HazelcastInstance, IMap, Target)}, and a pass writes back a value the
   * map lost, read from the copy with {@code heldValue} (see the class comment).
   */
  public MapMirror(HazelcastInstance hazelcast, IMap<String, String> map, Target target,
                   Function<String, String> heldValue) {
    this.hazelcast = hazelcast;
    this.map = map;
    this.target = target;
    this.heldValue = heldValue;
    this.serialization = serializationOf(map);
  }

  /** The member's serialization, to hash a value as its owner holds it (the map of an embedded member). */
  private static SerializationService serializationOf(IMap<?, ?> map) {
    if (map instanceof AbstractDistributedObject<?> proxy) {
      return proxy.getNodeEngine().getSerializationService();
    }
    throw new IllegalArgumentException("a mirror needs the map of an embedded member, not " + map.getClass().getName());
  }

  /** A mirror that reconciles periodically only (no access to the instance's cluster events). */
  public MapMirror(IMap<String, String> map, Target target) {
    this(null, map, target);
  }

  /** Registers the listeners and loads the current entries (the first pass). Blocking: call from a worker. */
  public MapMirror start() {
    UUID entries = map.addEntryListener(this, true);
    unregister.add(() -> map.removeEntryListener(entries));
    UUID lost = map.addPartitionLostListener(e -> reconcileSoon());
    unregister.add(() -> map.removePartitionLostListener(lost));
    long period = DEFAULT_RECONCILE_MS;
    if (hazelcast != null) {
      listenToCluster();
      String configured = hazelcast.getConfig().getProperty(RECONCILE_PROPERTY);
      if (configured != null) {
        period = Long.parseLong(configured);
      }
    }
    reconcile();
    if (period > 0) {
      periodic = PASSES.scheduleWithFixedDelay(this::reconcileQuietly, period, period, TimeUnit.MILLISECONDS);
    }
    return this;
  }

  private void listenToCluster() {
    UUID members = hazelcast.getCluster().addMembershipListener(new MembershipListener() {
      @Override
      public void memberAdded(MembershipEvent event) {
      }

      @Override
      public void memberRemoved(MembershipEvent event) {
        reconcileSoon();
      }
    });
    unregister.add(() -> hazelcast.getCluster().removeMembershipListener(members));
    UUID migrations = hazelcast.getPartitionService().addMigrationListener(new MigrationListener() {
      @Override
      public void migrationStarted(MigrationState state) {
      }

      @Override
      public void migrationFinished(MigrationState state) {
        reconcileSoon();
      }

      @Override
      public void replicaMigrationCompleted(ReplicaMigrationEvent event) {
      }

      @Override
      public void replicaMigrationFailed(ReplicaMigrationEvent event) {
        reconcileSoon();
      }
    });
    unregister.add(() -> hazelcast.getPartitionService().removeMigrationListener(migrations));
    UUID lifecycle = hazelcast.getLifecycleService().addLifecycleListener(e -> {
      if (e.getState() == LifecycleEvent.LifecycleState.MERGED) {
        reconcileSoon();
      }
    });
    unregister.add(() -> hazelcast.getLifecycleService().removeLifecycleListener(lifecycle));
  }

  /** Stops listening and reconciling. Blocking. */
  public void stop() {
    stopped = true;
    if (periodic != null) {
      periodic.cancel(false);
    }
    for (Runnable r : unregister) {
      try {
        r.run();
      } catch (RuntimeException e) {
        LOG.debug("listener of {} already gone: {}", map.getName(), e.toString());
      }
    }
    unregister.clear();
  }

  /** For tests: stops receiving entry events, as when every event to this member is lost. */
  void deafen() {
    unregister.get(0).run();
  }

  /** Kept for callers that reload after a merge: schedules a pass. */
  public void reloadSoon() {
    reconcileSoon();
  }

  /** Schedules a pass in half a second (several triggers meanwhile make one pass), off Hazelcast's threads. */
  public void reconcileSoon() {
    if (!stopped && triggered.compareAndSet(false, true)) {
      PASSES.schedule(() -> {
        triggered.set(false);
        reconcileQuietly();
      }, TRIGGER_DELAY_MS, TimeUnit.MILLISECONDS);
    }
  }

  /** Entries repaired by passes so far (each one an event this node missed or a copy that drifted). */
  public long repairs() {
    return repairs.get();
  }

  /** Passes completed so far. */
  public long passes() {
    return passes.get();
  }

  private void reconcileQuietly() {
    if (stopped) {
      return;
    }
    if (!passLock.tryLock()) {
      reconcileSoon(); // a pass is running: one more after it, without holding a thread meanwhile
      return;
    }
    try {
      reconcile();
    } catch (RuntimeException e) {
      if (!stopped) {
        LOG.warn("could not reconcile the copy of {}: {}", map.getName(), e.toString());
      }
    } finally {
      passLock.unlock();
    }
  }

  /**
   * One pass: compares fingerprints, fetches what differs, applies it. Returns the number of keys
   * repaired. Blocking; one pass at a time per mirror (a pass asked for meanwhile waits for it).
   */
  public int reconcile() {
    passLock.lock();
    try {
      long start = steps.get();
      // a copy holding nothing (the first pass, the initial load) differs in every non-empty bucket:
      // no digests to compare, the fingerprints are read at once
      long[] remoteDigest = held.isEmpty() ? null : map.aggregate(new Digest());
      long[] localDigest = new long[BUCKETS];
      Set<String> suspects = new HashSet<>();
      for (Map.Entry<String, Held> e : held.entrySet()) {
        String key = e.getKey();
        Held h = e.getValue();
        if (!h.removal()) {
          localDigest[bucket(h.keyHash())] += mix(h.keyHash(), h.hash());
          if (!h.gone() && !h.unreadable() && !target.holds(key)) {
            suspects.add(key); // lost from the copy itself
          }
        }
      }
      BitSet differ = new BitSet(BUCKETS);
      for (int b = 0; b < BUCKETS; b++) {
        if (remoteDigest == null || remoteDigest[b] != localDigest[b]) {
          differ.set(b);
        }
      }
      Set<String> present = new HashSet<>();
      if (!differ.isEmpty()) {
        for (Map.Entry<String, Integer> e : map.project(new Fingerprint(), new InBuckets(differ))) {
          String key = e.getKey();
          present.add(key);
          Held h = held.get(key);
          if (h == null || h.hash() != e.getValue()) {
            suspects.add(key);
          }
        }
      }
      for (Map.Entry<String, Held> e : held.entrySet()) {
        String key = e.getKey();
        Held h = e.getValue();
        if (differ.get(bucket(h.keyHash())) && !present.contains(key) && !h.removal()) {
          suspects.add(key); // held, but no longer in the map
        } else if (h.removal() && h.step() <= start && !present.contains(key)) {
          held.remove(key, h); // a removal record that has served its purpose
        }
      }
      int repaired = 0;
      if (!suspects.isEmpty()) {
        Map<String, String> current = map.getAll(suspects);
        for (String key : suspects) {
          String value = current.get(key);
          if (value != null && writeBack(key, value)) {
            repaired++;
          } else if (value == null ? removeUnlessNewer(key, null, start) : apply(key, value, null, start)) {
            repaired++;
          }
        }
      }
      passes.incrementAndGet();
      bucketsFetched.addAndGet(differ.cardinality());
      if (repaired > 0) {
        repairs.addAndGet(repaired);
        if (passes.get() > 1) {
          LOG.info("reconciled {} entries of the local copy of {}", repaired, map.getName());
        }
      }
      return repaired;
    } finally {
      passLock.unlock();
    }
  }

  /** Buckets whose entries' fingerprints passes had to read, so far (a bucket per pass per difference). */
  public long bucketsFetched() {
    return bucketsFetched.get();
  }

  /**
   * Writes back the value this copy holds for a key the map holds at an older version (a write
   * the cluster lost); true if it did. Nothing is written when the copy holds no newer live value,
   * the target cannot give it, or the map changed meanwhile (the compare-and-set fails).
   */
  private boolean writeBack(String key, String stored) {
    Held h = held.get(key);
    long storedVersion = safeVersion(stored);
    if (heldValue == null || h == null || h.gone() || h.unreadable() || storedVersion < 0
        || h.version() <= storedVersion) {
      return false;
    }
    String newer = heldValue.apply(key);
    if (newer == null || safeVersion(newer) != h.version()) {
      return false;
    }
    try {
      if (!map.replace(key, stored, newer)) {
        return false;
      }
    } catch (RuntimeException e) {
      // e.g. refused on the minority side of a split: the pass goes on, a later one tries again
      LOG.debug("{}: writing back '{}' failed: {}", map.getName(), key, e.toString());
      return false;
    }
    writtenBack.incrementAndGet();
    LOG.warn("{}: '{}' was at version {} in the map while this node had applied version {} (a write the cluster "
        + "lost: a stale replica promoted); written back", map.getName(), key, storedVersion, h.version());
    return true;
  }

  /** Values this mirror wrote back because the map had lost them (see {@link #reconcile}). */
  public long writtenBack() {
    return writtenBack.get();
  }

  @Override
  public void entryAdded(EntryEvent<String, String> event) {
    apply(event.getKey(), event.getValue(), event, -1);
  }

  @Override
  public void entryUpdated(EntryEvent<String, String> event) {
    apply(event.getKey(), event.getValue(), event, -1);
  }

  @Override
  public void entryMerged(EntryEvent<String, String> event) {
    apply(event.getKey(), event.getValue(), event, -1);
  }

  @Override
  public void entryRemoved(EntryEvent<String, String> event) {
    removeUnlessNewer(event.getKey(), event, -1);
  }

  @Override
  public void entryEvicted(EntryEvent<String, String> event) {
    removeUnlessNewer(event.getKey(), event, -1);
  }

  @Override
  public void entryExpired(EntryEvent<String, String> event) {
    removeUnlessNewer(event.getKey(), event, -1);
  }

  @Override
  public void mapCleared(MapEvent event) {
    reconcileSoon(); // the pass removes what is gone, without emptying the copy meanwhile
  }

  /**
   * Applies a value unless it is older than the one held, or (for a pass that began at step
   * {@code passStart} ≥ 0) an event changed the key since. True if the copy changed.
   */
  private boolean apply(String key, String value, EntryEvent<String, String> event, long passStart) {
    boolean[] changed = {false};
    held.compute(key, (k, h) -> {
      if (passStart >= 0 && h != null && h.step() > passStart) {
        return h;
      }
      long version = safeVersion(value);
      if (passStart < 0 && h != null && version >= 0 && h.version() >= 0 && version < h.version()) {
        // an event older than the value held (events of a key from the old and the new owner can
        // interleave around a migration): it never beats a newer value. A pass trusts the map.
        return h;
      }
      boolean tombstone = Maps.isTombstone(value);
      boolean unreadable = false;
      try {
        if (tombstone) {
          target.remove(k);
        } else {
          target.upsert(k, value);
        }
      } catch (RuntimeException e) {
        // A value this node cannot read must not stop the mirror; it is skipped and named.
        LOG.warn("skipping unreadable entry '{}' of {}: {}", k, map.getName(), e.getMessage());
        unreadable = true;
      }
      changed[0] = true;
      return new Held(version, h != null ? h.keyHash() : keyHashOf(k, event), valueHashOf(value, event),
          steps.incrementAndGet(), tombstone, unreadable);
    });
    return changed[0];
  }

  /** Removes a key from the copy, keeping a short-lived record that it was removed at this step. */
  private boolean removeUnlessNewer(String key, EntryEvent<String, String> event, long passStart) {
    boolean[] changed = {false};
    held.compute(key, (k, h) -> {
      if (passStart >= 0 && h != null && h.step() > passStart) {
        return h;
      }
      if (h != null && h.gone() && !h.removal() && passStart < 0) {
        // a tombstone's own expiry: the copy has nothing left to remove
        return new Held(-1, h.keyHash(), 0, steps.incrementAndGet(), true, false);
      }
      target.remove(k);
      changed[0] = h == null || !h.gone();
      return new Held(-1, h != null ? h.keyHash() : keyHashOf(k, event), 0, steps.incrementAndGet(), true, false);
    });
    return changed[0];
  }

  private long safeVersion(String value) {
    try {
      return target.version(value);
    } catch (RuntimeException e) {
      return -1;
    }
  }

  /**
   * The hash of a key as the map holds it: of its serialized form (Hazelcast's own hash of it),
   * taken from the event when it carries that form (a member's events do), else serialized here.
   */
  private int keyHashOf(String key, EntryEvent<String, String> event) {
    Data data = event instanceof DataAwareEntryEvent<String, String> d ? d.getKeyData() : null;
    return (data != null ? data : serialization.toData(key)).hashCode();
  }

  /**
   * The hash of a value as the map holds it: a CRC-32C of its serialized form, which the owner
   * computes without deserializing it (the same bytes on every member); from the event's own
   * serialized value when it carries one, so an event costs no second serialization.
   */
  private int valueHashOf(String value, EntryEvent<String, String> event) {
    Data data = event instanceof DataAwareEntryEvent<String, String> d ? d.getNewValueData() : null;
    return contentHash(data != null ? data : serialization.toData(value));
  }

  /**
   * CRC-32C of a serialized form past its partition-hash header. Not {@code Data.hashCode()}: that
   * Murmur3 reads the bytes one at a time and was half of a pass's time; the JDK's CRC-32C runs on
   * the processor's CRC instruction.
   */
  static int contentHash(Data data) {
    if (data == null) {
      return 0;
    }
    CRC32C crc = new CRC32C();
    crc.update(data.toByteArray(), HEADER, data.totalSize() - HEADER);
    return (int) crc.getValue();
  }

  /** The bucket of a key, from the hash of its serialized form. */
  static int bucket(int keyHash) {
    return (keyHash ^ (keyHash >>> 16)) & (BUCKETS - 1);
  }

  /** One entry's part of its bucket's digest: a 64-bit mix of the key's and the value's hashes. */
  static long mix(int keyHash, int valueHash) {
    long x = ((long) keyHash << 32) ^ (valueHash & 0xffffffffL);
    x *= 0x9E3779B97F4A7C15L;
    return x ^ (x >>> 29);
  }

  private static int storedKeyHash(Map.Entry<String, String> entry) {
    return ((QueryableEntry<?, ?>) entry).getKeyData().hashCode();
  }

  /** The hash of an entry's stored value (its serialized form, as {@link #valueHashOf}), or 0 if it has none. */
  private static int storedHash(Map.Entry<String, String> entry) {
    return contentHash(((QueryableEntry<?, ?>) entry).getValueData());
  }

  /** Runs on the members owning the entries: per bucket, the sum of {@link #mix} of its entries. */
  static final class Digest implements Aggregator<Map.Entry<String, String>, long[]> {
    private static final long serialVersionUID = 1L;
    private long[] sums = new long[BUCKETS];

    @Override
    public void accumulate(Map.Entry<String, String> entry) {
      int keyHash = storedKeyHash(entry);
      sums[bucket(keyHash)] += mix(keyHash, storedHash(entry));
    }

    @Override
    public void combine(Aggregator aggregator) {
      long[] other = ((Digest) aggregator).sums;
      for (int b = 0; b < BUCKETS; b++) {
        sums[b] += other[b];
      }
    }

    @Override
    public long[] aggregate() {
      return sums;
    }
  }

  /** The entries whose keys fall in the given buckets. */
  static final class InBuckets implements com.hazelcast.query.Predicate<String, String> {
    private static final long serialVersionUID = 1L;
    private final BitSet buckets;

    InBuckets(BitSet buckets) {
      this.buckets = buckets;
    }

    @Override
    public boolean apply(Map.Entry<String, String> entry) {
      return buckets.get(bucket(storedKeyHash(entry)));
    }
  }

  /** Runs on the members owning the entries: key and hash of the value, not the value itself. */
  static final class Fingerprint implements Projection<Map.Entry<String, String>, Map.Entry<String, Integer>> {
    private static final long serialVersionUID = 1L;

    @Override
    public Map.Entry<String, Integer> transform(Map.Entry<String, String> entry) {
      return new AbstractMap.SimpleImmutableEntry<>(entry.getKey(), storedHash(entry));
    }
  }
}
