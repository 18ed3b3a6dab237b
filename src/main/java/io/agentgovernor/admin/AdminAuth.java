package io.agentgovernor.admin;

import io.agentgovernor.bus.ErrorCode;
import io.vertx.core.Future;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.RoutingContext;
import java.time.Clock;

/**
 * The gate in front of {@code /api/v1}: a bearer token (header, or {@code ?token=} where a header
 * cannot be set, as for a browser's WebSocket) is either one of the configured tokens or, when
 * {@code admin.jwt} is set, a JWT carrying a role. Viewers read; only operators write. Failed
 * attempts are counted per remote address, and an address over its budget gets 429 until its
 * window ends. Every write that passed authentication is audited when its response ends.
 */
final class AdminAuth {

  /** The key under which the caller's {@link Principal} is kept in the routing context. */
  static final String PRINCIPAL = "principal";

  private final TokenAuth tokens;
  private final JwtRoles jwt;
  private final AuthFailureLimiter limiter;
  private final AuditLog audit;
  private final Clock clock;

  AdminAuth(TokenAuth tokens, JwtRoles jwt, AuthFailureLimiter limiter, AuditLog audit, Clock clock) {
    this.tokens = tokens;
    this.jwt = jwt;
    this.limiter = limiter;
    this.audit = audit;
    this.clock = clock;
  }

  /** The route handler: authenticates, authorises, arranges the audit, then hands on. */
  void handle(RoutingContext ctx) {
    String address = ctx.request().remoteAddress() == null ? "unknown" : ctx.request().remoteAddress().hostAddress();
    long wait = limiter.blockedFor(address, clock.millis());
    if (wait > 0) {
      ctx.response().putHeader("Retry-After", String.valueOf((wait + 999) / 1000));
      ApiErrors.send(ctx, ErrorCode.RATE_LIMITED, "too many failed authentications from this address");
      return;
    }
    String token = TokenAuth.bearer(ctx.request().getHeader("Authorization"));
    if (token == null) {
      token = ctx.request().getParam("token");
    }
    principal(token).onComplete(ar -> {
      if (ar.failed() || ar.result() == null) {
        limiter.recordFailure(address, clock.millis());
        ctx.response().putHeader("WWW-Authenticate", "Bearer realm=\"agent-governor\"");
        ApiErrors.send(ctx, ErrorCode.UNAUTHORIZED, "a valid bearer token is required");
      } else {
        admit(ctx, ar.result());
      }
    });
  }

  /** Operator-only routes (reads included) put this after {@link #handle}. */
  static void requireOperator(RoutingContext ctx) {
    Principal principal = ctx.get(PRINCIPAL);
    if (principal == null || !principal.role().mayWrite()) {
      ApiErrors.send(ctx, ErrorCode.FORBIDDEN, "only an operator may read this");
      return;
    }
    ctx.next();
  }

  private Future<Principal> principal(String token) {
    if (token == null || token.isEmpty()) {
      return Future.succeededFuture();
    }
    if (jwt != null && JwtRoles.looksLikeJwt(token)) {
      return jwt.authenticate(token);
    }
    Role role = tokens.authenticate(token);
    return Future.succeededFuture(role == null ? null : new Principal("token:" + role.name().toLowerCase(), role));
  }

  private void admit(RoutingContext ctx, Principal principal) {
    HttpMethod method = ctx.request().method();
    boolean write = method != HttpMethod.GET && method != HttpMethod.HEAD && method != HttpMethod.OPTIONS;
    if (write) {
      String path = ctx.request().path();
      // status 0: the client went away before the answer (the write may still have taken effect)
      ctx.addEndHandler(v -> audit.record(principal.who(), method.name(), path,
          ctx.response().ended() ? ctx.response().getStatusCode() : 0, clock.millis()));
    }
    if (write && !principal.role().mayWrite()) {
      ApiErrors.send(ctx, ErrorCode.FORBIDDEN, "this token may only read");
      return;
    }
    ctx.put(PRINCIPAL, principal);
    ctx.next();
  }
}
