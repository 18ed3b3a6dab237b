package io.agentgovernor.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.agentgovernor.config.ConfigException;
import io.agentgovernor.config.NodeConfig;
import io.vertx.core.json.JsonObject;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** Every part's section is checked before the node joins a cluster ({@link GovernorNode#validate}). */
class ConfigSectionsTest {

  /** One bad value per section whose settings live in its part, and the one line that names it. */
  static Stream<Arguments> badSections() {
    return Stream.of(
        Arguments.of("quota", "{\"groups\": {\"tiny\": {\"defaultLimits\": {\"cpu\": {\"soft\": 5, \"hard\": 1}}}}}",
            "configuration: quota.groups.tiny: defaultLimits.cpu: soft (5.0) must not exceed hard (1.0)"),
        Arguments.of("store", "{\"kind\": \"oracle\"}", "configuration: store.kind must be auto, h2, postgres or none"),
        Arguments.of("cluster", "{\"tls\": {\"enabled\": true}}", "configuration: cluster.tls: TLS needs keyStore"),
        Arguments.of("admin", "{\"tls\": {\"enabled\": true}}", "configuration: admin.tls: TLS needs keyStore"),
        Arguments.of("degradation", "{\"handOver\": {\"action\": \"terminate\"}}", "configuration: degradation"),
        Arguments.of("bridge", "{\"maxFrameBytes\": 10}", "configuration: bridge.maxFrameBytes"),
        Arguments.of("process", "{\"stopGraceMs\": -1}", "configuration: process"),
        Arguments.of("agents", "{\"inboxBound\": 0}", "configuration: agents.inboxBound must be a whole number in [1, 100000000]"),
        Arguments.of("enforcement", "{\"terminateGraceMs\": -1}", "configuration: enforcement.terminateGraceMs must be"),
        Arguments.of("analytics", "{\"intervalMs\": 5}", "configuration: analytics.intervalMs must be"),
        Arguments.of("monitor", "{\"intervalMs\": 10}", "configuration: monitor.intervalMs must be"),
        Arguments.of("failover", "{\"leaseMs\": 10}", "configuration: failover.leaseMs must be"),
        Arguments.of("failover", "{\"terminatedRetentionMs\": 10}", "configuration: failover.terminatedRetentionMs must be"),
        Arguments.of("capacity", "{\"publishIntervalMs\": 1}", "configuration: capacity.publishIntervalMs must be"),
        Arguments.of("admin", "{\"jwt\": {\"algorithm\": \"none\"}}", "configuration: admin.jwt.algorithm must be HS256 or RS256"),
        Arguments.of("admin", "{\"feed\": {\"maxQueued\": \"many\"}}", "configuration: admin: a value has the wrong type"));
  }

  @ParameterizedTest(name = "{0}: {1}")
  @MethodSource("badSections")
  @DisplayName("a bad section is refused with one line naming the section and the fault")
  void badSectionRefused(String section, String value, String message) {
    NodeConfig config = NodeConfig.fromJson(new JsonObject().put(section, new JsonObject(value)));
    assertThatThrownBy(() -> GovernorNode.validate(config))
        .isInstanceOf(ConfigException.class)
        .satisfies(e -> assertThat(e.getMessage()).startsWith(message).doesNotContain("\n"));
  }

  @Test
  @DisplayName("the shipped configuration and an empty one pass")
  void defaultsPass() {
    assertThatCode(() -> GovernorNode.validate(NodeConfig.fromJson(new JsonObject()))).doesNotThrowAnyException();
    assertThatCode(() -> GovernorNode.validate(io.agentgovernor.config.ConfigLoader.load(java.util.List.of(), java.util.Map.of())))
        .doesNotThrowAnyException();
  }
}
