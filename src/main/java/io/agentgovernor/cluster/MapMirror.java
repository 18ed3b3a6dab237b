package io.agentgovernor.cluster;

import com.hazelcast.core.EntryEvent;
import com.hazelcast.map.IMap;
import com.hazelcast.map.MapEvent;
import com.hazelcast.map.listener.EntryAddedListener;
import com.hazelcast.map.listener.EntryEvictedListener;
import com.hazelcast.map.listener.EntryExpiredListener;
import com.hazelcast.map.listener.EntryRemovedListener;
import com.hazelcast.map.listener.EntryUpdatedListener;
import com.hazelcast.map.listener.MapClearedListener;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps a node-local copy of a Hazelcast map current: every add, update, removal, eviction and
 * expiry anywhere in the cluster is applied through {@code upsert} / {@code remove}, so readers on
 * the hot path never wait on the network.
 *
 * <p>Start-up without a gap: the listener is registered first, then the map's entries are loaded;
 * an entry removed while the load runs is remembered (a tombstone) so the load cannot bring it
 * back, and the load never overwrites a value an event already delivered ({@code upsertIfAbsent}).
 * Hazelcast delivers the events of one key in order, so later events always win.
 */
public final class MapMirror implements EntryAddedListener<String, String>, EntryUpdatedListener<String, String>,
    EntryRemovedListener<String, String>, EntryEvictedListener<String, String>,
    EntryExpiredListener<String, String>, com.hazelcast.map.listener.EntryMergedListener<String, String>,
    MapClearedListener {

  private static final Logger LOG = LoggerFactory.getLogger(MapMirror.class);

  /** The local copy a mirror keeps current. Called from Hazelcast's event threads. */
  public interface Target {
    void upsert(String key, String value);

    /** Like upsert, but never replaces a value already there (used by the initial load). */
    void upsertIfAbsent(String key, String value);

    void remove(String key);

    void clear();

    /**
     * A target that parses each value and hands it to {@code put} (or {@code putIfAbsent} during
     * the initial load); removals and clears go to {@code remove} and {@code clear}.
     */
    static <T> Target parsed(java.util.function.Function<String, T> parse, java.util.function.Consumer<T> put,
                             java.util.function.Consumer<T> putIfAbsent, java.util.function.Consumer<String> remove,
                             Runnable clear) {
      return new Target() {
        @Override
        public void upsert(String key, String value) {
          put.accept(parse.apply(value));
        }

        @Override
        public void upsertIfAbsent(String key, String value) {
          putIfAbsent.accept(parse.apply(value));
        }

        @Override
        public void remove(String key) {
          remove.accept(key);
        }

        @Override
        public void clear() {
          clear.run();
        }
      };
    }

    /** A target that keeps the entries as JSON objects in {@code local}. */
    static Target json(Map<String, io.vertx.core.json.JsonObject> local) {
      return new Target() {
        @Override
        public void upsert(String key, String value) {
          local.put(key, new io.vertx.core.json.JsonObject(value));
        }

        @Override
        public void upsertIfAbsent(String key, String value) {
          local.putIfAbsent(key, new io.vertx.core.json.JsonObject(value));
        }

        @Override
        public void remove(String key) {
          local.remove(key);
        }

        @Override
        public void clear() {
          local.clear();
        }
      };
    }
  }

  private final IMap<String, String> map;
  private final Target target;
  private volatile Set<String> tombstones = ConcurrentHashMap.newKeySet();
  private UUID registration;

  public MapMirror(IMap<String, String> map, Target target) {
    this.map = map;
    this.target = target;
  }

  /** Registers the listener and loads the current entries. Blocking: call from a worker. */
  public MapMirror start() {
    registration = map.addEntryListener(this, true);
    for (Map.Entry<String, String> e : map.entrySet()) {
      Set<String> removed = tombstones;
      if (removed != null && !removed.contains(e.getKey())) {
        apply(e.getKey(), e.getValue(), target::upsertIfAbsent);
      }
    }
    tombstones = null;
    return this;
  }

  /** Stops listening. Blocking. */
  public void stop() {
    if (registration != null) {
      try {
        map.removeEntryListener(registration);
      } catch (RuntimeException e) {
        LOG.debug("listener of {} already gone: {}", map.getName(), e.toString());
      }
    }
  }

  @Override
  public void entryAdded(EntryEvent<String, String> event) {
    apply(event.getKey(), event.getValue(), target::upsert);
  }

  @Override
  public void entryUpdated(EntryEvent<String, String> event) {
    apply(event.getKey(), event.getValue(), target::upsert);
  }

  @Override
  public void entryRemoved(EntryEvent<String, String> event) {
    removed(event.getKey());
  }

  @Override
  public void entryEvicted(EntryEvent<String, String> event) {
    removed(event.getKey());
  }

  @Override
  public void entryExpired(EntryEvent<String, String> event) {
    removed(event.getKey());
  }

  @Override
  public void entryMerged(EntryEvent<String, String> event) {
    apply(event.getKey(), event.getValue(), target::upsert);
  }

  @Override
  public void mapCleared(MapEvent event) {
    target.clear();
    reloadSoon();
  }

  /**
   * Reads the whole map again (after a split-brain merge replaced this member's data), off
   * Hazelcast's event threads (a blocking read there could wait on
   * the very thread that must answer it).
   */
  public void reloadSoon() {
    java.util.concurrent.CompletableFuture.runAsync(() -> {
      try {
        for (Map.Entry<String, String> e : map.entrySet()) {
          apply(e.getKey(), e.getValue(), target::upsert);
        }
      } catch (RuntimeException e) {
        LOG.warn("could not reload {} after a merge: {}", map.getName(), e.toString());
      }
    });
  }

  private void removed(String key) {
    Set<String> removed = tombstones;
    if (removed != null) {
      removed.add(key);
    }
    target.remove(key);
  }

  private void apply(String key, String value, BiConsumer<String, String> action) {
    try {
      action.accept(key, value);
    } catch (RuntimeException e) {
      // A value this node cannot read must not stop the mirror; it is skipped and named.
      LOG.warn("skipping unreadable entry '{}' of {}: {}", key, map.getName(), e.getMessage());
    }
  }
}
