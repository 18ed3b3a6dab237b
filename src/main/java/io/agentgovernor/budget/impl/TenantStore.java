package io.agentgovernor.budget.impl;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;
import io.agentgovernor.budget.Tenant;
import io.agentgovernor.bus.GovernorException;
import io.agentgovernor.cluster.MapMirror;
import io.agentgovernor.cluster.Maps;
import io.agentgovernor.cluster.VersionedWrites;
import io.vertx.core.json.JsonObject;
import java.util.Comparator;
import java.util.List;

/**
 * The tenant map ({@link Maps#TENANTS}: name → {@code {"name", "groups", "version", "conf"?}}),
 * cluster-wide and, with a store, persisted like the groups; a {@link MapMirror} keeps this node's
 * {@link BudgetIndex} current, so a change made on any node applies on every node from its event.
 * Deletes leave a {@link Maps#tombstone tombstone}. Blocking: call from a worker.
 *
 * <p>Configuration against run-time changes, as for groups: a tenant seeded from
 * {@code budgets.tenants} carries the fingerprint of that definition ({@code "conf"}); at start, a
 * stored tenant from the same definition is kept with whatever was changed at run time, one from
 * another definition (the configuration was edited since) is replaced by the configured one, and
 * one that is absent (never stored, or deleted) is stored from the configuration.
 */
final class TenantStore {

  private final IMap<String, String> map;
  private final MapMirror mirror;

  TenantStore(HazelcastInstance hazelcast, BudgetIndex index) {
    this.map = hazelcast.getMap(Maps.TENANTS);
    this.mirror = new MapMirror(hazelcast, map, MapMirror.Target.parsed(TenantStore::parse,
        index::applyTenant, index::removeTenant, index::clearTenants, name -> index.tenant(name) != null));
  }

  void startMirror() {
    mirror.start();
  }

  void stopMirror() {
    mirror.stop();
  }

  /** A stored value as a tenant (its version and fingerprint are the store's, not the tenant's). */
  static Tenant parse(String stored) {
    JsonObject json = new JsonObject(stored);
    json.remove("version");
    json.remove("conf");
    return Tenant.fromJson(json);
  }

  /** Seeds a configured tenant ({@link VersionedWrites#configured}, the same rule as groups). */
  VersionedWrites.Seeded seed(Tenant tenant) {
    return VersionedWrites.Seeded.valueOf(map.executeOnKey(tenant.name(),
        VersionedWrites.configured(tenant.toJson().encode(), fingerprint(tenant), System.currentTimeMillis(), Long.MAX_VALUE)));
  }

  /**
   * Creates or replaces a tenant (the configured fingerprint stays, so a restart keeps this change),
   * fenced by the writer's lease ({@code deadlineMillis}, see {@link VersionedWrites}). Returns it.
   */
  Tenant put(Tenant tenant, long deadlineMillis) {
    VersionedWrites.onTime(map.executeOnKey(tenant.name(),
        VersionedWrites.configured(tenant.toJson().encode(), null, System.currentTimeMillis(), deadlineMillis)));
    return tenant;
  }

  Tenant get(String name) {
    String stored = map.get(name);
    if (stored == null || Maps.isTombstone(stored)) {
      throw GovernorException.notFound("tenant", name);
    }
    return parse(stored);
  }

  /** Every tenant, by name (a handful: read whole). */
  List<Tenant> list() {
    return map.values().stream().filter(v -> !Maps.isTombstone(v)).map(TenantStore::parse)
        .sorted(Comparator.comparing(Tenant::name)).toList();
  }

  /** Replaces a tenant with a tombstone, fenced by the writer's lease like {@link #put}. */
  void delete(String name, long deadlineMillis) {
    if (VersionedWrites.onTime(map.executeOnKey(name, VersionedWrites.bury(System.currentTimeMillis(), deadlineMillis))) == null) {
      throw GovernorException.notFound("tenant", name);
    }
  }

  /** A fingerprint of a configured tenant's definition. */
  static String fingerprint(Tenant tenant) {
    return VersionedWrites.fingerprint(tenant.toJson().encode());
  }
}
