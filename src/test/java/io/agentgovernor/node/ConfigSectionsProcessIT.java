package io.agentgovernor.node;

import static org.assertj.core.api.Assertions.assertThat;

import io.agentgovernor.testing.NodeProcess;
import io.agentgovernor.testing.TestNodes;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The jar refuses a bad section of any part before it starts Hazelcast (DegradationProcessIT covers degradation). */
class ConfigSectionsProcessIT {

  private static final Map<String, String> ENV =
      Map.of("GOVERNOR_ADMIN_TOKEN", TestNodes.ADMIN_TOKEN, "GOVERNOR_VIEWER_TOKEN", TestNodes.VIEWER_TOKEN);

  @TempDir
  Path dir;

  @ParameterizedTest(name = "{0}: {1}")
  @MethodSource("io.agentgovernor.node.ConfigSectionsTest#badSections")
  @DisplayName("a bad section stops the jar with exit code 2 and one line naming the fault, before anything starts")
  void badSectionStopsTheJar(String section, String value, String message) throws Exception {
    Path file = dir.resolve("bad.yaml");
    Files.writeString(file, section + ": " + value + "\n"); // JSON flow style is YAML
    try (NodeProcess p = NodeProcess.start(List.of("--config", file.toString(), "--http-port", "0",
        "--cluster-name", TestNodes.randomClusterName(), "--cluster-port", String.valueOf(TestNodes.randomClusterPort())), ENV)) {
      assertThat(p.awaitExit(Duration.ofSeconds(30))).isEqualTo(2);
      assertThat(p.stderr()).hasSize(1);
      assertThat(p.stderr().get(0)).startsWith("agent-governor: " + message);
      // nothing started: no store opened, no Hazelcast member, no part logged a line
      assertThat(p.stdout()).isEmpty();
    }
  }
}
