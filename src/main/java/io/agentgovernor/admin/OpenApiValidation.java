package io.agentgovernor.admin;

import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.io.InputStream;
import java.util.Map;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import io.vertx.openapi.contract.MediaType;
import io.vertx.openapi.contract.OpenAPIContract;
import io.vertx.openapi.contract.Operation;
import io.vertx.openapi.validation.RequestUtils;
import io.vertx.openapi.validation.RequestValidator;

/**
 * Validates requests against {@code openapi.yaml} (vertx-openapi's {@link RequestValidator}):
 * parameters, content type and body schema of the operation a route names. The body is the one
 * the router's BodyHandler already read (bounded by the body limit), never read twice. A failure
 * reaches {@link ApiErrors} as a {@code ValidatorException}: a 400 (or 415) naming what is wrong.
 */
final class OpenApiValidation {

  /** Where the document lives in the jar; also served as is at {@code /api/v1/openapi.yaml}. */
  static final String RESOURCE = "openapi.yaml";

  private final OpenAPIContract contract;
  private final RequestValidator validator;

  private OpenApiValidation(Vertx vertx, OpenAPIContract contract) {
    this.contract = contract;
    this.validator = RequestValidator.create(vertx, contract);
  }

  /**
   * Loads the document from the jar. Its server URL is relative ({@code /api/v1}, so Swagger UI
   * calls whichever node served it), which vertx-openapi cannot parse as a URL: the validator gets
   * a copy with an absolute URL of the same path.
   */
  static Future<OpenApiValidation> load(Vertx vertx) {
    return vertx.executeBlocking(() -> {
      try (InputStream in = OpenApiValidation.class.getClassLoader().getResourceAsStream(RESOURCE)) {
        if (in == null) {
          throw new IllegalStateException(RESOURCE + " is missing from the jar");
        }
        Map<String, Object> yaml = new Yaml(new SafeConstructor(new LoaderOptions())).load(in);
        JsonObject json = new JsonObject(yaml);
        json.put("servers", new JsonArray().add(new JsonObject().put("url", "http://localhost" + ApiRoutes.BASE)));
        dropUnsupportedResponseTypes(json);
        return json;
      }
    }).compose(json -> OpenAPIContract.from(vertx, json)).map(contract -> new OpenApiValidation(vertx, contract));
  }

  /**
   * Responses are not validated, but vertx-openapi refuses a document whose responses name media
   * types it cannot parse (text/csv, application/yaml): the validator's copy leaves them out.
   */
  private static void dropUnsupportedResponseTypes(JsonObject json) {
    for (Object path : json.getJsonObject("paths").getMap().values()) {
      for (Object operation : ((Map<?, ?>) path).values()) {
        if (operation instanceof Map<?, ?> op && op.get("responses") instanceof Map<?, ?> responses) {
          for (Object response : responses.values()) {
            if (response instanceof Map<?, ?> r && r.get("content") instanceof Map<?, ?> content) {
              content.keySet().removeIf(type -> !MediaType.isMediaTypeSupported(type.toString()));
            }
          }
        }
      }
    }
  }

  /** The validating handler of one operation; fails at start if routes and document disagree. */
  Handler<RoutingContext> handler(String operationId) {
    Operation operation = contract.operation(operationId);
    if (operation == null) {
      throw new IllegalStateException("openapi.yaml has no operation '" + operationId + "'");
    }
    boolean bodyless = operation.getRequestBody() == null;
    return ctx -> {
      Buffer body = ctx.body() == null ? null : ctx.body().buffer();
      if (bodyless && (body == null || body.length() == 0) && ctx.request().query() == null) {
        // Only path parameters are left to check, and Params.checkPathIds has already checked
        // them against the same pattern: skip the validator on the hot read path (GET by id).
        ctx.next();
        return;
      }
      if (body != null && body.length() > 0 && ctx.request().getHeader(HttpHeaders.CONTENT_TYPE) == null) {
        // A body without a content type is taken as JSON (what this API speaks); a body declared
        // as anything else is refused with 415.
        ctx.request().headers().set(HttpHeaders.CONTENT_TYPE, "application/json");
      }
      RequestUtils.extract(ctx.request(), operation, () -> Future.succeededFuture(body))
          .compose(request -> validator.validate(request, operationId))
          .onSuccess(validated -> ctx.next())
          .onFailure(ctx::fail);
    };
  }
}
