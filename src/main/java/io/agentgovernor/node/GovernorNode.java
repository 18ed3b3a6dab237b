package io.agentgovernor.node;

import io.agentgovernor.admin.AdminVerticle;
import io.agentgovernor.analytics.AnalyticsVerticle;
import io.agentgovernor.agent.AgentTypes;
import io.agentgovernor.agent.LocalAgents;
import io.agentgovernor.agent.Registry;
import io.agentgovernor.agent.RuntimeContext;
import io.agentgovernor.agent.AgentRuntime;
import io.agentgovernor.bridge.BridgeVerticle;
import io.agentgovernor.demo.DemoVerticle;
import io.agentgovernor.degradation.DegradationVerticle;
import io.agentgovernor.enforcement.EnforcementVerticle;
import io.agentgovernor.monitor.MonitorVerticle;
import io.agentgovernor.monitor.SampleBatch;
import io.vertx.core.ThreadingModel;
import io.agentgovernor.admin.TokenAuth;
import io.agentgovernor.capacity.CapacityVerticle;
import io.agentgovernor.cluster.ClusterSetup;
import io.agentgovernor.cluster.NodeLease;
import io.agentgovernor.bus.GovernorException;
import io.agentgovernor.config.ConfigException;
import io.agentgovernor.config.NodeConfig;
import io.agentgovernor.quota.QuotaConfig;
import io.agentgovernor.quota.QuotaIndex;
import io.agentgovernor.cluster.TlsConfig;
import io.agentgovernor.degradation.DegradationSettings;
import io.agentgovernor.reliability.FailoverVerticle;
import io.agentgovernor.store.Database;
import io.agentgovernor.store.StoreConfig;
import io.agentgovernor.budget.Budgets;
import io.agentgovernor.quota.Quotas;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import java.time.Clock;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One governor node: a clustered Vert.x on Hazelcast with every part deployed. {@link #start}
 * completes once the node serves; {@link #close} leaves the cluster.
 */
public final class GovernorNode {

  private static final Logger LOG = LoggerFactory.getLogger(GovernorNode.class);
  /** How long a starting node may run agents before its lease keeper (the failover part) takes over. */
  private static final long STARTING_LEASE_MS = 120_000;

  private final Vertx vertx;
  private final NodeServices context;
  private final AdminVerticle admin;
  private final AtomicBoolean ready;
  private final String generatedToken;
  private final Parts parts;
  private Database store;

  private GovernorNode(Vertx vertx, NodeServices context, AdminVerticle admin, AtomicBoolean ready,
                       String generatedToken, Parts parts) {
    this.parts = parts;
    this.vertx = vertx;
    this.context = context;
    this.admin = admin;
    this.ready = ready;
    this.generatedToken = generatedToken;
  }

  /** Starts a node: checks every section, joins the cluster, deploys every part, then listens for HTTP. */
  public static Future<GovernorNode> start(NodeConfig config) {
    Database store;
    try {
      validate(config);
      store = openStore(config);
    } catch (RuntimeException e) {
      return Future.failedFuture(e);
    }
    HazelcastClusterManager clusterManager = MemberSetup.clusterManager(config, store);
    return Vertx.builder()
        .with(ClusterSetup.vertxOptions(config))
        .withClusterManager(clusterManager)
        .buildClustered()
        .compose(vertx -> deployParts(vertx, config, clusterManager)
            .map(node -> node.withStore(store))
            .recover(failure -> {
              // logged here: the close below may end the event loop before the failure reaches the caller
              LOG.error("node start failed, closing: {}", String.valueOf(failure));
              return vertx.close().transform(v -> Future.failedFuture(failure));
            }))
        .onFailure(e -> {
          if (store != null) {
            store.close();
          }
        });
  }

  /**
   * Checks the section of every part ({@link NodeConfig#fromJson} checks only the node's own fields:
   * the settings types live in the parts, and {@code config} depends on none of them), so that a bad
   * value stops the node before it opens its store or joins a cluster instead of failing a part's
   * start afterwards. Throws a {@link ConfigException} of one line naming the section and the fault.
   */
  public static void validate(NodeConfig config) {
    check("quota", () -> QuotaConfig.fromJson(config.section("quota")));
    check("store", () -> StoreConfig.of(config));
    check("cluster", () -> TlsConfig.fromJson(config.section("cluster").getJsonObject("tls"), "cluster.tls"));
    check("admin", () -> TlsConfig.fromJson(config.section("admin").getJsonObject("tls"), "admin.tls"));
    check("degradation", () -> DegradationSettings.fromJson(config.section("degradation")));
    check("bridge", () -> io.agentgovernor.bridge.BridgeConfig.fromJson(config.section("bridge")));
    check("process", () -> io.agentgovernor.bridge.ProcessConfig.fromJson(config.section("process")));
    check("agents", () -> AgentRuntime.validate(config.section("agents")));
    check("enforcement", () -> EnforcementVerticle.validate(config.section("enforcement"), config.section("quota")));
    check("analytics", () -> AnalyticsVerticle.validate(analyticsSection(config)));
    check("monitor", () -> MonitorVerticle.validate(config.section("monitor")));
    check("failover", () -> FailoverVerticle.validate(config.section("failover")));
    check("capacity", () -> CapacityVerticle.validate(config.section("capacity")));
    check("admin", () -> AdminVerticle.validate(config.section("admin")));
    check("budgets", () -> io.agentgovernor.budget.BudgetConfig.fromJson(config.section("budgets")));
  }

  private static void check(String section, Runnable validation) {
    try {
      validation.run();
    } catch (GovernorException | IllegalArgumentException e) {
      String message = String.valueOf(e.getMessage());
      throw new ConfigException("configuration: " + (message.startsWith(section) ? "" : section + ": ") + message);
    } catch (ClassCastException e) {
      throw new ConfigException("configuration: " + section + ": a value has the wrong type");
    }
  }

  /** The store of the configuration, opened and migrated; null when it is memory only. Blocking. */
  private static Database openStore(NodeConfig config) {
    StoreConfig storeConfig = StoreConfig.of(config);
    if (storeConfig.kind() == StoreConfig.Kind.NONE) {
      LOG.warn("store: memory only; quotas and registrations survive a member's loss, not a full stop");
      return null;
    }
    return Database.open(storeConfig);
  }

  private GovernorNode withStore(Database store) {
    this.store = store;
    io.micrometer.core.instrument.MeterRegistry metrics = io.vertx.micrometer.backends.BackendRegistries.getNow(nodeId());
    if (store != null && metrics != null) {
      store.bindMetrics(metrics);
    }
    return this;
  }

  private static Future<GovernorNode> deployParts(Vertx vertx, NodeConfig config, HazelcastClusterManager manager) {
    NodeServices context = new NodeServices(config, manager.getHazelcastInstance(), new QuotaIndex(),
        new LocalAgents(), Registry.create(manager.getHazelcastInstance()), new AgentTypes(), Clock.systemUTC(),
        new NodeLease(STARTING_LEASE_MS));
    String generated = config.adminToken().isEmpty() ? TokenAuth.generateToken() : null;
    TokenAuth auth = new TokenAuth(generated != null ? generated : config.adminToken(), config.viewerToken());
    AtomicBoolean ready = new AtomicBoolean();
    AdminVerticle admin = new AdminVerticle(context, auth, ready::get);
    vertx.eventBus().registerCodec(new SampleBatch.LocalCodec());
    Parts parts = new Parts(vertx);
    return parts.deploy(Quotas.verticle(context), config.section("quota"))
        .compose(v -> parts.deploy(Budgets.verticle(context), config.section("budgets")))
        // the runtime and failover block on Hazelcast from a pool of their own, so a burst of quota
        // writes stuck on a dead member's partitions cannot delay restarting its agents
        .compose(v -> parts.deploy(AgentRuntime.verticle(context), new DeploymentOptions()
            .setConfig(config.section("agents")).setWorkerPoolName("governor-agents").setWorkerPoolSize(8)))
        .compose(v -> parts.deploy(new EnforcementVerticle(context), config.section("enforcement")))
        .compose(v -> parts.deploy(new AnalyticsVerticle(context), analyticsSection(config)))
        .compose(v -> parts.deploy(new DegradationVerticle(context), new DeploymentOptions()
            .setConfig(config.section("degradation")).setThreadingModel(ThreadingModel.WORKER)
            .setWorkerPoolName(DegradationVerticle.POOL).setWorkerPoolSize(DegradationVerticle.POOL_SIZE)))
        .compose(v -> parts.deploy(new MonitorVerticle(context), new DeploymentOptions()
            .setConfig(config.section("monitor")).setThreadingModel(ThreadingModel.WORKER)))
        .compose(v -> parts.deploy(new FailoverVerticle(context), new DeploymentOptions()
            .setConfig(config.section("failover")).setWorkerPoolName("governor-failover").setWorkerPoolSize(4)))
        .compose(v -> {
          if (bridgeEnabled(config)) {
            return parts.deploy(new BridgeVerticle(context), config.section("bridge"));
          }
          io.agentgovernor.bridge.ProcessAgents.registerWithoutBridge(vertx, context);
          return Future.succeededFuture();
        })
        .compose(v -> parts.deploy(admin, config.section("admin")))
        .compose(v -> parts.deploy(new CapacityVerticle(context),
            config.section("capacity").put("httpPort", admin.actualPort())))
        .compose(v -> config.demo() ? parts.deploy(new DemoVerticle(context), new JsonObject())
            : Future.succeededFuture())
        .map(v -> {
          ready.set(true);
          return new GovernorNode(vertx, context, admin, ready, generated, parts);
        });
  }

  /** With {@code --demo} the analysis runs every 30 s (not 5 min), so recommendations show up quickly. */
  private static JsonObject analyticsSection(NodeConfig config) {
    JsonObject analytics = config.section("analytics");
    if (config.demo() && analytics.getLong("intervalMs", 300_000L) == 300_000L) {
      analytics.put("intervalMs", 30_000);
    }
    return analytics;
  }

  private static boolean bridgeEnabled(NodeConfig config) {
    return io.agentgovernor.bridge.BridgeConfig.fromJson(config.section("bridge")).serves();
  }

  /** Deploys the parts in order and remembers each one's deployment, by the part's class name. */
  private static final class Parts {
    private final Vertx vertx;
    private final java.util.Map<String, String> deployments = new java.util.concurrent.ConcurrentHashMap<>();

    Parts(Vertx vertx) {
      this.vertx = vertx;
    }

    Future<String> deploy(io.vertx.core.Deployable part, JsonObject config) {
      return deploy(part, new DeploymentOptions().setConfig(config));
    }

    Future<String> deploy(io.vertx.core.Deployable part, DeploymentOptions options) {
      return vertx.deployVerticle(part, options).onSuccess(id -> deployments.put(part.getClass().getSimpleName(), id));
    }
  }

  /**
   * Stops one part (e.g. {@code "DegradationVerticle"}) while the node goes on: its requests then
   * fail as unavailable. For tests of that path, and for an operator isolating a misbehaving part.
   */
  public Future<Void> stopPart(String partClassName) {
    String id = parts.deployments.remove(partClassName);
    return id == null ? Future.failedFuture("no running part " + partClassName) : vertx.undeploy(id);
  }

  public Vertx vertx() {
    return vertx;
  }

  /** What the node shares with its parts (their read models, its Hazelcast member): for tests and embedding. */
  public RuntimeContext context() {
    return context;
  }

  public String nodeId() {
    return context.nodeId();
  }

  public int httpPort() {
    return admin.actualPort();
  }

  /** The operator token generated at start when none was configured, or null. */
  public String generatedToken() {
    return generatedToken;
  }

  /** The Hazelcast port this member listens on (after auto-increment). */
  public int clusterPort() {
    return context.hazelcast().getCluster().getLocalMember().getAddress().getPort();
  }

  /** The line a node prints once it serves; scripts and tests wait for it. */
  public String readyLine() {
    return "governor node " + nodeId() + " ready http=" + httpPort();
  }

  /** Undeploys every part and leaves the cluster. */
  public Future<Void> close() {
    ready.set(false);
    LOG.info("node {} stopping", nodeId());
    return vertx.close().eventually(() -> {
      if (store != null) {
        store.close();
      }
      return Future.succeededFuture();
    });
  }
}
