package io.agentgovernor.agent;

import java.util.Collection;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The agents deployed on this node, kept by the agent runtime and read by the node's sampler: a
 * node-local read model (like {@link io.agentgovernor.quota.QuotaIndex}), never shared over the
 * network.
 */
public final class LocalAgents {

  private final Map<String, LocalAgent> agents = new ConcurrentHashMap<>();
  /** Bumped by every add and remove, so the monitor re-reads the set only when it changed. */
  private final java.util.concurrent.atomic.AtomicLong version = new java.util.concurrent.atomic.AtomicLong();

  public LocalAgent get(String id) {
    return agents.get(id);
  }

  public Collection<LocalAgent> all() {
    return agents.values();
  }

  public int size() {
    return agents.size();
  }

  public void add(LocalAgent handle) {
    agents.put(handle.id(), handle);
    version.incrementAndGet();
  }

  public void remove(String id) {
    agents.remove(id);
    version.incrementAndGet();
  }

  /** Changes with every add and remove (read it before reading the agents, then compare). */
  public long version() {
    return version.get();
  }
}
