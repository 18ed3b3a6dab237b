package io.agentgovernor.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.agentgovernor.node.GovernorNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigLoaderTest {

  @TempDir
  Path dir;

  @Test
  @DisplayName("with nothing given, the node runs the built-in defaults: a cluster of one on loopback")
  void defaults() {
    NodeConfig config = ConfigLoader.load(List.of(), Map.of());
    assertThat(config.httpPort()).isEqualTo(8080);
    assertThat(config.clusterHost()).isEqualTo("127.0.0.1");
    assertThat(config.clusterPort()).isEqualTo(5701);
    assertThat(config.members()).isEmpty();
    assertThat(config.nodeId()).startsWith("node-");
    assertThat(config.maxNoHeartbeatSeconds()).isLessThanOrEqualTo(10);
  }

  @Test
  @DisplayName("flags override environment, environment overrides the file, the file overrides the defaults")
  void precedence() throws Exception {
    Path file = dir.resolve("node.yaml");
    Files.writeString(file, """
        node:
          httpPort: 1111
          id: from-file
          dataDir: /tmp/file
        cluster:
          port: 6000
          name: file-cluster
        """);
    NodeConfig config = ConfigLoader.load(
        List.of("--config", file.toString(), "--http-port", "3333", "--members=127.0.0.1:5701,127.0.0.1:5702"),
        Map.of("GOVERNOR_HTTP_PORT", "2222", "GOVERNOR_NODE_ID", "from-env", "GOVERNOR_ADMIN_TOKEN", "secret"));
    assertThat(config.httpPort()).isEqualTo(3333);
    assertThat(config.nodeId()).isEqualTo("from-env");
    assertThat(config.dataDir()).isEqualTo("/tmp/file");
    assertThat(config.clusterPort()).isEqualTo(6000);
    assertThat(config.clusterName()).isEqualTo("file-cluster");
    assertThat(config.members()).containsExactly("127.0.0.1:5701", "127.0.0.1:5702");
    assertThat(config.adminToken()).isEqualTo("secret");
    assertThat(config.toString()).doesNotContain("secret");
    // the file keeps the built-in sections it does not mention
    assertThat(config.section("quota").getJsonObject("groups").fieldNames()).contains("standard_agent");
  }

  @Test
  @DisplayName("GOVERNOR_CONFIG names the file when --config is absent; --demo is a switch")
  void configFromEnvironment() throws Exception {
    Path file = dir.resolve("env.yaml");
    Files.writeString(file, "node: {httpPort: 4444}\n");
    NodeConfig config = ConfigLoader.load(List.of("--demo"), Map.of("GOVERNOR_CONFIG", file.toString()));
    assertThat(config.httpPort()).isEqualTo(4444);
    assertThat(config.demo()).isTrue();
  }

  @Test
  @DisplayName("a wrong flag, value or file stops with one line naming the problem")
  void errors() throws Exception {
    assertThatThrownBy(() -> ConfigLoader.load(List.of("--htp-port", "1"), Map.of()))
        .isInstanceOf(ConfigException.class).hasMessage("unknown option '--htp-port' (try --help)");
    assertThatThrownBy(() -> ConfigLoader.load(List.of("--http-port", "eighty"), Map.of()))
        .hasMessage("flag --http-port: expected a whole number, got 'eighty'");
    assertThatThrownBy(() -> ConfigLoader.load(List.of("--http-port", "70000"), Map.of()))
        .hasMessage("flag --http-port: 70000 is outside [0, 65535]");
    assertThatThrownBy(() -> ConfigLoader.load(List.of("--cluster-port"), Map.of()))
        .hasMessage("option --cluster-port needs a value");
    assertThatThrownBy(() -> ConfigLoader.load(List.of(), Map.of("GOVERNOR_CLUSTER_PORT", "x")))
        .hasMessage("environment variable GOVERNOR_CLUSTER_PORT: expected a whole number, got 'x'");
    assertThatThrownBy(() -> ConfigLoader.load(List.of("--members", "nohost"), Map.of()))
        .hasMessageContaining("cluster.members: 'nohost' is not host:port");
    assertThatThrownBy(() -> ConfigLoader.load(List.of("--config", dir.resolve("missing.yaml").toString()), Map.of()))
        .hasMessageEndingWith("missing.yaml does not exist");

    Path malformed = dir.resolve("bad.yaml");
    Files.writeString(malformed, "node:\n  httpPort: [1, 2\n  other: x\n");
    assertThatThrownBy(() -> ConfigLoader.load(List.of("--config", malformed.toString()), Map.of()))
        .isInstanceOf(ConfigException.class).hasMessageContaining("malformed YAML at line");

    Path badGroup = dir.resolve("group.yaml");
    Files.writeString(badGroup, "quota:\n  groups:\n    tiny:\n      defaultLimits:\n        cpu: {soft: 5, hard: 1}\n");
    assertThatThrownBy(() -> GovernorNode.validate(ConfigLoader.load(List.of("--config", badGroup.toString()), Map.of())))
        .hasMessage("configuration: quota.groups.tiny: defaultLimits.cpu: soft (5.0) must not exceed hard (1.0)");

    Path badType = dir.resolve("type.yaml");
    Files.writeString(badType, "node:\n  httpPort: high\n");
    assertThatThrownBy(() -> ConfigLoader.load(List.of("--config", badType.toString()), Map.of()))
        .hasMessage("configuration: node.httpPort must be a number");
  }
}
