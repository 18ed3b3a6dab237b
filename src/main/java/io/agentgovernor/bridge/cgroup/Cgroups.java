package io.agentgovernor.bridge.cgroup;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This node's place in the host's cgroup hierarchies, where each process agent gets its own group:
 * {@code <root>/<controller>/<node's own cgroup>/agent-governor/<nodeId>/<agentId>} on a v1 host
 * (one directory per controller: cpu, cpuacct, memory, pids, freezer), or
 * {@code <root>/<node's own cgroup>/agent-governor/<nodeId>/<agentId>} on a v2 host (detected by
 * {@code <root>/cgroup.controllers}). The groups nest under the node's own cgroup, so whatever
 * limits the node is under also bound its agents, and nothing moves out of a container's or a
 * service's group. On v2 the node's cgroup must let it enable the cpu, memory and pids controllers
 * below itself (a delegated cgroup); on v1 a writable hierarchy is enough.
 *
 * <p>Where a group cannot be made (no permission, no cgroup file system, cgroups turned off), the
 * caller falls back to {@code /proc} and signals: {@link #fallBack} logs that once per node.
 * Blocking file-system calls: use from a worker.
 */
public final class Cgroups {

  public static final String PREFIX = "agent-governor";

  private static final Logger LOG = LoggerFactory.getLogger(Cgroups.class);
  private static final List<String> V2_CONTROLLERS = List.of("cpu", "memory", "pids");

  private final Path root;
  private final boolean enabled;
  private final boolean v2;
  private final Map<String, String> own;
  private final String nodeId;
  private final long cpuPeriodUs;
  private final AtomicBoolean told = new AtomicBoolean();

  private Cgroups(Path root, boolean enabled, Map<String, String> own, String nodeId, long cpuPeriodUs) {
    this.root = root;
    this.enabled = enabled;
    this.v2 = Files.isRegularFile(root.resolve("cgroup.controllers"));
    this.own = own;
    this.nodeId = nodeId;
    this.cpuPeriodUs = cpuPeriodUs;
  }

  /**
   * @param root        where the cgroup file systems are mounted ({@code /sys/fs/cgroup})
   * @param enabled     false: never make groups, always fall back
   * @param selfCgroup  this process's {@code /proc/self/cgroup}, naming its own group in each hierarchy
   */
  public static Cgroups of(Path root, boolean enabled, Path selfCgroup, String nodeId, long cpuPeriodUs) {
    return new Cgroups(root, enabled, ownGroups(selfCgroup), nodeId, cpuPeriodUs);
  }

  /** The node's own group per v1 controller, and under {@code ""} its v2 group; "/" where unknown. */
  static Map<String, String> ownGroups(Path selfCgroup) {
    Map<String, String> groups = new HashMap<>();
    try {
      for (String line : Files.readAllLines(selfCgroup)) {
        String[] f = line.split(":", 3);
        if (f.length == 3) {
          for (String controller : f[1].split(",")) {
            groups.put(controller, f[2]);
          }
        }
      }
    } catch (IOException | RuntimeException e) {
      // not Linux, or no /proc: every group starts at the hierarchy's root
    }
    return groups;
  }

  /** {@code cgroup-v1} or {@code cgroup-v2}: what this host would give an agent. */
  public String version() {
    return v2 ? "cgroup-v2" : "cgroup-v1";
  }

  /**
   * Makes the agent's group (an empty one left by an earlier copy is reused). Throws what stopped
   * it, having removed what it made.
   */
  public AgentCgroup create(String agentId) throws IOException {
    if (!enabled) {
      throw new IOException("process.cgroups is off");
    }
    if (v2) {
      Path dir = nodeDir("").resolve(agentId);
      enableControllers(dir);
      make(List.of(dir));
      return new CgroupV2(dir, cpuPeriodUs);
    }
    Map<String, Path> dirs = new LinkedHashMap<>();
    for (String controller : CgroupV1.CONTROLLERS) {
      dirs.put(controller, nodeDir(controller).resolve(agentId));
    }
    make(new ArrayList<>(dirs.values()));
    return new CgroupV1(dirs, cpuPeriodUs);
  }

  /** The directory of this node's groups in one hierarchy ({@code ""}: the v2 one). */
  Path nodeDir(String controller) {
    Path hierarchy = controller.isEmpty() ? root : root.resolve(controller);
    String self = own.getOrDefault(controller, "/");
    return hierarchy.resolve(self.replaceFirst("^/+", "")).resolve(PREFIX).resolve(nodeId);
  }

  private static void make(List<Path> dirs) throws IOException {
    List<Path> made = new ArrayList<>();
    try {
      for (Path dir : dirs) {
        if (!Files.isDirectory(dir)) {
          Files.createDirectories(dir);
          made.add(dir);
        }
      }
    } catch (IOException | SecurityException e) {
      CgroupFiles.removeAll(made);
      throw e instanceof IOException io ? new IOException("cannot create " + pathOf(e, dirs) + ": " + CgroupFiles.reason(io), e)
          : new IOException("cannot create cgroups: " + e.getMessage(), e);
    }
  }

  private static Path pathOf(Exception e, List<Path> dirs) {
    return e instanceof java.nio.file.FileSystemException fs && fs.getFile() != null ? Path.of(fs.getFile()) : dirs.get(0);
  }

  /** v2: each group from the node's own down to the agent's parent passes cpu, memory and pids on. */
  private void enableControllers(Path agentDir) throws IOException {
    Path self = root.resolve(own.getOrDefault("", "/").replaceFirst("^/+", ""));
    List<Path> chain = new ArrayList<>();
    for (Path p = agentDir.getParent(); p != null && p.startsWith(self); p = p.getParent()) {
      chain.add(0, p);
    }
    for (Path dir : chain) {
      if (!dir.equals(self)) {
        make(List.of(dir));
      }
      List<String> refused = new ArrayList<>();
      for (String controller : V2_CONTROLLERS) {
        CgroupFiles.write(dir.resolve("cgroup.subtree_control"), "+" + controller, refused);
      }
      CgroupFiles.throwIfRefused(refused);
    }
  }

  /** Logs, once per node, that agents are measured from /proc and signalled instead. */
  public void fallBack(String reason) {
    if (told.compareAndSet(false, true)) {
      LOG.warn("process agents: no cgroup ({}); measuring their process trees from /proc and signalling them instead. "
          + "Limits are then enforced by the ladder only, not by the kernel", reason);
    }
  }
}
