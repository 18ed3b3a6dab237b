package io.agentgovernor.bridge;

import io.agentgovernor.agent.LocalAgent;

import io.agentgovernor.agent.AgentFactory;
import io.agentgovernor.bridge.cgroup.CgroupCounters;
import io.agentgovernor.bridge.cgroup.Cgroups;
import io.agentgovernor.bus.Addresses;
import io.agentgovernor.bus.ErrorCode;
import io.agentgovernor.bus.GovernorException;
import io.agentgovernor.agent.RuntimeContext;
import io.agentgovernor.quota.CompiledQuota;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.function.BiConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code process} agent type of a node: agents whose process the node starts itself
 * ({@code {"command": [argv...], "env"?, "cwd"?, "output"?}}), each in its own cgroup, governed
 * whether or not the process ever speaks the bridge protocol. When the node serves the bridge, the
 * process finds in its environment {@code GOVERNOR_BRIDGE_HOST}, {@code GOVERNOR_BRIDGE_PORT},
 * {@code GOVERNOR_AGENT_ID} and {@code GOVERNOR_AGENT_SECRET}: registering with
 * {@code {"id", "secret"}} binds its connection to its agent, whose inbox and control messages were
 * kept for it meanwhile. Its lease never expires: the node, not a connection, keeps it alive.
 */
public final class ProcessAgents {

  /** The type name. */
  public static final String TYPE = "process";

  private static final Logger LOG = LoggerFactory.getLogger(ProcessAgents.class);

  /** What a process agent needs of the bridge, when the node serves one. */
  interface Link {
    /** Gives the agent a secret and a lease that never expires; the future holds the secret's text. */
    Future<String> adopt(String agentId, ExternalAgent agent);

    String host();

    int port();
  }

  private final Vertx vertx;
  private final RuntimeContext node;
  private final ProcessConfig config;
  private final Cgroups cgroups;
  private final Link bridge;

  ProcessAgents(Vertx vertx, RuntimeContext node, Link bridge) {
    this.vertx = vertx;
    this.node = node;
    this.config = ProcessConfig.fromJson(node.config().section("process"));
    this.cgroups = Cgroups.of(Path.of(config.cgroupRoot()), config.cgroups(), Path.of("/proc/self/cgroup"),
        node.nodeId(), config.cpuPeriodUs());
    this.bridge = bridge;
  }

  /** Registers the type on a node that serves no bridge (the bridge registers it otherwise). */
  public static void registerWithoutBridge(Vertx vertx, RuntimeContext node) {
    node.agentTypes().register(new ProcessAgents(vertx, node, null).type((id, agent) -> { }));
  }

  ProcessConfig config() {
    return config;
  }

  Cgroups cgroups() {
    return cgroups;
  }

  CompiledQuota quota(String agentId) {
    return node.quotaIndex().get(agentId);
  }

  /** Where the agent's stdout and stderr go unless its config names a file. */
  Path output(String agentId) {
    Path dir = config.outputDir().isEmpty() ? Path.of(node.config().dataDir(), "process-agents")
        : Path.of(config.outputDir());
    return dir.resolve(agentId + ".log");
  }

  /** The variables the process gets from the node: who it is, and how to reach the bridge. */
  Future<Map<String, String>> environment(String agentId, ExternalAgent agent) {
    Map<String, String> env = new HashMap<>();
    env.put("GOVERNOR_AGENT_ID", agentId);
    env.put("GOVERNOR_NODE_ID", node.nodeId());
    if (bridge == null) {
      return Future.succeededFuture(env);
    }
    return bridge.adopt(agentId, agent).map(secret -> {
      env.put("GOVERNOR_BRIDGE_HOST", bridge.host());
      env.put("GOVERNOR_BRIDGE_PORT", String.valueOf(bridge.port()));
      env.put("GOVERNOR_AGENT_SECRET", secret);
      return env;
    });
  }

  /**
   * Records that the kernel's OOM killer killed processes of the agent at its memory limit, as an
   * enforcement event (the ladder's history and feed), with its cause.
   */
  void recordOomKill(String agentId, long killed, long limit, CgroupCounters counters, Integer exitCode) {
    JsonObject event = new JsonObject().put("agentId", agentId).put("resource", "memory").put("violation", "hard")
        .put("current", limit).put("limit", limit).put("action", "terminate")
        .put("reason", "the kernel's OOM killer killed " + killed + " process(es) of the agent's cgroup at its memory "
            + "limit of " + limit + " bytes")
        .put("cause", "oom_kill").put("enforcedBy", "kernel")
        .put("detail", new JsonObject().put("killed", killed).put("exitCode", exitCode)
            .put("oomKills", counters == null ? null : counters.oomKills())
            .put("memoryFailcnt", counters == null ? null : counters.memoryFailcnt()));
    vertx.eventBus().request(Addresses.ENFORCEMENT_RECORD, event)
        .onFailure(e -> LOG.warn("process agent {}: OOM kill not recorded: {}", agentId, e.toString()));
  }

  /** The factory; {@code onStopped} is told when an agent stops (its bridge lease ends with it). */
  AgentFactory type(BiConsumer<String, ExternalAgent> onStopped) {
    return AgentFactory.of(TYPE,
        "a process the node starts itself (command, env, cwd), in its own cgroup; it may connect to the bridge",
        ProcessSpec.KEYS, config -> {
          ProcessSpec spec = ProcessSpec.fromJson(config);
          if (!ProcessAgents.this.config.enabled()) {
            throw new GovernorException(ErrorCode.INVALID_REQUEST, "process agents are turned off (process.enabled)");
          }
          return new ExternalAgent(new ProcessDriver(ProcessAgents.this,
              new ProcessSupervisor(spec, cgroups, ProcessAgents.this.config.cpuPeriodUs())), onStopped,
              (id, agent) -> {
                LocalAgent handle = node.localAgents().get(id);
                return handle != null && handle.agent() == agent ? handle.meter() : null;
              });
        });
  }
}
