package io.agentgovernor.agent;

import io.vertx.core.json.JsonObject;
import java.util.List;

/**
 * Makes agents of one registered type. Types are found by name: the sample types are built in,
 * others are registered through {@code java.util.ServiceLoader} (a
 * {@code META-INF/services/io.agentgovernor.agent.AgentFactory} entry in a jar on the classpath).
 */
public interface AgentFactory {

  /** The type name used to deploy, e.g. {@code cpu-burner}. */
  String type();

  /** One line for operators. */
  String description();

  /** The configuration keys the type understands. */
  List<String> configKeys();

  /**
   * Creates an agent for a configuration. Bad configuration fails with a
   * {@link io.agentgovernor.bus.GovernorException} (INVALID_REQUEST) naming the key.
   */
  GovernedAgent create(JsonObject config);

  /** A factory made of its parts: {@code create} gets the deploy request's configuration. */
  static AgentFactory of(String type, String description, List<String> configKeys,
                         java.util.function.Function<JsonObject, GovernedAgent> create) {
    return new AgentFactory() {
      @Override
      public String type() {
        return type;
      }

      @Override
      public String description() {
        return description;
      }

      @Override
      public List<String> configKeys() {
        return configKeys;
      }

      @Override
      public GovernedAgent create(JsonObject config) {
        return create.apply(config);
      }
    };
  }
}
