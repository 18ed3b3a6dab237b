package io.agentgovernor.bridge;

import static io.agentgovernor.testing.TestNodes.request;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.agentgovernor.bus.Addresses;
import io.agentgovernor.node.GovernorNode;
import io.agentgovernor.testing.TestNodes;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.NetSocket;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** Outside agents through the TCP bridge: the Python example as a real process, and a hostile client. */
class BridgeIT {

  private static GovernorNode node;
  private static int bridgePort;

  @BeforeAll
  static void startNode() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      bridgePort = s.getLocalPort();
    }
    node = TestNodes.start(TestNodes.config(TestNodes.randomClusterName(), TestNodes.randomClusterPort(), "br", List.of())
        .with("bridge.port", bridgePort).with("monitor.intervalMs", 500));
  }

  @AfterAll
  static void stopNode() {
    TestNodes.closeAll(node);
  }

  @Test
  @DisplayName("a Python agent registers through the bridge; its measured cpu and memory and its reported tokens appear, and it obeys control")
  void pythonAgent() throws Exception {
    Process python = new ProcessBuilder("python3", Path.of("examples/python-agent/governed_agent.py").toString(),
        "--port", String.valueOf(bridgePort), "--id", "py-1", "--seconds", "60", "--cpu", "0.3")
        .redirectErrorStream(true).redirectOutput(Path.of("target/python-agent.log").toFile()).start();
    try {
      await().atMost(Duration.ofSeconds(20)).ignoreExceptions().until(() -> {
        JsonObject usage = request(node, Addresses.MONITOR_USAGE, new JsonObject().put("agentId", "py-1")).getJsonObject("usage");
        return usage.getDouble("cpu") > 5 && usage.getDouble("memory") > 1_000_000 && usage.getDouble("llm_tokens", 0.0) > 0;
      });
      JsonObject agent = request(node, Addresses.AGENT_GET, new JsonObject().put("id", "py-1"));
      assertThat(agent.getString("type")).isEqualTo("external");
      assertThat(agent.getJsonObject("status").getLong("pid")).isEqualTo(python.pid());
      assertThat(agent.getJsonObject("status").getBoolean("measuredByOs")).isTrue();

      // a message to its inbox reaches the process; a suspension is obeyed (its cpu falls)
      request(node, Addresses.AGENT_SEND, new JsonObject().put("id", "py-1").put("body", new JsonObject().put("hello", 1)));
      request(node, Addresses.ENFORCEMENT_ACTION, new JsonObject().put("agentId", "py-1").put("action", "suspend"));
      await().atMost(Duration.ofSeconds(15)).ignoreExceptions().until(() -> request(node, Addresses.MONITOR_USAGE,
          new JsonObject().put("agentId", "py-1")).getJsonObject("usage").getDouble("cpu") < 3);
      request(node, Addresses.ENFORCEMENT_ACTION, new JsonObject().put("agentId", "py-1").put("action", "terminate")
          .put("params", new JsonObject().put("graceMs", 200)));
      assertThat(python.waitFor(20, TimeUnit.SECONDS)).isTrue();
      String output = java.nio.file.Files.readString(Path.of("target/python-agent.log"));
      assertThat(output).contains("registered py-1").contains("control: suspend").contains("control: terminate");
    } finally {
      python.destroyForcibly();
    }
  }

  @Test
  @DisplayName("a bridge client reaches nothing but its own agent's addresses, and bad reports are refused with codes")
  void hostileClient() {
    List<JsonObject> frames = new CopyOnWriteArrayList<>();
    NetSocket socket = node.vertx().createNetClient().connect(bridgePort, "127.0.0.1").await();
    Buffer[] pending = {Buffer.buffer()};
    socket.handler(buf -> {
      Buffer data = pending[0].appendBuffer(buf);
      while (data.length() >= 4 && data.length() >= 4 + data.getInt(0)) {
        int size = data.getInt(0);
        frames.add(new JsonObject(data.getBuffer(4, 4 + size)));
        data = data.getBuffer(4 + size, data.length());
      }
      pending[0] = data;
    });
    // before registering, nothing but a register is let through
    write(socket, new JsonObject().put("type", "send").put("address", Addresses.QUOTA_DELETE)
        .put("body", new JsonObject().put("agentId", "x")));
    write(socket, new JsonObject().put("type", "register").put("address", "governor.agent.someone.out"));
    write(socket, new JsonObject().put("type", "send").put("address", BridgeVerticle.REGISTER).put("replyAddress", "r1")
        .put("body", new JsonObject().put("id", "hostile").put("group", "standard_agent")));
    await().atMost(Duration.ofSeconds(10)).until(() -> frames.stream().anyMatch(f -> "r1".equals(f.getString("address"))));
    // now it is agent 'hostile': someone else's inbox, a report for someone else, any other address: refused
    write(socket, new JsonObject().put("type", "register").put("address", "governor.agent.someone.control"));
    write(socket, new JsonObject().put("type", "send").put("address", BridgeVerticle.REPORT)
        .put("body", new JsonObject().put("id", "someone").put("usage", new JsonObject())));
    write(socket, new JsonObject().put("type", "send").put("address", Addresses.AGENT_UNDEPLOY)
        .put("body", new JsonObject().put("id", "hostile")));
    write(socket, new JsonObject().put("type", "send").put("address", BridgeVerticle.REGISTER)
        .put("body", new JsonObject().put("id", "second-identity").put("group", "standard_agent")));
    // its own report with bad amounts: a failed reply with a code
    write(socket, new JsonObject().put("type", "send").put("address", BridgeVerticle.REPORT).put("replyAddress", "r2")
        .put("body", new JsonObject().put("id", "hostile").put("usage", new JsonObject().put("cpu", -5))));
    write(socket, new JsonObject().put("type", "send").put("address", BridgeVerticle.REPORT).put("replyAddress", "r3")
        .put("body", new JsonObject().put("id", "hostile").put("usage", new JsonObject().put("gpu_hours", 1))));
    await().atMost(Duration.ofSeconds(10)).until(() -> frames.stream().filter(f -> "err".equals(f.getString("type"))).count() >= 6
        && frames.stream().anyMatch(f -> "r3".equals(f.getString("address"))));
    assertThat(frames.stream().filter(f -> "r2".equals(f.getString("address"))).findFirst().orElseThrow()
        .getInteger("failureCode")).isEqualTo(4000);
    assertThat(frames.stream().filter(f -> "r3".equals(f.getString("address"))).findFirst().orElseThrow()
        .getInteger("failureCode")).isEqualTo(4003);
    assertThat(node.context().registry().nodeOf("hostile")).isEqualTo("br");
    assertThat(node.context().registry().nodeOf("second-identity")).isNull();
    socket.close();
    request(node, Addresses.AGENT_UNDEPLOY, new JsonObject().put("id", "hostile"));
  }

  private static void write(NetSocket socket, JsonObject frame) {
    Buffer body = frame.toBuffer();
    socket.write(Buffer.buffer().appendInt(body.length()).appendBuffer(body));
  }
}
