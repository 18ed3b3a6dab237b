package io.agentgovernor.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * A network for node JVMs on this machine, built from Linux network namespaces, so a test can cut
 * real links. Each node gets a namespace with two interfaces:
 * <ul>
 *   <li>{@code cl0}, its cluster link, {@code 10.231.0.<n>/24}: a veth pair whose other end is a port
 *       of a Linux bridge in a switch namespace. Partitions act on these ports (link down/up, or bridge
 *       port isolation for a non-transitive split), on the switch side only;</li>
 *   <li>{@code hc0}, its client link, {@code 10.231.<k>.<4n+2>/30}: a veth pair to the root namespace,
 *       never cut, so the test JVM always reaches the node's HTTP API at {@link #clientAddress}.</li>
 * </ul>
 * The addresses are private and exist only in these namespaces and on the root-side client links.
 * Names carry a prefix and a run id ({@code agj<run>-...}); the run's owner PID is recorded under
 * {@code /tmp/agent-governor-netns/}, so a later run removes the leftovers of a run whose owner
 * died (its namespaces, links and the processes still inside) without touching a live run's.
 * Needs root and {@code ip netns}; without them {@link #create} fails with a message saying so.
 */
public final class NetnsCluster implements AutoCloseable {

  static final String PREFIX = "agj";
  private static final Path OWNERS = Path.of("/tmp/agent-governor-netns");
  private static final String CLUSTER_NET = "10.231.0.";

  private final String run;
  private final int clientNet;
  private final int size;
  private final List<String> namespaces = new ArrayList<>();
  private final Thread cleanupHook;
  private boolean closed;

  private NetnsCluster(String run, int clientNet, int size) {
    this.run = run;
    this.clientNet = clientNet;
    this.size = size;
    this.cleanupHook = new Thread(this::removeQuietly, "netns-cleanup-" + run);
  }

  /** Builds the switch and {@code size} node namespaces, after removing stale leftovers of dead runs. */
  public static NetnsCluster create(int size) {
    requireNetns();
    removeStale();
    String run = String.format("%04x", ThreadLocalRandom.current().nextInt(0x10000));
    NetnsCluster net = new NetnsCluster(run, freeClientNet(), size);
    Runtime.getRuntime().addShutdownHook(net.cleanupHook);
    try {
      Files.createDirectories(OWNERS);
      Files.writeString(OWNERS.resolve(run), String.valueOf(ProcessHandle.current().pid()));
      net.build();
      return net;
    } catch (IOException | RuntimeException e) {
      net.close();
      throw new IllegalStateException("could not build the namespace network: " + e.getMessage(), e);
    }
  }

  public int size() {
    return size;
  }

  /** The namespace of node {@code i} (0-based). */
  public String namespace(int i) {
    return name("n" + (i + 1));
  }

  /** Node {@code i}'s address on the cluster network (what partitions cut). */
  public String clusterAddress(int i) {
    return CLUSTER_NET + (i + 1);
  }

  /** Node {@code i}'s address on its never-cut link to the root namespace (bind its HTTP here). */
  public String clientAddress(int i) {
    return "10.231." + clientNet + "." + (4 * (i + 1) + 2);
  }

  /** The command that runs {@code command} inside node {@code i}'s namespace, in a session of its own. */
  public List<String> inNamespace(int i, List<String> command) {
    List<String> out = new ArrayList<>(List.of("ip", "netns", "exec", namespace(i), "setsid"));
    out.addAll(command);
    return out;
  }

  /** Cuts node {@code i}'s cluster link at the switch (it is alone; the others still see each other). */
  public void cut(int i) {
    ip("-n", name("sw"), "link", "set", switchPort(i), "down");
  }

  /**
   * A non-transitive split: the given nodes' switch ports are isolated from each other (bridge
   * port isolation) while each still reaches every node not in the set.
   */
  public void isolateFromEachOther(Set<Integer> nodes) {
    for (int i : nodes) {
      ip("-n", name("sw"), "link", "set", switchPort(i), "type", "bridge_slave", "isolated", "on");
    }
  }

  /** Every cluster link up and no port isolated: the network is whole again. */
  public void healAll() {
    for (int i = 0; i < size; i++) {
      ip("-n", name("sw"), "link", "set", switchPort(i), "type", "bridge_slave", "isolated", "off");
      ip("-n", name("sw"), "link", "set", switchPort(i), "up");
    }
  }

  @Override
  public void close() {
    removeQuietly();
    try {
      Runtime.getRuntime().removeShutdownHook(cleanupHook);
    } catch (IllegalStateException e) {
      // the JVM is already shutting down: the hook is what runs this
    }
  }

  private synchronized void removeQuietly() {
    if (closed) {
      return;
    }
    closed = true;
    removeRun(run);
  }

  // ---- building ----

  private void build() {
    String sw = name("sw");
    addNamespace(sw);
    ip("-n", sw, "link", "add", "br0", "type", "bridge");
    ip("-n", sw, "link", "set", "br0", "up");
    for (int i = 0; i < size; i++) {
      String ns = namespace(i);
      addNamespace(ns);
      String nodeEnd = PREFIX + run + "c" + (i + 1);
      ip("link", "add", nodeEnd, "type", "veth", "peer", "name", switchPort(i));
      ip("link", "set", nodeEnd, "netns", ns);
      ip("link", "set", switchPort(i), "netns", sw);
      ip("-n", ns, "link", "set", nodeEnd, "name", "cl0");
      ip("-n", ns, "addr", "add", clusterAddress(i) + "/24", "dev", "cl0");
      ip("-n", ns, "link", "set", "cl0", "up");
      ip("-n", sw, "link", "set", switchPort(i), "master", "br0");
      ip("-n", sw, "link", "set", switchPort(i), "up");

      String host = PREFIX + run + "h" + (i + 1);
      String inside = PREFIX + run + "k" + (i + 1);
      ip("link", "add", host, "type", "veth", "peer", "name", inside);
      ip("link", "set", inside, "netns", ns);
      ip("addr", "add", "10.231." + clientNet + "." + (4 * (i + 1) + 1) + "/30", "dev", host);
      ip("link", "set", host, "up");
      ip("-n", ns, "link", "set", inside, "name", "hc0");
      ip("-n", ns, "addr", "add", clientAddress(i) + "/30", "dev", "hc0");
      ip("-n", ns, "link", "set", "hc0", "up");
    }
  }

  private void addNamespace(String ns) {
    ip("netns", "add", ns);
    namespaces.add(ns);
    ip("-n", ns, "link", "set", "lo", "up");
  }

  private String switchPort(int i) {
    return PREFIX + run + "s" + (i + 1);
  }

  private String name(String part) {
    return PREFIX + run + "-" + part;
  }

  // ---- preconditions and leftovers ----

  private static void requireNetns() {
    if (!"root".equals(System.getProperty("user.name"))) {
      throw new IllegalStateException("the fault harness needs root (network namespaces, veth pairs): running as '"
          + System.getProperty("user.name") + "'");
    }
    Result r = run(List.of("ip", "netns", "list"));
    if (r.code != 0) {
      throw new IllegalStateException("the fault harness needs 'ip netns' (iproute2 and namespace support): " + r.output);
    }
  }

  /** A /24 under 10.231 for the client links that no address in the root namespace uses yet. */
  private static int freeClientNet() {
    String addresses = run(List.of("ip", "-o", "addr", "show")).output;
    for (int attempt = 0; attempt < 250; attempt++) {
      int k = 1 + ThreadLocalRandom.current().nextInt(250);
      if (!addresses.contains("10.231." + k + ".")) {
        return k;
      }
    }
    throw new IllegalStateException("no free 10.231.k.0/24 for client links");
  }

  /** Removes every run of the prefix whose owner process is gone. */
  static void removeStale() {
    Set<String> runs = new HashSet<>();
    for (String line : run(List.of("ip", "netns", "list")).output.split("\n")) {
      String ns = line.trim().split(" ")[0];
      if (ns.startsWith(PREFIX) && ns.length() > PREFIX.length() + 5 && ns.charAt(PREFIX.length() + 4) == '-') {
        runs.add(ns.substring(PREFIX.length(), PREFIX.length() + 4));
      }
    }
    try (var files = Files.exists(OWNERS) ? Files.list(OWNERS) : java.util.stream.Stream.<Path>empty()) {
      files.forEach(f -> runs.add(f.getFileName().toString()));
    } catch (IOException e) {
      // nothing recorded: only the namespaces tell
    }
    for (String run : runs) {
      if (!ownerAlive(run)) {
        removeRun(run);
      }
    }
  }

  private static boolean ownerAlive(String run) {
    try {
      long pid = Long.parseLong(Files.readString(OWNERS.resolve(run)).trim());
      return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
    } catch (IOException | NumberFormatException e) {
      return false;
    }
  }

  /** Kills what still runs in a run's namespaces (only our node JVMs live there), deletes them and their links. */
  private static void removeRun(String run) {
    for (String line : run(List.of("ip", "netns", "list")).output.split("\n")) {
      String ns = line.trim().split(" ")[0];
      if (!ns.startsWith(PREFIX + run + "-")) {
        continue;
      }
      for (String pid : run(List.of("ip", "netns", "pids", ns)).output.split("\\s+")) {
        if (pid.matches("\\d+")) {
          ProcessHandle.of(Long.parseLong(pid)).ifPresent(p -> {
            run(List.of("kill", "-CONT", pid)); // a stopped JVM cannot die of SIGKILL until continued on some kernels
            p.destroyForcibly();
          });
        }
      }
      run(List.of("ip", "netns", "delete", ns));
    }
    // root-side client links go with their peers; delete any left half-built
    for (String line : run(List.of("ip", "-o", "link", "show")).output.split("\n")) {
      String[] parts = line.split(":\\s+");
      if (parts.length > 1) {
        String dev = parts[1].split("@")[0];
        if (dev.startsWith(PREFIX + run)) {
          run(List.of("ip", "link", "delete", dev));
        }
      }
    }
    try {
      Files.deleteIfExists(OWNERS.resolve(run));
    } catch (IOException e) {
      // a stale owner file only costs a look next time
    }
  }

  // ---- commands ----

  private record Result(int code, String output) {
  }

  private static void ip(String... args) {
    List<String> command = new ArrayList<>(List.of("ip"));
    command.addAll(List.of(args));
    Result r = run(command);
    if (r.code != 0) {
      throw new IllegalStateException(String.join(" ", command) + " failed (" + r.code + "): " + r.output.trim());
    }
  }

  private static Result run(List<String> command) {
    try {
      Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
      byte[] out = p.getInputStream().readAllBytes();
      if (!p.waitFor(30, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        return new Result(-1, String.join(" ", command) + ": no exit within 30 s");
      }
      return new Result(p.exitValue(), new String(out, StandardCharsets.UTF_8));
    } catch (IOException e) {
      return new Result(-1, e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return new Result(-1, "interrupted");
    }
  }
}
