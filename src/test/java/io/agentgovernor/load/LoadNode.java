package io.agentgovernor.load;

import io.agentgovernor.bus.Addresses;
import io.agentgovernor.config.ConfigLoader;
import io.agentgovernor.config.NodeConfig;
import io.agentgovernor.node.GovernorNode;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.json.JsonObject;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A governor node for load tests: the same node as {@code Main} (same configuration layers, same
 * parts), plus the {@code work} agent type, plus a line protocol on standard input through which
 * the driver asks for figures from inside the JVM:
 * <ul>
 *   <li>{@code deploy N TYPE GROUP PREFIX RESTART CONFIG_JSON [QUOTA_JSON]} — deploys N agents on this node
 *       over the local event bus (64 in flight), ids PREFIX0..; answers {@code load deployed OK FAILED MS}
 *   <li>{@code group GROUP_JSON} — creates or replaces a group; answers {@code load group ok}
 *   <li>{@code ticks} — answers {@code load ticks N} (work units done by {@link WorkAgent}s)
 *   <li>{@code heap} — two full GCs, then {@code load heap USED_BYTES AGENTS}
 * </ul>
 */
public final class LoadNode {

  private LoadNode() {
  }

  public static void main(String[] args) throws Exception {
    NodeConfig config = ConfigLoader.load(Arrays.asList(args), System.getenv());
    GovernorNode node = GovernorNode.start(config).await(120, TimeUnit.SECONDS);
    node.context().agentTypes().register(WorkAgent.FACTORY);
    System.out.println(node.readyLine());
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      try {
        node.close().await(20, TimeUnit.SECONDS);
      } catch (Exception e) {
        // stopping anyway
      }
    }, "load-shutdown"));
    BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
    String line;
    while ((line = in.readLine()) != null) {
      String[] w = line.trim().split(" ", 8);
      try {
        switch (w[0]) {
          case "group" -> {
            node.vertx().eventBus().request(Addresses.GROUP_PUT, new JsonObject(line.trim().substring(6)))
                .await(30, TimeUnit.SECONDS);
            System.out.println("load group ok");
          }
          case "ticks" -> System.out.println("load ticks " + WorkAgent.TICKS.sum());
          case "heap" -> {
            for (int i = 0; i < 2; i++) {
              System.gc();
              Thread.sleep(200);
            }
            long used = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
            System.out.println("load heap " + used + " " + node.context().localAgents().size());
          }
          case "deploy" -> {
            long t0 = System.nanoTime();
            int[] r = deploy(node, Integer.parseInt(w[1]), w[2], w[3], w[4], w[5], new JsonObject(w[6]),
                w.length > 7 ? new JsonObject(w[7]) : null);
            System.out.println("load deployed " + r[0] + " " + r[1] + " " + (System.nanoTime() - t0) / 1_000_000);
          }
          default -> System.out.println("load error unknown command " + w[0]);
        }
      } catch (Exception e) {
        System.out.println("load error " + e);
      }
    }
  }

  /** Deploys n agents here, at most 64 requests in flight; returns {ok, failed}. */
  static int[] deploy(GovernorNode node, int n, String type, String group, String prefix, String restart,
                      JsonObject agentConfig, JsonObject quota) throws Exception {
    AtomicInteger next = new AtomicInteger();
    AtomicInteger ok = new AtomicInteger();
    AtomicInteger failed = new AtomicInteger();
    Promise<Void> done = Promise.promise();
    AtomicInteger open = new AtomicInteger(Math.min(64, n));
    if (n == 0) {
      return new int[] {0, 0};
    }
    Runnable[] one = new Runnable[1];
    one[0] = () -> {
      int i = next.getAndIncrement();
      if (i >= n) {
        if (open.decrementAndGet() == 0) {
          done.tryComplete();
        }
        return;
      }
      JsonObject req = new JsonObject().put("id", prefix + i).put("type", type).put("group", group)
          .put("config", agentConfig).put("node", node.nodeId());
      if (!"never".equals(restart)) {
        req.put("restartPolicy", restart);
      }
      if (quota != null) {
        req.put("quota", quota);
      }
      Future<?> f = node.vertx().eventBus().request(Addresses.AGENT_DEPLOY, req, new DeliveryOptions().setSendTimeout(60_000));
      f.onComplete(ar -> {
        if (ar.succeeded()) {
          ok.incrementAndGet();
        } else if (failed.incrementAndGet() <= 3) {
          System.err.println("deploy " + prefix + i + " failed: " + ar.cause());
        }
        one[0].run();
      });
    };
    node.vertx().runOnContext(v -> {
      for (int k = 0; k < Math.min(64, n); k++) {
        one[0].run();
      }
    });
    done.future().await(30, TimeUnit.MINUTES);
    return new int[] {ok.get(), failed.get()};
  }
}
