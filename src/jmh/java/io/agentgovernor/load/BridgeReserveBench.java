package io.agentgovernor.load;

import io.agentgovernor.budget.Budgets;
import io.agentgovernor.budget.Reservation;
import io.agentgovernor.budget.ReserveOptions;
import io.agentgovernor.bus.Addresses;
import io.agentgovernor.node.GovernorNode;
import io.vertx.core.json.JsonObject;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A reservation over the bridge as an outside agent sees it: one TCP client (blocking, the wire
 * format any process writes) registered as an agent, timing the round trip of a
 * {@code governor.bridge.reserve} frame granted from the slice the node holds, and of the
 * {@code governor.bridge.commit} that settles it. Baseline, same connection, same run: a
 * {@code ping} → {@code pong} round trip (the bridge's cheapest answer: framing, the socket, the
 * event loop, no budget). Context: the same reserve + commit in the node's JVM through
 * {@code Budgets.reserve} (what {@code AgentContext.reserve} calls), without the wire. The
 * series are interleaved, {@code n} of each after a warm-up of 500. One node, in this JVM.
 *
 * <p>{@code java -cp target/benchmarks.jar io.agentgovernor.load.BridgeReserveBench n outPrefix}
 */
public final class BridgeReserveBench {

  private static final int WARMUP = 500;
  private static final String AGENT = "bench-outside";

  public static void main(String[] args) throws Exception {
    int n = args.length > 0 ? Integer.parseInt(args[0]) : 5000;
    Path out = Path.of(args.length > 1 ? args[1] : "load-tests/results/bridge-reserve");
    Files.createDirectories(out.toAbsolutePath().getParent());
    int bridgePort;
    try (ServerSocket s = new ServerSocket(0)) {
      bridgePort = s.getLocalPort();
    }
    GovernorNode node = LoadNodes.start("bridge-bench", LoadNodes.randomClusterName(), LoadNodes.randomClusterPort(),
        List.of(), "bridge:\n  port: " + bridgePort + "\n");
    try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), bridgePort)) {
      socket.setTcpNoDelay(true);
      Wire wire = new Wire(socket);
      LoadNodes.request(node, Addresses.BUDGET_CREATE, new JsonObject().put("id", "bridge-bench").put("resource", "bench_tokens")
          .put("amount", 1_000_000_000_000L).put("window", "lifetime").put("scope", "cluster"));
      JsonObject registered = wire.request("governor.bridge.register", new JsonObject().put("id", AGENT).put("group", "standard_agent"));
      if (!"message".equals(registered.getString("type"))) {
        throw new IllegalStateException("register refused: " + registered);
      }
      for (int i = 0; i < WARMUP; i++) {
        round(node, wire);
      }
      double[] ping = new double[n];
      double[] reserve = new double[n];
      double[] commit = new double[n];
      double[] inJvm = new double[n];
      for (int i = 0; i < n; i++) {
        double[] r = round(node, wire);
        ping[i] = r[0];
        reserve[i] = r[1];
        commit[i] = r[2];
        inJvm[i] = r[3];
      }
      report(out, n, ping, reserve, commit, inJvm);
    } finally {
      LoadNodes.close(node);
    }
    System.exit(0);
  }

  /** One of each, in ms: ping, bridge reserve, bridge commit, in-JVM reserve + commit. */
  private static double[] round(GovernorNode node, Wire wire) throws Exception {
    long t0 = System.nanoTime();
    wire.ping();
    long t1 = System.nanoTime();
    JsonObject granted = wire.request("governor.bridge.reserve", new JsonObject().put("id", AGENT)
        .put("resource", "bench_tokens").put("amount", 10));
    long t2 = System.nanoTime();
    JsonObject body = granted.getJsonObject("body");
    if (body == null || !"granted".equals(body.getString("status"))) {
      throw new IllegalStateException("not granted: " + granted);
    }
    JsonObject settled = wire.request("governor.bridge.commit", new JsonObject().put("id", AGENT)
        .put("reservation", body.getString("id")).put("actual", 7));
    long t3 = System.nanoTime();
    if (!"message".equals(settled.getString("type"))) {
      throw new IllegalStateException("commit refused: " + settled);
    }
    long t4 = System.nanoTime();
    Reservation r = Budgets.reserve(node.vertx(), node.nodeId(), "bench-inside", "standard_agent", 0, "bench_tokens", 10,
        ReserveOptions.defaults()).await(30, TimeUnit.SECONDS);
    r.commit(7).await(30, TimeUnit.SECONDS);
    long t5 = System.nanoTime();
    return new double[] {(t1 - t0) / 1e6, (t2 - t1) / 1e6, (t3 - t2) / 1e6, (t5 - t4) / 1e6};
  }

  /** The bridge's framing over a blocking socket: a 4-byte big-endian length, then UTF-8 JSON. */
  private static final class Wire {
    private final DataInputStream in;
    private final DataOutputStream out;
    private long next;

    Wire(Socket socket) throws IOException {
      in = new DataInputStream(socket.getInputStream());
      out = new DataOutputStream(socket.getOutputStream());
    }

    void send(JsonObject frame) throws IOException {
      byte[] bytes = frame.encode().getBytes(StandardCharsets.UTF_8);
      out.writeInt(bytes.length);
      out.write(bytes);
      out.flush();
    }

    JsonObject read() throws IOException {
      byte[] bytes = new byte[in.readInt()];
      in.readFully(bytes);
      return new JsonObject(new String(bytes, StandardCharsets.UTF_8));
    }

    void ping() throws IOException {
      send(new JsonObject().put("type", "ping"));
      for (int i = 0; i < 1000; i++) {
        if ("pong".equals(read().getString("type"))) {
          return;
        }
      }
      throw new IllegalStateException("no pong within 1000 frames");
    }

    /** The reply frame (a message or an err) to a request; other frames are skipped, at most 1000. */
    JsonObject request(String address, JsonObject body) throws IOException {
      String reply = "r" + next++;
      send(new JsonObject().put("type", "send").put("address", address).put("replyAddress", reply).put("body", body));
      for (int i = 0; i < 1000; i++) {
        JsonObject frame = read();
        if (reply.equals(frame.getString("address"))) {
          return frame;
        }
      }
      throw new IllegalStateException("no reply to " + address + " within 1000 frames");
    }
  }

  private static void report(Path out, int n, double[] ping, double[] reserve, double[] commit, double[] inJvm)
      throws Exception {
    try (PrintWriter w = new PrintWriter(Files.newBufferedWriter(Path.of(out + ".csv")))) {
      w.println("i,ping_ms,bridge_reserve_ms,bridge_commit_ms,in_jvm_reserve_commit_ms");
      for (int i = 0; i < n; i++) {
        w.printf("%d,%.4f,%.4f,%.4f,%.4f%n", i, ping[i], reserve[i], commit[i], inJvm[i]);
      }
    }
    List<String> lines = new ArrayList<>();
    lines.add(String.format("## %d reservations over the bridge, granted from the slice the node holds%n", n));
    lines.add("| series | p50 ms | p90 ms | p99 ms | p99.9 ms | max ms |");
    lines.add("| --- | --- | --- | --- | --- | --- |");
    lines.add(row("`governor.bridge.reserve` round trip (10 tokens, granted)", reserve));
    lines.add(row("`governor.bridge.commit` round trip", commit));
    lines.add(row("baseline: `ping` → `pong` on the same connection", ping));
    lines.add(row("context: in the node's JVM, `Budgets.reserve` + `commit`", inJvm));
    lines.add("");
    lines.add(String.format("Ratio reserve / ping: p50 %.2f×, p99 %.2f×; commit / ping: p50 %.2f×, p99 %.2f×.",
        Stats.median(reserve) / Stats.median(ping), Stats.percentile(reserve, 99) / Stats.percentile(ping, 99),
        Stats.median(commit) / Stats.median(ping), Stats.percentile(commit, 99) / Stats.percentile(ping, 99)));
    Files.write(Path.of(out + ".run.md"), lines);
    lines.forEach(System.out::println);
  }

  private static String row(String name, double[] v) {
    return String.format("| %s | %.3f | %.3f | %.3f | %.3f | %.3f |", name, Stats.percentile(v, 50), Stats.percentile(v, 90),
        Stats.percentile(v, 99), Stats.percentile(v, 99.9), Stats.percentile(v, 100));
  }
}
