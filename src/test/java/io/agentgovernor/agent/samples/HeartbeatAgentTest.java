package io.agentgovernor.agent.samples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.agentgovernor.agent.GovernedAgent;
import io.agentgovernor.agent.impl.AgentContextImpl;
import io.agentgovernor.bus.Addresses;
import io.agentgovernor.quota.QuotaIndex;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The heartbeat and ledger sample agents on a real (local) Vert.x, through the real agent context. */
class HeartbeatAgentTest {

  @TempDir
  Path dir;
  private Vertx vertx;

  @BeforeEach
  void startVertx() {
    vertx = Vertx.vertx();
  }

  @AfterEach
  void closeVertx() throws Exception {
    vertx.close().await(10, TimeUnit.SECONDS);
  }

  private record Deployed(AgentContextImpl context, GovernedAgent agent) {
    JsonObject status() throws Exception {
      return context.onContext(agent::status).await(5, TimeUnit.SECONDS);
    }
  }

  private Deployed deploy(String id, String type, JsonObject config, long epoch, JsonObject snapshot) throws Exception {
    GovernedAgent agent = SampleAgents.all().stream().filter(f -> f.type().equals(type)).findFirst().orElseThrow()
        .create(config);
    AgentContextImpl context = new AgentContextImpl(vertx, id, type, "g", config, new QuotaIndex(), 1000,
        new io.agentgovernor.cluster.NodeLease(60_000));
    context.epoch(epoch);
    agent.bind(context, () -> context.open("node-a"));
    if (snapshot != null) {
      agent.restore(snapshot);
    }
    vertx.deployVerticle(agent).await(10, TimeUnit.SECONDS);
    return new Deployed(context, agent);
  }

  private static List<String[]> lines(Path file) {
    try {
      return Files.exists(file) ? Files.readAllLines(file).stream().map(l -> l.split(" ")).toList() : List.of();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  @Test
  @DisplayName("heartbeat: one line '<epochMillis> <nodeId> <epoch> <seq>' every everyMs in <dir>/<id>@<node>.hb, seq from 0, time rising")
  void beatsIntoItsOwnFile() throws Exception {
    long before = System.currentTimeMillis();
    deploy("hb-1", "heartbeat", new JsonObject().put("dir", dir.toString()).put("everyMs", 50), 7, null);
    Path file = dir.resolve("hb-1@node-a.hb");
    await().atMost(Duration.ofSeconds(10)).until(() -> lines(file).size() >= 10);
    List<String[]> beats = lines(file);
    long previous = before - 1;
    for (int i = 0; i < beats.size(); i++) {
      String[] b = beats.get(i);
      assertThat(b).hasSize(4);
      assertThat(b[1]).isEqualTo("node-a");
      assertThat(b[2]).isEqualTo("7");
      assertThat(Long.parseLong(b[3])).isEqualTo(i);
      assertThat(Long.parseLong(b[0])).isGreaterThan(previous);
      previous = Long.parseLong(b[0]);
    }
    // ten periods after the first beat, not a burst
    assertThat(Long.parseLong(beats.get(9)[0]) - Long.parseLong(beats.get(0)[0])).isGreaterThanOrEqualTo(9 * 50 - 20);
  }

  @Test
  @DisplayName("heartbeat: a suspension stops the beats (an accounted timer), a resume continues them with the next seq")
  void suspensionStopsTheBeats() throws Exception {
    AgentContextImpl context = deploy("hb-2", "heartbeat", new JsonObject().put("dir", dir.toString()).put("everyMs", 20), 1, null)
        .context();
    Path file = dir.resolve("hb-2@node-a.hb");
    await().atMost(Duration.ofSeconds(10)).until(() -> lines(file).size() >= 3);
    context.onContext(() -> {
      context.suspend();
      return null;
    }).await(5, TimeUnit.SECONDS);
    long suspendedAt = System.currentTimeMillis();
    // for 25 periods no beat is stamped after the suspension (one already stamped may still land)
    await().during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(3))
        .until(() -> lines(file).stream().allMatch(b -> Long.parseLong(b[0]) <= suspendedAt));
    int whileSuspended = lines(file).size();
    context.onContext(() -> {
      context.resume();
      return null;
    }).await(5, TimeUnit.SECONDS);
    await().atMost(Duration.ofSeconds(10)).until(() -> lines(file).size() >= whileSuspended + 3);
    List<String[]> beats = lines(file);
    for (int i = 0; i < beats.size(); i++) {
      assertThat(Long.parseLong(beats.get(i)[3])).isEqualTo(i);
    }
  }

  @Test
  @DisplayName("heartbeat config: dir is required and absolute, everyMs bounded; unknown keys refused")
  void configIsChecked() {
    var factory = SampleAgents.all().stream().filter(f -> f.type().equals("heartbeat")).findFirst().orElseThrow();
    assertThat(factory.configKeys()).containsExactly("dir", "everyMs");
    for (JsonObject bad : List.of(new JsonObject(), new JsonObject().put("dir", "relative/dir"),
        new JsonObject().put("dir", "/tmp/x\u0000y"), new JsonObject().put("dir", "/tmp").put("everyMs", 1),
        new JsonObject().put("dir", "/tmp").put("other", 1))) {
      org.assertj.core.api.Assertions.assertThatThrownBy(() -> factory.create(bad)).as(bad.encode())
          .isInstanceOf(io.agentgovernor.bus.GovernorException.class);
    }
  }

  @Test
  @DisplayName("ledger: counts messages by id in order, logs each with node and epoch, and its ids survive snapshot and restore")
  void ledgerKeepsWhatItCounted() throws Exception {
    JsonObject config = new JsonObject().put("dir", dir.toString());
    Deployed first = deploy("led-1", "ledger", config, 3, null);
    for (int i = 0; i < 20; i++) {
      vertx.eventBus().send(Addresses.agentInbox("led-1"), new JsonObject().put("id", "m" + i));
    }
    vertx.eventBus().send(Addresses.agentInbox("led-1"), new JsonObject().put("id", "not an id"));
    Path file = dir.resolve("led-1@node-a.ledger");
    await().atMost(Duration.ofSeconds(10)).until(() -> lines(file).size() == 20);
    assertThat(lines(file)).allSatisfy(l -> assertThat(l).hasSize(4).contains("node-a", "3"));
    assertThat(lines(file).stream().map(l -> l[3])).containsExactly(ids(0, 20));
    await().atMost(Duration.ofSeconds(5)).until(() -> first.status().getLong("count") == 21);
    JsonObject snapshot = first.context().onContext(first.agent()::snapshot).await(5, TimeUnit.SECONDS);
    assertThat(first.status().getLong("anonymous")).isEqualTo(1);
    vertx.undeploy(first.context().onContext(() -> first.agent().deploymentID()).await(5, TimeUnit.SECONDS))
        .await(5, TimeUnit.SECONDS);
    first.context().close().await(5, TimeUnit.SECONDS);

    Deployed second = deploy("led-1", "ledger", config, 4, snapshot);
    for (int i = 20; i < 25; i++) {
      vertx.eventBus().send(Addresses.agentInbox("led-1"), new JsonObject().put("id", "m" + i));
    }
    await().atMost(Duration.ofSeconds(5)).until(() -> second.status().getLong("count") == 26);
    assertThat(second.status().getJsonArray("ids").stream().map(String::valueOf)).containsExactly(ids(0, 25));
    await().atMost(Duration.ofSeconds(5)).until(() -> lines(file).size() == 25);
    assertThat(lines(file).subList(20, 25)).allSatisfy(l -> assertThat(l[2]).isEqualTo("4"));
  }

  private static String[] ids(int from, int to) {
    return java.util.stream.IntStream.range(from, to).mapToObj(i -> "m" + i).toArray(String[]::new);
  }
}
