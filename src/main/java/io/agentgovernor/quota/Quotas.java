package io.agentgovernor.quota;

import io.agentgovernor.quota.impl.QuotaVerticle;
import io.vertx.core.Deployable;

/** The quota part, as the node assembles it (its implementation stays in {@code impl}). */
public final class Quotas {

  private Quotas() {
  }

  /**
   * The verticle that owns quotas and groups ({@code governor.quotas}, {@code governor.groups}),
   * keeps the node's {@link QuotaIndex} current and answers the {@code governor.quota.*} and
   * {@code governor.group.*} addresses.
   */
  public static Deployable verticle(QuotaContext node) {
    return new QuotaVerticle(node);
  }
}
