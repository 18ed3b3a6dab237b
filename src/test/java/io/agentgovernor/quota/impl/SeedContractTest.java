package io.agentgovernor.quota.impl;

import static io.agentgovernor.testing.TestNodes.request;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.agentgovernor.cluster.VersionedWrites;
import io.agentgovernor.agent.AgentFactory;
import io.agentgovernor.agent.GovernedAgent;
import io.agentgovernor.bus.Addresses;
import io.agentgovernor.bus.ErrorCode;
import io.agentgovernor.config.ConfigLoader;
import io.agentgovernor.node.GovernorNode;
import io.agentgovernor.quota.QuotaConfig;
import io.agentgovernor.quota.QuotaGroup;
import io.agentgovernor.testing.TestNodes;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.file.OpenOptions;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The seed's groups on a real node (a cluster of one): admission, conf against stored groups, disk. */
class SeedContractTest {

  private static GovernorNode node;

  @BeforeAll
  static void startNode() {
    node = TestNodes.start(TestNodes.config(TestNodes.randomClusterName(), TestNodes.randomClusterPort(), "seed", List.of())
        .with("degradation.enabled", false).with("monitor.intervalMs", 200));
    node.context().agentTypes().register(DiskWriter.FACTORY);
  }

  @AfterAll
  static void stopNode() {
    TestNodes.closeAll(node);
  }

  private static ErrorCode failureOf(String address, JsonObject body) {
    try {
      request(node, address, body);
    } catch (ReplyException e) {
      return ErrorCode.ofFailureCode(e.failureCode());
    }
    throw new AssertionError("expected " + address + " to fail for " + body);
  }

  @Test
  @DisplayName("50 lightweight agents run on one node at the seed's limits; the promise of 80 (soft limits × overcommit 4 against 1 GB) is the cap, memory binding")
  void fiftyLightweightAgents() {
    for (int i = 0; i < 50; i++) {
      request(node, Addresses.AGENT_DEPLOY, new JsonObject().put("id", "lw-" + i).put("type", "idle")
          .put("group", "lightweight_agent"));
    }
    JsonObject page = request(node, Addresses.QUOTA_LIST, new JsonObject().put("group", "lightweight_agent").put("limit", 1000));
    assertThat(page.getInteger("total")).isEqualTo(50);
    assertThat(request(node, Addresses.AGENT_GET, new JsonObject().put("id", "lw-49")).getString("state")).isEqualTo("running");
    // 50 × 100 MB of hard limits is five times the 1 GB total: summing hard limits would have stopped at 10
    for (int i = 50; i < 80; i++) {
      request(node, Addresses.QUOTA_CREATE, new JsonObject().put("agentId", "lw-" + i).put("group", "lightweight_agent"));
    }
    ReplyException refused = null;
    try {
      request(node, Addresses.QUOTA_CREATE, new JsonObject().put("agentId", "lw-80").put("group", "lightweight_agent"));
    } catch (ReplyException e) {
      refused = e;
    }
    assertThat(refused).isNotNull();
    assertThat(ErrorCode.ofFailureCode(refused.failureCode())).isEqualTo(ErrorCode.ADMISSION_REFUSED);
    assertThat(refused.getMessage()).contains("total for memory is 1000000000 (overcommit 4.0)")
        .contains("promised 4000000000");
    assertThat(failureOf(Addresses.QUOTA_GET, new JsonObject().put("agentId", "lw-80"))).isEqualTo(ErrorCode.NOT_FOUND);
    for (int i = 0; i < 80; i++) {
      if (i < 50) {
        request(node, Addresses.AGENT_UNDEPLOY, new JsonObject().put("id", "lw-" + i));
      }
      try {
        request(node, Addresses.QUOTA_DELETE, new JsonObject().put("agentId", "lw-" + i));
      } catch (ReplyException gone) {
        // undeploy cleaned it up already
      }
    }
  }

  @Test
  @DisplayName("conf against stored groups: the same definition keeps run-time changes; an edited one replaces the stored group; one stored before fingerprints is replaced")
  void configuredAgainstStored() {
    QuotaStore store = new QuotaStore(node.context().hazelcast(), node.context().quotaIndex(), node.context().clock());
    QuotaGroup configured = QuotaConfig.fromJson(ConfigLoader.builtInDefaults().getJsonObject("quota"))
        .groups().get("standard_agent");
    // the node seeded it at start: the same definition is kept
    assertThat(store.seedGroup(configured)).isEqualTo(VersionedWrites.Seeded.KEPT);

    // changed at run time, then a restart with the same conf/: the run-time change stays
    JsonObject changed = configured.toJson().put("description", "changed at run time");
    request(node, Addresses.GROUP_PUT, changed);
    assertThat(store.seedGroup(configured)).isEqualTo(VersionedWrites.Seeded.KEPT);
    assertThat(store.group("standard_agent").description()).isEqualTo("changed at run time");

    // conf/ edited since: the configured definition wins, at the next version
    long before = new JsonObject(node.context().hazelcast().<String, String>getMap("governor.groups")
        .get("standard_agent")).getLong("version", -1L);
    QuotaGroup edited = QuotaGroup.fromJson(configured.toJson().put("description", "edited in conf"));
    assertThat(store.seedGroup(edited)).isEqualTo(VersionedWrites.Seeded.REPLACED);
    assertThat(store.group("standard_agent")).isEqualTo(edited);
    await().atMost(Duration.ofSeconds(5)).until(() -> edited.equals(node.context().quotaIndex().group("standard_agent")));
    String storedNow = node.context().hazelcast().<String, String>getMap("governor.groups").get("standard_agent");
    assertThat(new JsonObject(storedNow).getLong("version")).isGreaterThan(before);

    // a group stored before fingerprints existed (no "conf"): the configuration wins
    node.context().hazelcast().<String, String>getMap("governor.groups")
        .put("standard_agent", configured.toJson().put("description", "old").put("version", 99).encode());
    assertThat(store.seedGroup(configured)).isEqualTo(VersionedWrites.Seeded.REPLACED);
    assertThat(store.group("standard_agent")).isEqualTo(configured);
  }

  @Test
  @DisplayName("disk: the bytes of a file an agent wrote through its context, measured on disk, not counted as network")
  void diskMeasured(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("out.bin");
    request(node, Addresses.AGENT_DEPLOY, new JsonObject().put("id", "writer").put("type", DiskWriter.TYPE)
        .put("group", "standard_agent").put("config", new JsonObject().put("path", file.toString()).put("bytes", 300_000)));
    await().atMost(Duration.ofSeconds(10)).ignoreExceptions().until(() -> request(node, Addresses.MONITOR_USAGE,
        new JsonObject().put("agentId", "writer")).getJsonObject("usage").getDouble("disk") == 300_000.0);
    assertThat(Files.size(file)).isEqualTo(300_000);
    JsonObject usage = request(node, Addresses.MONITOR_USAGE, new JsonObject().put("agentId", "writer")).getJsonObject("usage");
    assertThat(usage.getDouble("network")).isZero();
    Files.delete(file);
    await().atMost(Duration.ofSeconds(10)).ignoreExceptions().until(() -> request(node, Addresses.MONITOR_USAGE,
        new JsonObject().put("agentId", "writer")).getJsonObject("usage").getDouble("disk") == 0.0);
    request(node, Addresses.AGENT_UNDEPLOY, new JsonObject().put("id", "writer"));
  }

  /** Writes {@code bytes} zeros to {@code path} through its context, then idles. */
  static final class DiskWriter extends GovernedAgent {
    static final String TYPE = "disk-writer";
    static final AgentFactory FACTORY = AgentFactory.of(TYPE, "writes a file through its context (tests)", List.of("path", "bytes"),
        config -> new DiskWriter(config.getString("path"), config.getInteger("bytes")));

    private final String path;
    private final int bytes;

    DiskWriter(String path, int bytes) {
      this.path = path;
      this.bytes = bytes;
    }

    @Override
    protected Future<?> onStart() {
      return agent().openFile(path, new OpenOptions().setWrite(true).setCreate(true))
          .compose(f -> f.write(Buffer.buffer(new byte[bytes])).compose(v -> f.close()));
    }
  }
}
