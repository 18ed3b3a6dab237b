package io.agentgovernor.admin;

import io.agentgovernor.bus.Addresses;
import io.agentgovernor.bus.ErrorCode;
import io.agentgovernor.bus.GovernorException;
import io.agentgovernor.bus.Ids;
import io.agentgovernor.node.NodeContext;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.util.function.Supplier;

/**
 * The admin part: the HTTP API under {@code /api/v1} (bearer tokens; viewers read, operators
 * write), {@code /health} and {@code /ready}. Each route turns the request into an event-bus
 * request to the part that owns the data and its reply into JSON; failures of every kind end in
 * {@link ApiErrors}.
 */
public final class AdminVerticle extends VerticleBase {

  private static final long REQUEST_TIMEOUT_MS = 10_000;

  private final NodeContext node;
  private final TokenAuth auth;
  private final Supplier<Boolean> ready;
  private HttpServer server;

  public AdminVerticle(NodeContext node, TokenAuth auth, Supplier<Boolean> ready) {
    this.node = node;
    this.auth = auth;
    this.ready = ready;
  }

  /** The port the server listens on (useful when configured as 0). */
  public int actualPort() {
    return server.actualPort();
  }

  @Override
  public Future<?> start() {
    Router router = Router.router(vertx);
    router.route().handler(BodyHandler.create(false).setBodyLimit(node.config().bodyLimitBytes()));
    router.get("/health").handler(this::health);
    router.get("/ready").handler(this::ready);
    router.route("/api/v1/*").handler(this::authenticate);

    router.get("/api/v1/groups").handler(ctx -> forward(ctx, Addresses.GROUP_LIST, new JsonObject()));
    router.get("/api/v1/groups/:name").handler(ctx -> forward(ctx, Addresses.GROUP_GET, name(ctx)));
    router.put("/api/v1/groups/:name").handler(this::putGroup);
    router.get("/api/v1/quotas").handler(this::listQuotas);
    router.get("/api/v1/quotas/:agentId").handler(ctx -> forward(ctx, Addresses.QUOTA_GET, agent(ctx)));
    router.put("/api/v1/quotas/:agentId").handler(this::putQuota);
    router.delete("/api/v1/quotas/:agentId").handler(ctx -> forward(ctx, Addresses.QUOTA_DELETE, agent(ctx)));
    router.get("/api/v1/nodes").handler(ctx -> forward(ctx, Addresses.CAPACITY_NODES, new JsonObject()));

    router.route("/api/*").handler(ctx -> ApiErrors.send(ctx, ErrorCode.NOT_FOUND, "no such resource"));
    router.route().failureHandler(ApiErrors::handle);
    router.errorHandler(404, ctx -> ApiErrors.send(ctx, ErrorCode.NOT_FOUND, "no such resource"));
    router.errorHandler(405, ctx -> ApiErrors.send(ctx, ErrorCode.INVALID_REQUEST, "method not allowed"));

    return vertx.createHttpServer()
        .requestHandler(router)
        .listen(node.config().httpPort(), node.config().httpHost())
        .onSuccess(s -> server = s);
  }

  private void health(RoutingContext ctx) {
    json(ctx, 200, new JsonObject().put("status", "UP").put("node", node.nodeId()));
  }

  private void ready(RoutingContext ctx) {
    boolean up = ready.get() && node.hazelcast().getLifecycleService().isRunning();
    json(ctx, up ? 200 : 503, new JsonObject().put("status", up ? "READY" : "NOT_READY").put("node", node.nodeId())
        .put("members", node.hazelcast().getCluster().getMembers().size()));
  }

  private void authenticate(RoutingContext ctx) {
    String token = TokenAuth.bearer(ctx.request().getHeader("Authorization"));
    if (token == null) {
      token = ctx.request().getParam("token");
    }
    Role role = auth.authenticate(token);
    if (role == null) {
      ctx.response().putHeader("WWW-Authenticate", "Bearer realm=\"agent-governor\"");
      ApiErrors.send(ctx, ErrorCode.UNAUTHORIZED, "a valid bearer token is required");
      return;
    }
    if (ctx.request().method() != HttpMethod.GET && ctx.request().method() != HttpMethod.HEAD && !role.mayWrite()) {
      ApiErrors.send(ctx, ErrorCode.FORBIDDEN, "this token may only read");
      return;
    }
    ctx.put("role", role);
    ctx.next();
  }

  private void putGroup(RoutingContext ctx) {
    JsonObject body = body(ctx);
    String name = name(ctx).getString("name");
    if (body.containsKey("name") && !name.equals(body.getValue("name"))) {
      throw GovernorException.invalid("the body names group '" + body.getValue("name") + "' but the path '" + name + "'");
    }
    forward(ctx, Addresses.GROUP_PUT, body.put("name", name));
  }

  private void listQuotas(RoutingContext ctx) {
    JsonObject request = new JsonObject();
    pageParams(ctx, request);
    String group = ctx.request().getParam("group");
    if (group != null) {
      request.put("group", Ids.require(group, "group"));
    }
    forward(ctx, Addresses.QUOTA_LIST, request);
  }

  private void putQuota(RoutingContext ctx) {
    JsonObject body = body(ctx);
    String agentId = agent(ctx).getString("agentId");
    if (body.containsKey("agentId") && !agentId.equals(body.getValue("agentId"))) {
      throw GovernorException.invalid("the body names agent '" + body.getValue("agentId") + "' but the path '" + agentId + "'");
    }
    String ifMatch = ctx.request().getHeader("If-Match");
    if (ifMatch != null && !body.containsKey("version")) {
      body.put("version", parseLong(ifMatch.replace("\"", ""), "If-Match"));
    }
    forward(ctx, Addresses.QUOTA_UPDATE, body.put("agentId", agentId).put("upsert", true));
  }

  static void pageParams(RoutingContext ctx, JsonObject request) {
    String offset = ctx.request().getParam("offset");
    String limit = ctx.request().getParam("limit");
    if (offset != null) {
      request.put("offset", parseLong(offset, "offset"));
    }
    if (limit != null) {
      request.put("limit", parseLong(limit, "limit"));
    }
  }

  private static long parseLong(String text, String what) {
    try {
      return Long.parseLong(text.trim());
    } catch (NumberFormatException e) {
      throw GovernorException.invalid(what + " must be a whole number");
    }
  }

  private static JsonObject body(RoutingContext ctx) {
    if (ctx.body() == null || ctx.body().isEmpty()) {
      throw GovernorException.invalid("a JSON object body is required");
    }
    Object value;
    try {
      value = io.vertx.core.json.Json.decodeValue(ctx.body().buffer());
    } catch (io.vertx.core.json.DecodeException e) {
      throw GovernorException.invalid("the body is not valid JSON");
    }
    if (!(value instanceof JsonObject json)) {
      throw GovernorException.invalid("the body must be a JSON object");
    }
    return json;
  }

  private static JsonObject agent(RoutingContext ctx) {
    return new JsonObject().put("agentId", Ids.require(ctx.pathParam("agentId"), "agent id"));
  }

  private static JsonObject name(RoutingContext ctx) {
    return new JsonObject().put("name", Ids.require(ctx.pathParam("name"), "group name"));
  }

  /** Sends the request to the owning part and answers with its reply (201 for a PUT that created). */
  private void forward(RoutingContext ctx, String address, JsonObject request) {
    vertx.eventBus().<JsonObject>request(address, request, new DeliveryOptions().setSendTimeout(REQUEST_TIMEOUT_MS))
        .onSuccess(reply -> json(ctx, 200, reply.body()))
        .onFailure(ctx::fail);
  }

  private static void json(RoutingContext ctx, int status, JsonObject body) {
    if (!ctx.response().ended()) {
      ctx.response().setStatusCode(status).putHeader("content-type", "application/json").end(body.encode());
    }
  }
}
