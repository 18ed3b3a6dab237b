package io.agentgovernor.bridge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.agentgovernor.config.ConfigException;
import io.agentgovernor.config.ConfigLoader;
import io.agentgovernor.config.NodeConfig;
import io.agentgovernor.node.GovernorNode;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class BridgeConfigTest {

  @Test
  @DisplayName("the built-in file's bridge section equals the defaults in code")
  void defaults() {
    BridgeConfig fromFile = BridgeConfig.fromJson(ConfigLoader.builtInDefaults().getJsonObject("bridge"));
    assertThat(fromFile).isEqualTo(BridgeConfig.ofDefaults());
    assertThat(fromFile.maxFrameBytes()).isEqualTo(65536);
    assertThat(fromFile.leaseExpiry()).isEqualTo(BridgeConfig.LeaseExpiry.UNDEPLOY);
    assertThat(fromFile.serves()).isTrue();
  }

  @Test
  @DisplayName("bad bridge settings stop the node with the field at fault")
  void refused() {
    JsonObject base = ConfigLoader.builtInDefaults();
    assertThatThrownBy(() -> GovernorNode.validate(NodeConfig.fromJson(base.copy().put("bridge", new JsonObject().put("maxFrameBytes", 10)))))
        .isInstanceOf(ConfigException.class).hasMessageContaining("bridge.maxFrameBytes").hasMessageContaining("[1024, 16777216]");
    assertThatThrownBy(() -> GovernorNode.validate(NodeConfig.fromJson(base.copy().put("bridge", new JsonObject().put("maxConections", 10)))))
        .isInstanceOf(ConfigException.class).hasMessageContaining("unknown field 'maxConections'");
    assertThatThrownBy(() -> GovernorNode.validate(NodeConfig.fromJson(base.copy().put("bridge", new JsonObject().put("leaseExpiry", "kill")))))
        .isInstanceOf(ConfigException.class).hasMessageContaining("bridge.leaseExpiry must be undeploy or suspend");
    assertThatThrownBy(() -> GovernorNode.validate(NodeConfig.fromJson(base.copy().put("bridge", new JsonObject().put("idleTimeoutMs", -1)))))
        .isInstanceOf(ConfigException.class).hasMessageContaining("bridge.idleTimeoutMs");
  }

  @Test
  @DisplayName("the sweep runs at a quarter of the shortest deadline, within [50 ms, 1 s]")
  void sweep() {
    assertThat(BridgeConfig.ofDefaults().sweepIntervalMs()).isEqualTo(1000);
    assertThat(BridgeConfig.fromJson(new JsonObject().put("leaseGraceMs", 0).put("registerTimeoutMs", 100))
        .sweepIntervalMs()).isEqualTo(50);
    assertThat(BridgeConfig.fromJson(new JsonObject().put("idleTimeoutMs", 2000)).sweepIntervalMs()).isEqualTo(500);
  }
}
