package io.agentgovernor.admin;

import io.agentgovernor.admin.feed.FeedFilter;
import io.agentgovernor.admin.feed.FeedHub;
import io.agentgovernor.admin.feed.FeedLimits;
import io.agentgovernor.admin.metrics.GovernorMetrics;
import io.agentgovernor.bus.ErrorCode;
import io.agentgovernor.spi.NodeContext;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
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

  /** Checks the {@code admin} section (the JWT key's own format is checked when the part starts); throws naming the fault. */
  public static void validate(JsonObject admin) {
    io.agentgovernor.bus.Json.optLong(admin, "auditCapacity", "admin", 1, 10_000_000);
    io.agentgovernor.bus.Json.optLong(admin, "authFailuresPerMinute", "admin", 1, Integer.MAX_VALUE);
    JsonObject jwt = io.agentgovernor.bus.Json.optObject(admin, "jwt", "admin");
    if (jwt != null && !jwt.isEmpty()) {
      JwtRoles.key(jwt);
    }
    FeedLimits.fromJson(io.agentgovernor.bus.Json.optObject(admin, "feed", "admin"));
    JsonObject metrics = io.agentgovernor.bus.Json.optObject(admin, "metrics", "admin");
    if (metrics != null) {
      io.agentgovernor.bus.Json.optBoolean(metrics, "perAgent", "admin.metrics");
    }
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
    router.route("/api/*").handler(AdminVerticle::refuseForms);
    router.route("/api/*").handler(BodyHandler.create(false).setBodyLimit(node.config().bodyLimitBytes()));
    router.route(ApiRoutes.BASE + "/*").handler(auth::handle);
    new ApiRoutes(vertx, validation, audit).mount(router);
    router.route("/api/*").handler(ctx -> ApiErrors.send(ctx, ErrorCode.NOT_FOUND, "no such resource"));
    router.get("/webjars/*").handler(StaticHandler.create("META-INF/resources/webjars").setCachingEnabled(true));
    router.get("/*").handler(StaticHandler.create("webroot").setIndexPage("index.html"));
    router.route().failureHandler(ApiErrors::handle);
    router.errorHandler(400, ctx -> ApiErrors.send(ctx, ErrorCode.INVALID_REQUEST, "bad request"));
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
        .invalidRequestHandler(AdminVerticle::invalidRequest)
        .requestHandler(request -> {
          // The router normalises the path while matching routes and throws on a malformed
          // percent-escape (%zz, a lone %), which would end as a 500: refuse it here as a 400.
          if (ApiErrors.hasBadEscape(request.path())) {
            ApiErrors.sendPlain(request.response(), 400, ErrorCode.INVALID_REQUEST, "the path has a malformed %-escape");
          } else {
            router.handle(request);
          }
        })
        .listen(node.config().httpPort(), node.config().httpHost())
        .onSuccess(s -> server = s);
  }

  /** Vert.x's own registry for this node (see ClusterSetup), or a private one when metrics are off. */
  private PrometheusMeterRegistry registry() {
    MeterRegistry shared = BackendRegistries.getNow(node.nodeId());
    return shared instanceof PrometheusMeterRegistry p ? p : new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  }

  /**
   * What the HTTP decoder could not parse (a request line or header past the limits, an invalid
   * header): answered in the API's JSON error shape instead of Vert.x's bare status, keeping the
   * status that says what was wrong (414, 431, 400).
   */
  private static void invalidRequest(HttpServerRequest request) {
    Throwable cause = request.decoderResult().cause();
    int status = cause instanceof TooLongHttpLineException ? 414 : cause instanceof TooLongHttpHeaderException ? 431 : 400;
    String message = switch (status) {
      case 414 -> "the request line is too long";
      case 431 -> "the request headers are too large";
      default -> "the request is not valid HTTP";
    };
    ApiErrors.sendPlain(request.response(), status, ErrorCode.INVALID_REQUEST, message);
  }

  /**
   * The API speaks JSON only. A form or multipart content type would make the BodyHandler decode
   * the body as a form, which fails with an IllegalStateException on GET and with an oversized
   * field on long ones (both 500s): refuse those types up front with 415.
   */
  private static void refuseForms(RoutingContext ctx) {
    String type = ctx.request().getHeader(HttpHeaders.CONTENT_TYPE);
    String lower = type == null ? "" : type.trim().toLowerCase(java.util.Locale.ROOT);
    if (lower.startsWith("multipart/") || lower.startsWith("application/x-www-form-urlencoded")) {
      ApiErrors.send(ctx, ErrorCode.UNSUPPORTED_MEDIA_TYPE, "the body must be application/json");
      return;
    }
    ctx.next();
  }

  private void openFeed(RoutingContext ctx) {
    FeedFilter filter = FeedFilter.fromQuery(ctx.request().getParam("types"), ctx.request().getParam("agents"));
    String upgrade = ctx.request().getHeader(HttpHeaders.UPGRADE);
    if (upgrade == null || !upgrade.equalsIgnoreCase("websocket")) {
      ApiErrors.send(ctx, ErrorCode.INVALID_REQUEST, "the feed is a WebSocket: send an upgrade request");
      return;
    }
    ctx.request().toWebSocket()
        .onSuccess(socket -> feed.accept(socket, filter))
        .onFailure(e -> ApiErrors.send(ctx, ErrorCode.INVALID_REQUEST, "WebSocket handshake refused"));
  }

  private void health(RoutingContext ctx) {
    json(ctx, 200, new JsonObject().put("status", "UP").put("node", node.nodeId()));
  }

  /**
   * Ready: the node serves, holds its lease (a majority counts it as a member) and the cluster is
   * safe (every partition's backups in sync: not in the middle of a merge or of re-creating the
   * backups a lost member held). A node that is not ready still answers what it can.
   */
  private void ready(RoutingContext ctx) {
    boolean up = ready.get() && node.hazelcast().getLifecycleService().isRunning();
    boolean lease = node.lease().holds(System.nanoTime());
    vertx.executeBlocking(() -> up && node.hazelcast().getPartitionService().isClusterSafe(), false)
        .recover(e -> Future.succeededFuture(false))
        .onSuccess(safe -> {
          boolean all = up && lease && safe;
          json(ctx, all ? 200 : 503, new JsonObject().put("status", all ? "READY" : "NOT_READY").put("node", node.nodeId())
              .put("members", node.hazelcast().getCluster().getMembers().size()).put("lease", lease).put("clusterSafe", safe));
        });
  }

  static void json(RoutingContext ctx, int status, JsonObject body) {
    if (!ctx.response().ended()) {
      ctx.response().setStatusCode(status).putHeader("content-type", "application/json").end(body.encode());
    }
  }
}
