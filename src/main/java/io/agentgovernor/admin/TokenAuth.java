package io.agentgovernor.admin;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;

/**
 * Bearer-token authentication of the admin API: an operator token and an optional read-only
 * viewer token. Tokens are compared as SHA-256 digests with {@link MessageDigest#isEqual}, in
 * constant time whatever their length, and are never logged.
 */
public final class TokenAuth {

  private final byte[] operatorDigest;
  private final byte[] viewerDigest;

  public TokenAuth(String operatorToken, String viewerToken) {
    if (operatorToken == null || operatorToken.isEmpty()) {
      throw new IllegalArgumentException("an operator token is required");
    }
    this.operatorDigest = digest(operatorToken);
    this.viewerDigest = viewerToken == null || viewerToken.isEmpty() ? null : digest(viewerToken);
  }

  /** A fresh random token: 32 bytes from {@link SecureRandom}, URL-safe Base64. */
  public static String generateToken() {
    byte[] bytes = new byte[32];
    new SecureRandom().nextBytes(bytes);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }

  /** The role of a token, or null when it is no token of ours. */
  public Role authenticate(String token) {
    if (token == null || token.isEmpty() || token.length() > 4096) {
      return null;
    }
    byte[] presented = digest(token);
    boolean operator = MessageDigest.isEqual(presented, operatorDigest);
    boolean viewer = viewerDigest != null && MessageDigest.isEqual(presented, viewerDigest);
    return operator ? Role.OPERATOR : viewer ? Role.VIEWER : null;
  }

  /** The token of an {@code Authorization: Bearer <token>} header, or null. */
  public static String bearer(String header) {
    if (header == null || header.length() < 7 || !header.regionMatches(true, 0, "Bearer ", 0, 7)) {
      return null;
    }
    return header.substring(7).trim();
  }

  private static byte[] digest(String token) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
  }
}
