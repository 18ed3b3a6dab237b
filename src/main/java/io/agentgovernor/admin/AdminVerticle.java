package io.agentgovernor.admin;

import io.agentgovernor.admin.feed.FeedFilter;
import io.agentgovernor.admin.feed.FeedHub;
import io.agentgovernor.admin.feed.FeedLimits;
import io.agentgovernor.admin.metrics.GovernorMetrics;
import io.agentgovernor.bus.ErrorCode;
import io.agentgovernor.node.NodeContext;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import io.vertx.ext.web.handler.StaticHandler;
import io.vertx.micrometer.PrometheusScrapingHandler;
import io.vertx.micrometer.backends.BackendRegistries;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The admin part: the HTTP API under {@code /api/v1} ({@link ApiRoutes}, behind {@link AdminAuth}),
 * the live feed at {@code /api/v1/feed} ({@link FeedHub}), the OpenAPI document and its Swagger UI,
 * the dashboard at {@code /}, {@code /metrics}, {@code /health} and {@code /ready}.
 *
 * <p>Its deployment config is the {@code admin} section: {@code jwt} (see {@link JwtRoles}),
 * {@code feed} ({@link FeedLimits}), {@code metrics.perAgent}, {@code auditCapacity},
 * {@code authFailuresPerMinute}.
 */
public final class AdminVerticle extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(AdminVerticle.class);

  private final NodeContext node;
  private final TokenAuth tokens;
  private final Supplier<Boolean> ready;
  private HttpServer server;
  private FeedHub feed;
  private AdminAuth auth;

  public AdminVerticle(NodeContext node, TokenAuth tokens, Supplier<Boolean> ready) {
    this.node = node;
    this.tokens = tokens;
    this.ready = ready;
  }

  /** The port the server listens on (useful when configured as 0). */
  public int actualPort() {
    return server.actualPort();
  }

  @Override
  public Future<?> start() {
    JsonObject config = config();
    AuditLog audit = new AuditLog(config.getInteger("auditCapacity", 1000));
    auth = new AdminAuth(tokens, JwtRoles.create(vertx, config.getJsonObject("jwt")),
        new AuthFailureLimiter(config.getInteger("authFailuresPerMinute", 20), 10_000), audit, node.clock());
    feed = new FeedHub(vertx, node.clock(), FeedLimits.fromJson(config.getJsonObject("feed")));
    PrometheusMeterRegistry registry = registry();
    new GovernorMetrics(registry, node.nodeId(), node.hazelcast(), feed,
        config.getJsonObject("metrics", new JsonObject()).getBoolean("perAgent", false));
    return Future.all(OpenApiValidation.load(vertx), feed.start())
        .compose(v -> listen(router(v.resultAt(0), audit, registry)))
        .onFailure(e -> LOG.error("the admin part failed to start", e));
  }

  private Router router(OpenApiValidation validation, AuditLog audit, PrometheusMeterRegistry registry) {
    Router router = Router.router(vertx);
    router.get("/health").handler(this::health);
    router.get("/ready").handler(this::ready);
    router.get("/metrics").handler(PrometheusScrapingHandler.create(registry));
    router.get(ApiRoutes.BASE + "/openapi.yaml").handler(ctx -> ctx.response()
        .putHeader("content-type", "application/yaml").sendFile(OpenApiValidation.RESOURCE));
    router.get(ApiRoutes.BASE + "/docs").handler(ctx -> ctx.response()
        .putHeader("content-type", "text/html; charset=utf-8").sendFile("webroot/api-docs.html"));
    // The feed upgrades before any body handling; it authenticates like every API call.
    router.get(ApiRoutes.BASE + "/feed").handler(auth::handle).handler(this::openFeed);
    router.route("/api/*").handler(BodyHandler.create(false).setBodyLimit(node.config().bodyLimitBytes()));
    router.route(ApiRoutes.BASE + "/*").handler(auth::handle);
    new ApiRoutes(vertx, validation, audit).mount(router);
    router.route("/api/*").handler(ctx -> ApiErrors.send(ctx, ErrorCode.NOT_FOUND, "no such resource"));
    router.get("/webjars/*").handler(StaticHandler.create("META-INF/resources/webjars").setCachingEnabled(true));
    router.get("/*").handler(StaticHandler.create("webroot").setIndexPage("index.html"));
    router.route().failureHandler(ApiErrors::handle);
    router.errorHandler(404, ctx -> ApiErrors.send(ctx, ErrorCode.NOT_FOUND, "no such resource"));
    router.errorHandler(405, ctx -> ApiErrors.send(ctx, ErrorCode.INVALID_REQUEST, "method not allowed"));
    return router;
  }

  private Future<HttpServer> listen(Router router) {
    io.agentgovernor.cluster.TlsConfig tls = io.agentgovernor.cluster.TlsConfig.fromJson(
        config().getJsonObject("tls"), "admin.tls");
    io.vertx.core.http.HttpServerOptions options = new io.vertx.core.http.HttpServerOptions();
    if (tls.enabled()) {
      options.setSsl(true).setKeyCertOptions(tls.keyCert());
    }
    return vertx.createHttpServer(options)
        .requestHandler(router)
        .listen(node.config().httpPort(), node.config().httpHost())
        .onSuccess(s -> server = s);
  }

  /** Vert.x's own registry for this node (see ClusterSetup), or a private one when metrics are off. */
  private PrometheusMeterRegistry registry() {
    MeterRegistry shared = BackendRegistries.getNow(node.nodeId());
    return shared instanceof PrometheusMeterRegistry p ? p : new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  }

  private void openFeed(RoutingContext ctx) {
    FeedFilter filter = FeedFilter.fromQuery(ctx.request().getParam("types"), ctx.request().getParam("agents"));
    ctx.request().toWebSocket()
        .onSuccess(socket -> feed.accept(socket, filter))
        .onFailure(ctx::fail);
  }

  private void health(RoutingContext ctx) {
    json(ctx, 200, new JsonObject().put("status", "UP").put("node", node.nodeId()));
  }

  private void ready(RoutingContext ctx) {
    boolean up = ready.get() && node.hazelcast().getLifecycleService().isRunning();
    json(ctx, up ? 200 : 503, new JsonObject().put("status", up ? "READY" : "NOT_READY").put("node", node.nodeId())
        .put("members", node.hazelcast().getCluster().getMembers().size()));
  }

  static void json(RoutingContext ctx, int status, JsonObject body) {
    if (!ctx.response().ended()) {
      ctx.response().setStatusCode(status).putHeader("content-type", "application/json").end(body.encode());
    }
  }
}
