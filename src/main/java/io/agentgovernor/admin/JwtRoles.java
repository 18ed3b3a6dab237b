package io.agentgovernor.admin;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.JWTOptions;
import io.vertx.ext.auth.PubSecKeyOptions;
import io.vertx.ext.auth.User;
import io.vertx.ext.auth.authentication.TokenCredentials;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.auth.jwt.JWTAuthOptions;
import java.util.List;

/**
 * Optional JWT authentication for sites with an identity provider, configured under
 * {@code admin.jwt}:
 * <pre>
 * jwt:
 *   algorithm: HS256            # or RS256
 *   secret: "..."               # HS256: the shared secret
 *   publicKey: "-----BEGIN PUBLIC KEY-----..."   # RS256: the provider's public key (PEM)
 *   issuer: "https://idp"       # optional: required iss
 *   audience: "agent-governor"  # optional: required aud
 *   roleClaim: role             # claim holding a string or an array of strings
 *   operatorRoles: [operator, admin]
 *   viewerRoles: [viewer]
 * </pre>
 * A verified token maps to the strongest role its claim names; one that names none is refused.
 */
final class JwtRoles {

  private final JWTAuth provider;
  private final String roleClaim;
  private final List<String> operatorRoles;
  private final List<String> viewerRoles;

  private JwtRoles(JWTAuth provider, JsonObject config) {
    this.provider = provider;
    this.roleClaim = config.getString("roleClaim", "role");
    this.operatorRoles = strings(config.getJsonArray("operatorRoles", new JsonArray().add("operator").add("admin")));
    this.viewerRoles = strings(config.getJsonArray("viewerRoles", new JsonArray().add("viewer")));
  }

  /** The JWT support configured in {@code jwt}, or null when the section is absent or empty. */
  static JwtRoles create(Vertx vertx, JsonObject jwt) {
    if (jwt == null || jwt.isEmpty()) {
      return null;
    }
    String algorithm = jwt.getString("algorithm", "HS256");
    String key = key(jwt);
    JWTOptions verify = new JWTOptions();
    if (jwt.getString("issuer") != null) {
      verify.setIssuer(jwt.getString("issuer"));
    }
    if (jwt.getString("audience") != null) {
      verify.addAudience(jwt.getString("audience"));
    }
    JWTAuthOptions options = new JWTAuthOptions()
        .addPubSecKey(new PubSecKeyOptions().setAlgorithm(algorithm).setBuffer(key))
        .setJWTOptions(verify);
    return new JwtRoles(JWTAuth.create(vertx, options), jwt);
  }

  /** The verification key of a non-empty {@code jwt} section; IllegalArgumentException naming what is wrong. */
  static String key(JsonObject jwt) {
    String algorithm = jwt.getString("algorithm", "HS256");
    String key = switch (algorithm) {
      case "HS256" -> jwt.getString("secret");
      case "RS256" -> jwt.getString("publicKey");
      default -> throw new IllegalArgumentException("admin.jwt.algorithm must be HS256 or RS256");
    };
    if (key == null || key.isBlank()) {
      throw new IllegalArgumentException("admin.jwt needs " + (algorithm.equals("HS256") ? "secret" : "publicKey"));
    }
    return key;
  }

  /** A JWT has three dot-separated parts; our own tokens have none. */
  static boolean looksLikeJwt(String token) {
    return token != null && token.chars().filter(c -> c == '.').count() == 2;
  }

  /** The caller behind a token, or a failed future when it is not valid or carries no role. */
  Future<Principal> authenticate(String token) {
    return provider.authenticate(new TokenCredentials(token)).map(this::principal);
  }

  private Principal principal(User user) {
    JsonObject claims = user.attributes().getJsonObject("accessToken", user.principal());
    Object claim = claims.getValue(roleClaim);
    List<String> roles = claim instanceof String s ? List.of(s)
        : claim instanceof JsonArray a ? strings(a) : List.of();
    Role role = roles.stream().anyMatch(operatorRoles::contains) ? Role.OPERATOR
        : roles.stream().anyMatch(viewerRoles::contains) ? Role.VIEWER : null;
    if (role == null) {
      throw new IllegalStateException("the token names no governor role");
    }
    String subject = claims.getString("sub", "unknown");
    return new Principal("jwt:" + subject, role);
  }

  private static List<String> strings(JsonArray array) {
    return array.stream().filter(String.class::isInstance).map(String.class::cast).toList();
  }
}
