package io.agentgovernor.quota.impl;

import io.agentgovernor.bus.Addresses;
import io.agentgovernor.cluster.SafeWrites;
import io.agentgovernor.bus.ErrorCode;
import io.agentgovernor.bus.GovernorException;
import io.agentgovernor.bus.Handlers;
import io.agentgovernor.bus.Ids;
import io.agentgovernor.bus.Json;
import io.agentgovernor.quota.QuotaContext;
import io.agentgovernor.quota.CompiledQuota;
import io.agentgovernor.quota.Limit;
import io.agentgovernor.quota.Quota;
import io.agentgovernor.quota.QuotaConfig;
import io.agentgovernor.quota.QuotaGroup;
import io.agentgovernor.quota.QuotaIndex;
import io.agentgovernor.quota.UsageReport;
import io.agentgovernor.quota.Violation;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The quota part: quotas and groups in Hazelcast, the node's {@link QuotaIndex} kept current, and
 * the event-bus API of {@link Addresses} {@code QUOTA_*} / {@code GROUP_*}. Single reads (quota,
 * compliance, group, group list) are answered from the cluster map, so a client reads its own
 * writes whichever node's consumer answers, and repair the index when it missed an event; the
 * quota list is answered from the index (current within milliseconds, reconciled by its mirror).
 * Writes go to Hazelcast (on a worker) and then to the index at once.
 */
public final class QuotaVerticle extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(QuotaVerticle.class);
  private static final int MAX_PAGE = 1000;
  private static final int CAS_RETRIES = 5;
  private static final long SEED_RETRY_MS = 1000;

  private final QuotaContext node;
  private SafeWrites safeWrites;
  private final QuotaIndex index;
  private QuotaStore store;
  private QuotaConfig config;

  public QuotaVerticle(QuotaContext node) {
    this.node = node;
    this.index = node.quotaIndex();
  }

  @Override
  public Future<?> start() {
    config = QuotaConfig.fromJson(config());
    store = new QuotaStore(node.hazelcast(), index, node.clock());
    safeWrites = new SafeWrites(node.hazelcast());
    return vertx.executeBlocking(this::seedGroupsAndMirror)
        .compose(v -> registerConsumers());
  }

  @Override
  public Future<?> stop() {
    return vertx.executeBlocking(() -> {
      store.stopMirrors();
      return null;
    });
  }

  private Void seedGroupsAndMirror() {
    if (!seedGroups()) {
      // the first node of a cluster of three is a minority until a peer joins: seed then
      long timer = vertx.setPeriodic(SEED_RETRY_MS, id -> vertx.executeBlocking(this::seedGroups, false)
          .onSuccess(done -> {
            if (done) {
              vertx.cancelTimer(id);
            }
          }));
      LOG.info("groups not seeded yet: this node is not part of a majority of its cluster (retrying, timer {})", timer);
    }
    store.startMirrors();
    return null;
  }

  /** Seeds the configured groups; false if this node's side of the cluster refuses writes. Blocking. */
  private boolean seedGroups() {
    try {
      config.groups().values().forEach(group -> {
        switch (store.seedGroup(group)) {
          case CREATED -> LOG.debug("seeded group {}", group.name());
          case REPLACED -> LOG.info("group {}: its definition in the configuration changed; it replaces the stored one",
              group.name());
          case KEPT -> LOG.debug("group {}: stored as configured (with any run-time change) kept", group.name());
        }
      });
      return true;
    } catch (com.hazelcast.splitbrainprotection.SplitBrainProtectionException e) {
      return false;
    }
  }

  private Future<?> registerConsumers() {
    return Future.all(List.of(
        consume(Addresses.QUOTA_CREATE, leased(this::create)),
        consume(Addresses.QUOTA_GET, this::get),
        consume(Addresses.QUOTA_UPDATE, leased(this::update)),
        consume(Addresses.QUOTA_DELETE, leased(this::delete)),
        consume(Addresses.QUOTA_LIST, this::list),
        consume(Addresses.QUOTA_COMPLIANCE, this::compliance),
        consume(Addresses.GROUP_GET, this::getGroup),
        consume(Addresses.GROUP_LIST, this::listGroups),
        consume(Addresses.GROUP_PUT, leased(this::putGroup))));
  }

  /**
   * A write is taken only while this node holds its lease: a node cut off from the majority
   * refuses it (UNAVAILABLE) as soon as its lease runs out, before Hazelcast's own split-brain
   * protection, which waits for the failure detector, would; what it acknowledged could otherwise
   * be overwritten at the merge.
   */
  private Function<JsonObject, Future<?>> leased(Function<JsonObject, Future<?>> write) {
    return request -> {
      node.lease().requireForWrites();
      // checked again once the cluster is safe: that wait lasts up to 5 s, and a node cut off
      // meanwhile finds itself "safe" as soon as it has removed its peers and owns every partition
      // (JepsenIT seed 7: an isolated node took a PUT within its lease, wrote it 6 s into the
      // isolation, and that value won over the majority's later ones at the merge)
      return safeWrites.ready(vertx).compose(v -> {
        node.lease().requireForWrites();
        return write.apply(request);
      });
    };
  }

  /** This node's lease expiry, carried by each write ({@link io.agentgovernor.cluster.NodeLease#writeDeadline}). */
  private long writeDeadline() {
    return node.lease().writeDeadline();
  }

  private Future<Void> consume(String address, Function<JsonObject, Future<?>> handler) {
    MessageConsumer<Object> consumer = vertx.eventBus().consumer(address, Handlers.json(handler));
    return consumer.completion();
  }

  private Future<JsonObject> create(JsonObject request) {
    String agentId = Ids.require(Json.optString(request, "agentId", ""), "agentId");
    Quota.Request req = Quota.Request.fromJson(request);
    QuotaGroup group = requireGroup(req.group());
    Quota quota = Quota.fromGroup(agentId, group, req.priority(), req.limits(), Boolean.TRUE.equals(req.dryRun()), now());
    admit(quota, group);
    return vertx.executeBlocking(() -> {
      Quota stored = store.create(quota, writeDeadline());
      if (stored == null) {
        throw new GovernorException(ErrorCode.ALREADY_EXISTS, "a quota for agent '" + agentId + "' exists");
      }
      return stored;
    }, false).map(this::indexed);
  }

  private Future<JsonObject> get(JsonObject request) {
    String agentId = Ids.require(Json.optString(request, "agentId", ""), "agentId");
    return vertx.executeBlocking(() -> authoritative(agentId).toJson(), false);
  }

  /**
   * The quota as stored in the cluster map (whichever node answers, a client reads its own
   * writes), repairing this node's index on the way when it missed or lags the stored version.
   * Blocking.
   */
  private Quota authoritative(String agentId) {
    String json = store.quotaJson(agentId);
    if (json == null) {
      throw GovernorException.notFound("quota of agent", agentId);
    }
    Quota stored = Quota.fromJson(new JsonObject(json));
    Quota held = index.quota(agentId);
    if (held == null || held.version() != stored.version() || held.createdAt() != stored.createdAt()) {
      index.apply(stored);
    }
    return stored;
  }

  /**
   * Replaces group, priority, limits and dry-run flag: the new limits are the group's defaults with
   * the given ones on top, as for create. Compare-and-set on the stored value, retried when another
   * writer got in between, unless the client named the version it expects.
   */
  private Future<JsonObject> update(JsonObject request) {
    String agentId = Ids.require(Json.optString(request, "agentId", ""), "agentId");
    Quota.Request req = Quota.Request.fromJson(request);
    boolean upsert = Boolean.TRUE.equals(Json.optBoolean(request, "upsert", ""));
    if (req.group() == null) {
      throw GovernorException.invalid("group is required");
    }
    QuotaGroup group = requireGroup(req.group());
    return vertx.executeBlocking(() -> {
      for (int attempt = 0; attempt < CAS_RETRIES; attempt++) {
        String storedJson = store.quotaJson(agentId);
        long now = now();
        if (storedJson == null) {
          if (!upsert) {
            throw GovernorException.notFound("quota of agent", agentId);
          }
          if (req.expectedVersion() != null) {
            throw new GovernorException(ErrorCode.VERSION_CONFLICT, "quota of agent '" + agentId
                + "' does not exist, so it is not at version " + req.expectedVersion());
          }
          Quota created = Quota.fromGroup(agentId, group, req.priority(), req.limits(),
              Boolean.TRUE.equals(req.dryRun()), now);
          admit(created, group);
          Quota made = store.create(created, writeDeadline());
          if (made != null) {
            return made;
          }
          continue;
        }
        Quota stored = Quota.fromJson(new JsonObject(storedJson));
        if (req.expectedVersion() != null && req.expectedVersion() != stored.version()) {
          throw new GovernorException(ErrorCode.VERSION_CONFLICT, "quota of agent '" + agentId + "' is at version "
              + stored.version() + ", not " + req.expectedVersion());
        }
        Quota fresh = Quota.fromGroup(agentId, group, req.priority(), req.limits(),
            req.dryRun() == null ? stored.dryRun() : req.dryRun(), now);
        Quota updated = stored.updated(group.name(), fresh.priority(), fresh.limits(), fresh.dryRun(), now);
        admit(updated, group);
        if (store.replace(agentId, storedJson, updated, writeDeadline())) {
          return updated;
        }
        if (req.expectedVersion() != null) {
          throw new GovernorException(ErrorCode.VERSION_CONFLICT, "quota of agent '" + agentId + "' changed meanwhile");
        }
      }
      throw new GovernorException(ErrorCode.VERSION_CONFLICT, "quota of agent '" + agentId
          + "' kept changing; try again");
    }, false).map(this::indexed);
  }

  private Future<JsonObject> delete(JsonObject request) {
    String agentId = Ids.require(Json.optString(request, "agentId", ""), "agentId");
    return vertx.executeBlocking(() -> {
      if (store.delete(agentId, writeDeadline()) == null) {
        throw GovernorException.notFound("quota of agent", agentId);
      }
      index.remove(agentId);
      return new JsonObject().put("agentId", agentId).put("deleted", true);
    }, false);
  }

  private Future<JsonObject> list(JsonObject request) {
    int offset = Json.optLong(request, "offset", "", 0, Integer.MAX_VALUE) == null ? 0
        : Json.optLong(request, "offset", "", 0, Integer.MAX_VALUE).intValue();
    Long limitArg = Json.optLong(request, "limit", "", 1, MAX_PAGE);
    int limit = limitArg == null ? 100 : limitArg.intValue();
    String group = Json.optString(request, "group", "");
    List<Quota> all = index.quotas().stream().filter(q -> group == null || q.group().equals(group)).toList();
    JsonArray items = new JsonArray();
    all.stream().skip(offset).limit(limit).forEach(q -> items.add(q.toJson()));
    return Future.succeededFuture(new JsonObject().put("items", items).put("total", all.size())
        .put("offset", offset).put("limit", limit));
  }

  private Future<JsonObject> compliance(JsonObject request) {
    String agentId = Ids.require(Json.optString(request, "agentId", ""), "agentId");
    JsonObject usageJson = Json.optObject(request, "usage", "");
    if (usageJson == null) {
      throw GovernorException.invalid("usage is required: {resource: amount}");
    }
    return vertx.executeBlocking(() -> checked(agentId, usageJson, new CompiledQuota(authoritative(agentId))), false);
  }

  /** {@code quota} is compiled for this one check, not kept: the agent may be another node's. */
  private JsonObject checked(String agentId, JsonObject usageJson, CompiledQuota quota) {
    UsageReport usage = UsageReport.parse(usageJson, quota);
    List<Violation> violations = quota.check(usage.builtIn(), usage.custom());
    JsonArray list = new JsonArray();
    violations.forEach(v -> list.add(v.toJson()));
    return new JsonObject().put("agentId", agentId)
        // as the seed's check_quota_compliance: any violation, soft included, is non-compliance
        .put("compliant", violations.isEmpty())
        .put("violations", list);
  }

  private Future<JsonObject> getGroup(JsonObject request) {
    String name = Ids.require(Json.optString(request, "name", ""), "name");
    return vertx.executeBlocking(() -> {
      QuotaGroup group = store.group(name); // authoritative, repairing the index on the way
      if (group == null) {
        throw GovernorException.notFound("group", name);
      }
      if (!group.equals(index.group(name))) {
        index.applyGroup(group);
      }
      return group.toJson();
    }, false);
  }

  private Future<JsonObject> listGroups(JsonObject request) {
    return vertx.executeBlocking(() -> {
      JsonArray items = new JsonArray();
      store.groups().stream().sorted(java.util.Comparator.comparing(QuotaGroup::name)).forEach(g -> items.add(g.toJson()));
      return new JsonObject().put("items", items);
    }, false);
  }

  private Future<JsonObject> putGroup(JsonObject request) {
    QuotaGroup group = QuotaGroup.fromJson(request);
    return vertx.executeBlocking(() -> {
      store.putGroup(group, writeDeadline());
      index.applyGroup(group);
      return group.toJson();
    }, false);
  }

  private QuotaGroup requireGroup(String name) {
    if (name == null) {
      throw new GovernorException(ErrorCode.UNKNOWN_GROUP, "group is required; known groups: " + groupNames());
    }
    QuotaGroup group = index.group(name);
    if (group == null) {
      throw new GovernorException(ErrorCode.UNKNOWN_GROUP, "unknown group '" + name + "'; known groups: " + groupNames());
    }
    return group;
  }

  private List<String> groupNames() {
    List<String> names = new ArrayList<>();
    index.groups().forEach(g -> names.add(g.name()));
    return names;
  }

  /**
   * Admission: what a group's agents are promised, the sum of their soft limits (Kubernetes sums
   * requests against a quota the same way), may reach at most its total times its overcommit
   * factor. Hard limits are not summed: an agent uses its headroom above soft only at times, and
   * the group's measured usage is held to the total itself at run time (enforcement's group
   * violations). Reads the node's index, so two nodes admitting at the same instant may both pass
   * (a window of milliseconds); the run-time check covers what slips through.
   */
  private void admit(Quota quota, QuotaGroup group) {
    for (Map.Entry<String, Double> total : group.totalLimits().entrySet()) {
      Limit limit = quota.limit(total.getKey());
      if (limit == null) {
        continue;
      }
      double promised = index.promised(group.name(), total.getKey(), quota.agentId());
      double allowed = total.getValue() * group.overcommit();
      if (promised + limit.soft() > allowed) {
        throw new GovernorException(ErrorCode.ADMISSION_REFUSED, "group '" + group.name() + "' total for "
            + total.getKey() + " is " + fmt(total.getValue()) + " (overcommit " + group.overcommit() + "); its agents are"
            + " promised " + fmt(promised) + " (sum of soft limits), so a soft limit of " + fmt(limit.soft())
            + " does not fit");
      }
    }
  }

  private static String fmt(double v) {
    return v == Math.rint(v) ? String.valueOf((long) v) : String.valueOf(v);
  }

  private JsonObject indexed(Quota quota) {
    index.apply(quota);
    return quota.toJson();
  }

  private long now() {
    return node.clock().millis();
  }
}
