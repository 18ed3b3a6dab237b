package io.agentgovernor.bridge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.agentgovernor.bus.GovernorException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A process agent's config and the process section are checked, with the field at fault named, before anything runs. */
class ProcessSpecTest {

  @Test
  void aGoodConfigIsReadAsGiven() {
    ProcessSpec spec = ProcessSpec.fromJson(new JsonObject().put("command", new JsonArray().add("python3").add("a.py"))
        .put("env", new JsonObject().put("MODE", "fast")).put("cwd", "/tmp"));
    assertThat(spec.command()).containsExactly("python3", "a.py");
    assertThat(spec.env()).containsEntry("MODE", "fast");
    assertThat(spec.cwd()).isEqualTo("/tmp");
  }

  @Test
  void badConfigsAreRefusedNamingTheField() {
    for (var bad : List.of(
        new Object[] {new JsonObject(), "command"},
        new Object[] {new JsonObject().put("command", new JsonArray()), "command"},
        new Object[] {new JsonObject().put("command", "sh -c x"), "command"},
        new Object[] {new JsonObject().put("command", new JsonArray().add(1)), "command[0]"},
        new Object[] {new JsonObject().put("command", new JsonArray().add("")), "command[0]"},
        new Object[] {new JsonObject().put("command", new JsonArray().add("a\0b")), "command[0]"},
        new Object[] {new JsonObject().put("command", new JsonArray().add("sh")).put("env", new JsonObject().put("A=B", "x")), "env"},
        new Object[] {new JsonObject().put("command", new JsonArray().add("sh")).put("env", new JsonObject().put("A", 1)), "env.A"},
        new Object[] {new JsonObject().put("command", new JsonArray().add("sh")).put("shell", true), "shell"})) {
      assertThatThrownBy(() -> ProcessSpec.fromJson((JsonObject) bad[0])).isInstanceOf(GovernorException.class)
          .hasMessageContaining((String) bad[1]);
    }
  }

  @Test
  void theProcessSectionIsValidated() {
    assertThat(ProcessConfig.fromJson(new JsonObject()).cgroupRoot()).isEqualTo("/sys/fs/cgroup");
    // off unless asked for: it lets an operator run any command as the node's user
    assertThat(ProcessConfig.fromJson(new JsonObject()).enabled()).isFalse();
    assertThat(ProcessConfig.fromJson(new JsonObject().put("enabled", true)).enabled()).isTrue();
    assertThatThrownBy(() -> ProcessConfig.fromJson(new JsonObject().put("cgroupRoot", "relative")))
        .hasMessageContaining("cgroupRoot");
    assertThatThrownBy(() -> ProcessConfig.fromJson(new JsonObject().put("stopGraceMs", -1)))
        .hasMessageContaining("stopGraceMs");
    assertThatThrownBy(() -> ProcessConfig.fromJson(new JsonObject().put("cgroup", true)))
        .hasMessageContaining("unknown field 'cgroup'");
  }
}
