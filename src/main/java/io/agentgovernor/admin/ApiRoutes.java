package io.agentgovernor.admin;

import static io.agentgovernor.bus.Addresses.*;
import static io.vertx.core.http.HttpMethod.DELETE;
import static io.vertx.core.http.HttpMethod.GET;
import static io.vertx.core.http.HttpMethod.POST;
import static io.vertx.core.http.HttpMethod.PUT;

import io.agentgovernor.bus.GovernorException;
import io.agentgovernor.bus.Handlers;
import io.agentgovernor.bus.LocalFirst;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Route;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.List;

/**
 * The REST resources under {@code /api/v1}, each mapped onto one event-bus request of
 * {@link io.agentgovernor.bus.Addresses} (see {@code openapi.yaml} for the HTTP contract). Every
 * route checks its path ids, is validated against the OpenAPI operation it names, turns the
 * request into the address's JSON request and answers with the reply; failures end in
 * {@link ApiErrors}.
 */
final class ApiRoutes {

  static final String BASE = "/api/v1";
  private static final long REQUEST_TIMEOUT_MS = 10_000;

  private final Vertx vertx;
  private final OpenApiValidation validation;
  private final AuditLog audit;

  ApiRoutes(Vertx vertx, OpenApiValidation validation, AuditLog audit) {
    this.vertx = vertx;
    this.validation = validation;
    this.audit = audit;
  }

  /** Declares every API route (authentication is in front, mounted by the caller). */
  void mount(Router router) {
    on(router, GET, "/groups", "listGroups", ctx -> forward(ctx, GROUP_LIST, new JsonObject()));
    on(router, GET, "/groups/:name", "getGroup", ctx -> forward(ctx, GROUP_GET, named(ctx)));
    on(router, PUT, "/groups/:name", "putGroup", this::putGroup);
    on(router, GET, "/quotas", "listQuotas", ctx -> forward(ctx, QUOTA_LIST, Params.optId(ctx, "group", "group", Params.page(ctx, new JsonObject()))));
    on(router, GET, "/quotas/:agentId", "getQuota", ctx -> forward(ctx, QUOTA_GET, quotaAgent(ctx)));
    on(router, PUT, "/quotas/:agentId", "putQuota", this::putQuota);
    on(router, DELETE, "/quotas/:agentId", "deleteQuota", ctx -> forward(ctx, QUOTA_DELETE, quotaAgent(ctx)));

    on(router, GET, "/agents", "listAgents", this::listAgents);
    on(router, POST, "/agents", "deployAgent", ctx -> forward(ctx, AGENT_DEPLOY, deployRequest(ctx), 201));
    on(router, GET, "/agents/:id", "getAgent", ctx -> forward(ctx, AGENT_GET, agentId(ctx)));
    on(router, DELETE, "/agents/:id", "undeployAgent", this::undeployAgent);
    on(router, GET, "/agents/:id/usage", "getUsage", ctx -> forward(ctx, MONITOR_USAGE, Params.agent(ctx)));
    on(router, GET, "/agents/:id/measurements", "getMeasurements", this::measurements);
    on(router, GET, "/agents/:id/compliance", "getCompliance", ctx -> forward(ctx, MONITOR_COMPLIANCE, Params.agent(ctx)));
    on(router, GET, "/agents/:id/enforcement", "getEnforcement", ctx -> forward(ctx, ENFORCEMENT_HISTORY, Params.page(ctx, Params.agent(ctx))));
    on(router, POST, "/agents/:id/actions/:action", "runAction", this::action);
    on(router, GET, "/agents/:id/patterns", "getPatterns", ctx -> forward(ctx, ANALYTICS_PATTERNS, Params.agent(ctx)));
    on(router, GET, "/agents/:id/recommendations", "getRecommendations", ctx -> forward(ctx, ANALYTICS_RECOMMENDATIONS, Params.agent(ctx)));
    on(router, POST, "/agents/:id/recommendations/:rid/apply", "applyRecommendation", ctx -> forward(ctx, ANALYTICS_APPLY,
        Params.agent(ctx).put("recommendationId", Params.path(ctx, "rid"))));
    on(router, POST, "/agents/:id/messages", "sendMessage", ctx -> forward(ctx, AGENT_SEND, agentId(ctx).put("body", Params.body(ctx)), 202));
    on(router, GET, "/agent-types", "listAgentTypes", ctx -> forward(ctx, AGENT_TYPES, new JsonObject()));

    on(router, GET, "/reports", "getReport", this::report);
    on(router, GET, "/nodes", "listNodes", ctx -> forward(ctx, CAPACITY_NODES, new JsonObject()));
    on(router, GET, "/degradation", "getDegradation", ctx -> forward(ctx, DEGRADATION_STATUS, new JsonObject()));
    on(router, GET, "/recovery", "getRecovery", ctx -> forward(ctx, RECOVERY_STATUS, new JsonObject()));
    on(router, GET, "/audit", "getAudit", AdminAuth::requireOperator, this::auditPage);

    on(router, GET, "/budgets", "listBudgets", ctx -> forward(ctx, BUDGET_LIST, new JsonObject()));
    on(router, POST, "/budgets", "createBudget", ctx -> forward(ctx, BUDGET_CREATE, Params.body(ctx), 201));
    on(router, GET, "/budgets/:id", "getBudget", ctx -> forward(ctx, BUDGET_GET, agentId(ctx)));
    on(router, GET, "/budgets/:id/history", "getBudgetHistory", ctx -> forward(ctx, BUDGET_HISTORY, agentId(ctx)));
    on(router, PUT, "/budgets/:id", "putBudget", ctx -> forward(ctx, BUDGET_PUT, samePathId(ctx, "id", Params.body(ctx))));
    on(router, DELETE, "/budgets/:id", "deleteBudget", ctx -> forward(ctx, BUDGET_DELETE, agentId(ctx)));
    on(router, GET, "/tenants", "listTenants", ctx -> forward(ctx, TENANT_LIST, new JsonObject()));
    on(router, GET, "/tenants/:name", "getTenant", ctx -> forward(ctx, TENANT_GET, named(ctx)));
    on(router, PUT, "/tenants/:name", "putTenant", ctx -> forward(ctx, TENANT_PUT, sameName(ctx, "tenant")));
    on(router, DELETE, "/tenants/:name", "deleteTenant", ctx -> forward(ctx, TENANT_DELETE, named(ctx)));
    on(router, POST, "/reservations", "createReservation", this::reserve);
    on(router, POST, "/reservations/:id/commit", "commitReservation", ctx -> forward(ctx, BUDGET_SETTLE,
        agentId(ctx).put("actual", Params.body(ctx).getValue("actual"))));
    on(router, POST, "/reservations/:id/release", "releaseReservation", ctx -> forward(ctx, BUDGET_SETTLE, agentId(ctx)));
  }

  /**
   * Fields only the governor's own deploys carry: a migration's state and source node, a restart's
   * compare-and-set on the lost registration, whether the quota was made with the agent. From the
   * API they would bypass the migration and failover protocols (a state injected; with
   * {@code migrateFrom} naming its node, a live agent's registration taken over without the
   * migration that hands over its state and inbox), so a deploy naming one is refused and changes
   * nothing.
   */
  private static final List<String> INTERNAL_DEPLOY_FIELDS = List.of("snapshot", "migrateFrom", "replaces",
      "quotaCreated");

  private static JsonObject deployRequest(RoutingContext ctx) {
    JsonObject body = Params.body(ctx);
    for (String field : INTERNAL_DEPLOY_FIELDS) {
      if (body.containsKey(field)) {
        throw GovernorException.invalid("'" + field + "' is set by the governor's own migrations and restarts, "
            + "not accepted from the API");
      }
    }
    return body;
  }

  private static JsonObject samePathId(RoutingContext ctx, String field, JsonObject body) {
    String id = Params.path(ctx, "id");
    if (body.containsKey(field) && !id.equals(body.getValue(field))) {
      throw GovernorException.invalid("the body names '" + body.getValue(field) + "' but the path '" + id + "'");
    }
    return body.put(field, id);
  }

  /** 201 with the reservation when granted; 409 {@code budget_exhausted} with the denial when refused. */
  private void reserve(RoutingContext ctx) {
    JsonObject body = Params.body(ctx);
    long waitMs = Boolean.TRUE.equals(body.getValue("wait")) && body.getValue("waitMs") instanceof Number n
        ? Math.max(0, Math.min(n.longValue(), 600_000)) : Boolean.TRUE.equals(body.getValue("wait")) ? 120_000 : 0;
    vertx.eventBus().<JsonObject>request(BUDGET_RESERVE, body, Handlers.withDeadline(REQUEST_TIMEOUT_MS + waitMs))
        .onSuccess(m -> {
          JsonObject r = m.body();
          if ("granted".equals(r.getString("status"))) {
            AdminVerticle.json(ctx, 201, r);
          } else {
            AdminVerticle.json(ctx, 409, new JsonObject().put("error", io.agentgovernor.bus.ErrorCode.BUDGET_EXHAUSTED.wireName())
                .put("message", r.getString("message")).put("denial", r.getJsonObject("denial")));
          }
        })
        .onFailure(ctx::fail);
  }

  @SafeVarargs
  private void on(Router router, HttpMethod method, String path, String operationId, Handler<RoutingContext>... handlers) {
    Route route = router.route(method, BASE + path).handler(Params::checkPathIds).handler(validation.handler(operationId));
    for (Handler<RoutingContext> handler : handlers) {
      route.handler(handler);
    }
  }

  private void putGroup(RoutingContext ctx) {
    forward(ctx, GROUP_PUT, sameName(ctx, "group"));
  }

  /** The body, named as the path names it (a body naming another is refused). */
  private static JsonObject sameName(RoutingContext ctx, String what) {
    JsonObject body = Params.body(ctx);
    String name = Params.path(ctx, "name");
    if (body.containsKey("name") && !name.equals(body.getValue("name"))) {
      throw GovernorException.invalid("the body names " + what + " '" + body.getValue("name") + "' but the path '" + name + "'");
    }
    return body.put("name", name);
  }

  private void putQuota(RoutingContext ctx) {
    JsonObject body = Params.body(ctx);
    String agentId = Params.path(ctx, "agentId");
    if (body.containsKey("agentId") && !agentId.equals(body.getValue("agentId"))) {
      throw GovernorException.invalid("the body names agent '" + body.getValue("agentId") + "' but the path '" + agentId + "'");
    }
    String ifMatch = ctx.request().getHeader("If-Match");
    if (ifMatch != null && !body.containsKey("version")) {
      body.put("version", Params.parseLong(ifMatch.replace("\"", ""), "If-Match"));
    }
    forward(ctx, QUOTA_UPDATE, body.put("agentId", agentId).put("upsert", true));
  }

  private void listAgents(RoutingContext ctx) {
    JsonObject request = Params.page(ctx, new JsonObject());
    for (String filter : new String[] {"node", "group", "state", "type"}) {
      Params.optId(ctx, filter, filter, request);
    }
    forward(ctx, AGENT_LIST, request);
  }

  private void undeployAgent(RoutingContext ctx) {
    JsonObject request = agentId(ctx);
    String keep = ctx.request().getParam("keepQuota");
    if (keep != null) {
      request.put("keepQuota", Boolean.parseBoolean(keep));
    }
    forward(ctx, AGENT_UNDEPLOY, request);
  }

  private void measurements(RoutingContext ctx) {
    JsonObject request = Params.range(ctx, Params.agent(ctx));
    Params.optId(ctx, "resource", "resource", request);
    forward(ctx, MONITOR_MEASUREMENTS, request);
  }

  private void action(RoutingContext ctx) {
    JsonObject body = Params.optBody(ctx);
    JsonObject request = Params.agent(ctx).put("action", Params.path(ctx, "action"));
    if (body.getValue("params") != null) {
      request.put("params", body.getValue("params"));
    }
    if (body.getValue("reason") != null) {
      request.put("reason", body.getValue("reason"));
    }
    forward(ctx, ENFORCEMENT_ACTION, request);
  }

  private void report(RoutingContext ctx) {
    JsonObject request = Params.range(ctx, Params.optId(ctx, "agent", "agentId", new JsonObject()));
    String accept = ctx.request().getHeader("Accept");
    boolean csv = accept != null && accept.contains("text/csv");
    request(ANALYTICS_REPORT, request)
        .onSuccess(report -> {
          if (csv) {
            ctx.response().putHeader("content-type", "text/csv; charset=utf-8")
                .putHeader("content-disposition", "attachment; filename=\"governor-report.csv\"")
                .end(ReportCsv.render(report));
          } else {
            AdminVerticle.json(ctx, 200, report);
          }
        })
        .onFailure(ctx::fail);
  }

  private void auditPage(RoutingContext ctx) {
    JsonObject page = Params.page(ctx, new JsonObject());
    AdminVerticle.json(ctx, 200, audit.page(page.getInteger("offset", 0), page.getInteger("limit", 100)));
  }

  private static JsonObject named(RoutingContext ctx) {
    return new JsonObject().put("name", Params.path(ctx, "name"));
  }

  private static JsonObject quotaAgent(RoutingContext ctx) {
    return new JsonObject().put("agentId", Params.path(ctx, "agentId"));
  }

  private static JsonObject agentId(RoutingContext ctx) {
    return new JsonObject().put("id", Params.path(ctx, "id"));
  }

  private Future<JsonObject> request(String address, JsonObject request) {
    return LocalFirst.<JsonObject>request(vertx, address, request, Handlers.withDeadline(REQUEST_TIMEOUT_MS))
        .map(reply -> reply.body());
  }

  private void forward(RoutingContext ctx, String address, JsonObject request) {
    forward(ctx, address, request, 200);
  }

  /** Sends the request to the owning part and answers with its reply. */
  private void forward(RoutingContext ctx, String address, JsonObject request, int status) {
    request(address, request).onSuccess(reply -> AdminVerticle.json(ctx, status, reply)).onFailure(ctx::fail);
  }
}
