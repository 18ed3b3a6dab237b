package io.agentgovernor.bridge.impl;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;

/**
 * The secret an outside agent is given at its first register and must show to take its identity
 * back over a new connection. 256 random bits; the node keeps only their SHA-256, in memory, and
 * compares in constant time. Never logged, never in the registry.
 */
public final class AgentSecret {

  private static final SecureRandom RANDOM = new SecureRandom();

  private final byte[] digest;

  private AgentSecret(byte[] digest) {
    this.digest = digest;
  }

  /** A fresh secret: the text goes to the client once, the returned object stays. */
  public static AgentSecret generate(StringBuilder text) {
    byte[] raw = new byte[32];
    RANDOM.nextBytes(raw);
    String encoded = Base64.getUrlEncoder().withoutPadding().encodeToString(raw);
    text.append(encoded);
    return new AgentSecret(sha256(encoded));
  }

  /** Whether {@code candidate} is this secret; {@code null} or any other text is not. */
  public boolean matches(Object candidate) {
    if (!(candidate instanceof String s) || s.length() > 256) {
      return false;
    }
    return MessageDigest.isEqual(digest, sha256(s));
  }

  private static byte[] sha256(String text) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every Java platform", e);
    }
  }

  @Override
  public String toString() {
    return "AgentSecret[hidden]";
  }
}
