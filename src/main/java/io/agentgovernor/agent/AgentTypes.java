package io.agentgovernor.agent;

import io.agentgovernor.agent.samples.SampleAgents;
import io.agentgovernor.bus.ErrorCode;
import io.agentgovernor.bus.GovernorException;
import java.util.Collection;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.TreeMap;

/** The agent types this node can deploy: the samples, and every {@link AgentFactory} on the classpath. */
public final class AgentTypes {

  private final Map<String, AgentFactory> types = new TreeMap<>();

  public AgentTypes() {
    SampleAgents.all().forEach(this::register);
    ServiceLoader.load(AgentFactory.class).forEach(this::register);
  }

  public AgentTypes register(AgentFactory factory) {
    types.put(factory.type(), factory);
    return this;
  }

  public AgentFactory require(String type) {
    AgentFactory factory = type == null ? null : types.get(type);
    if (factory == null) {
      throw new GovernorException(ErrorCode.UNKNOWN_TYPE, "unknown agent type '" + type + "'; known types: " + types.keySet());
    }
    return factory;
  }

  public Collection<AgentFactory> all() {
    return types.values();
  }
}
