package io.agentgovernor.quota;

import io.agentgovernor.spi.NodeContext;

/** A {@link NodeContext} with the node-local read model of the quota part, for the parts that check quotas. */
public interface QuotaContext extends NodeContext {

  /** Every quota and group, kept current by the quota part from its maps. */
  QuotaIndex quotaIndex();
}
