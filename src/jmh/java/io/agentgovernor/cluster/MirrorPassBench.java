package io.agentgovernor.cluster;

import com.hazelcast.aggregation.Aggregator;
import com.hazelcast.config.Config;
import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What one reconciliation pass of a {@link MapMirror} costs the cluster, against what a pass read
 * before digests (every entry's fingerprint), and against visiting every entry at all, in the same
 * run. Members in this JVM on loopback; the mirror runs on the second; the map holds
 * registration-sized JSON values (~1 KB).
 *
 * <p>Per mode and round: wall time, CPU of the whole process (all members: the owners do most of
 * the work) and bytes allocated by all its threads. Modes, their order rotated each round:
 * <ul>
 *   <li>{@code pass}: {@link MapMirror#reconcile()} with nothing to repair;</li>
 *   <li>{@code pass-10-missed}: the same on a mirror that misses every event, after 10 entries
 *       changed (it must repair exactly those 10);</li>
 *   <li>{@code fingerprints}: the read a pass made before (a {@link MapMirror.Fingerprint} of every
 *       entry) and the set of keys it built; a lower bound of the pass before;</li>
 *   <li>{@code visit}: an aggregation that only counts the entries (the floor of any pass that
 *       looks at every entry on its owner).</li>
 * </ul>
 * Usage: {@code MirrorPassBench entries members rounds out} (writes {@code out.run.md} and {@code out.csv}).
 */
public final class MirrorPassBench {

  private static final String[] MODES = {"pass", "pass-10-missed", "fingerprints", "visit"};

  private MirrorPassBench() {
  }

  public static void main(String[] args) throws IOException {
    int entries = Integer.parseInt(args[0]);
    int memberCount = Integer.parseInt(args[1]);
    int rounds = Integer.parseInt(args[2]);
    Path out = Path.of(args[3]);
    List<HazelcastInstance> members = new ArrayList<>();
    for (int i = 0; i < memberCount; i++) {
      members.add(Hazelcast.newHazelcastInstance(config(memberCount)));
    }
    try {
      run(members, entries, rounds, out);
    } finally {
      members.forEach(HazelcastInstance::shutdown);
    }
  }

  private static Config config(int memberCount) {
    Config c = new Config().setClusterName("mirror-pass-" + ProcessHandle.current().pid());
    // no periodic passes: only the timed ones run (a periodic one would repair the missed changes first)
    c.setProperty(MapMirror.RECONCILE_PROPERTY, "0");
    c.getNetworkConfig().setPort(5901).setPortAutoIncrement(true);
    c.getNetworkConfig().getInterfaces().setEnabled(true).addInterface("127.0.0.1");
    c.getNetworkConfig().getJoin().getMulticastConfig().setEnabled(false);
    c.getNetworkConfig().getJoin().getAutoDetectionConfig().setEnabled(false);
    for (int i = 0; i < memberCount; i++) {
      c.getNetworkConfig().getJoin().getTcpIpConfig().setEnabled(true).addMember("127.0.0.1:" + (5901 + i));
    }
    return c;
  }

  private static String value(String key, long version) {
    return new JsonObject().put("id", key).put("version", version).put("node", "node-" + (version % 3))
        .put("config", new JsonObject().put("padding", "x".repeat(900))).encode();
  }

  private static void run(List<HazelcastInstance> members, int entries, int rounds, Path out) throws IOException {
    IMap<String, String> writer = members.get(0).getMap("bench.registrations");
    Map<String, String> batch = new HashMap<>();
    for (int i = 0; i < entries; i++) {
      batch.put("agent-" + i, value("agent-" + i, 1));
      if (batch.size() == 1_000) {
        writer.putAll(batch);
        batch.clear();
      }
    }
    writer.putAll(batch);
    HazelcastInstance host = members.get(1 % members.size());
    IMap<String, String> map = host.getMap("bench.registrations");
    Map<String, JsonObject> heard = new ConcurrentHashMap<>();
    MapMirror mirror = new MapMirror(host, map, MapMirror.Target.json(heard)).start();
    MapMirror deaf = new MapMirror(host, map, MapMirror.Target.json(new ConcurrentHashMap<>())).start();
    deaf.deafen();
    Map<String, List<double[]>> results = new HashMap<>();
    long version = 1;
    for (int round = 0; round < rounds; round++) {
      for (int m = 0; m < MODES.length; m++) {
        String mode = MODES[(m + round) % MODES.length];
        if (mode.equals("pass-10-missed")) {
          version++;
          List<String> changed = new ArrayList<>();
          for (int i = 0; i < 10; i++) {
            String key = "agent-" + ((round * 7_919L + i * 104_729L) % entries);
            writer.set(key, value(key, version));
            changed.add(key);
          }
          awaitEvents(heard, changed, version);
        }
        System.gc();
        long alloc0 = allocated();
        long cpu0 = processCpu();
        long wall0 = System.nanoTime();
        long seen = switch (mode) {
          case "pass" -> check(mirror.reconcile(), 0, mode);
          case "pass-10-missed" -> check(deaf.reconcile(), 10, mode);
          case "fingerprints" -> fingerprints(map);
          default -> map.aggregate(new Count());
        };
        double wall = (System.nanoTime() - wall0) / 1e6;
        double cpu = (processCpu() - cpu0) / 1e6;
        double mb = (allocated() - alloc0) / 1e6;
        if (round > 0) { // the first round warms the code up
          results.computeIfAbsent(mode, k -> new ArrayList<>()).add(new double[] {wall, cpu, mb});
        }
        System.out.printf(Locale.ROOT, "round %d %-15s wall %7.1f ms cpu %7.1f ms alloc %7.1f MB (%d)%n",
            round, mode, wall, cpu, mb, seen);
      }
    }
    long fetched = deaf.bucketsFetched();
    mirror.stop();
    deaf.stop();
    report(results, entries, members.size(), rounds, fetched, out);
  }

  /** Waits (at most 10 s) until the listening mirror heard the writes, so their events do not land in a timed pass. */
  private static void awaitEvents(Map<String, JsonObject> heard, List<String> keys, long version) {
    long deadline = System.nanoTime() + 10_000_000_000L;
    while (!keys.stream().allMatch(k -> heard.containsKey(k) && heard.get(k).getLong("version") == version)) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("the listening mirror did not hear " + keys + " within 10 s");
      }
      Thread.onSpinWait();
    }
  }

  private static long check(int repaired, int expected, String mode) {
    if (repaired != expected) {
      throw new IllegalStateException(mode + ": repaired " + repaired + ", expected " + expected);
    }
    return repaired;
  }

  private static long fingerprints(IMap<String, String> map) {
    Set<String> keys = new HashSet<>();
    for (Map.Entry<String, Integer> e : map.project(new MapMirror.Fingerprint())) {
      keys.add(e.getKey());
    }
    return keys.size();
  }

  private static long processCpu() {
    return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
  }

  private static long allocated() {
    com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    long sum = 0;
    for (long a : threads.getThreadAllocatedBytes(threads.getAllThreadIds())) {
      sum += Math.max(a, 0);
    }
    return sum;
  }

  private static void report(Map<String, List<double[]>> results, int entries, int members, int rounds, long fetched,
                             Path out) throws IOException {
    StringBuilder md = new StringBuilder();
    StringBuilder csv = new StringBuilder("mode,entries,members,rounds,wall_ms_median,cpu_ms_mean,alloc_mb_median\n");
    double[] before = summary(results.get("fingerprints"));
    md.append(String.format(Locale.ROOT, "%,d entries of ~1 KB, %d members in one JVM, mirror on the second; %d timed "
        + "rounds after one warm-up (modes rotated each round). CPU is the whole process's (the owners do most of the "
        + "work), as a mean (10 ms ticks); wall and allocation are medians.%n%n", entries, members, rounds - 1));
    md.append("| mode | wall ms | CPU ms | allocated MB | CPU ÷ fingerprints | allocated ÷ fingerprints |\n");
    md.append("| --- | ---: | ---: | ---: | ---: | ---: |\n");
    for (String mode : MODES) {
      double[] s = summary(results.get(mode));
      md.append(String.format(Locale.ROOT, "| %s | %.1f | %.1f | %.1f | %.2f× | %.3f× |%n",
          mode, s[0], s[1], s[2], s[1] / before[1], s[2] / before[2]));
      csv.append(String.format(Locale.ROOT, "%s,%d,%d,%d,%.2f,%.2f,%.2f%n", mode, entries, members, rounds - 1,
          s[0], s[1], s[2]));
    }
    md.append(String.format(Locale.ROOT, "%nBuckets whose fingerprints the missing-events mirror read: %d in %d passes "
        + "(%d buckets of keys; 10 changed entries per pass).%n", fetched, rounds, MapMirror.BUCKETS));
    Files.writeString(Path.of(out + ".run.md"), md);
    Files.writeString(Path.of(out + ".csv"), csv);
  }

  /** Median wall, mean CPU, median allocation. */
  private static double[] summary(List<double[]> rows) {
    double[] wall = rows.stream().mapToDouble(r -> r[0]).sorted().toArray();
    double[] mb = rows.stream().mapToDouble(r -> r[2]).sorted().toArray();
    double cpu = rows.stream().mapToDouble(r -> r[1]).average().orElse(Double.NaN);
    return new double[] {median(wall), cpu, median(mb)};
  }

  private static double median(double[] sorted) {
    return sorted.length == 0 ? Double.NaN : sorted[sorted.length / 2];
  }

  /** Counts the entries: visits each on its owner and nothing more. */
  static final class Count implements Aggregator<Map.Entry<String, String>, Long> {
    private static final long serialVersionUID = 1L;
    private long count;

    @Override
    public void accumulate(Map.Entry<String, String> entry) {
      count++;
    }

    @Override
    public void combine(Aggregator aggregator) {
      count += ((Count) aggregator).count;
    }

    @Override
    public Long aggregate() {
      return count;
    }
  }
}
