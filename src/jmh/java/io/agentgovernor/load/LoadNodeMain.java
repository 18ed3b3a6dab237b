package io.agentgovernor.load;

import io.agentgovernor.agent.AgentFactory;
import io.agentgovernor.agent.GovernedAgent;
import io.agentgovernor.config.ConfigLoader;
import io.agentgovernor.config.NodeConfig;
import io.agentgovernor.node.GovernorNode;
import io.vertx.core.Future;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.json.JsonObject;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A governor node for load tests in its own JVM: exactly {@code Main}'s node, plus the load-test
 * agent type {@code state-1mb} (an agent whose snapshot carries 1 MiB of state) and two bench
 * addresses: {@code bench.echo.<node>} answers any request with a tiny reply, and
 * {@code bench.ping.<node>} {"target", "bytes"} times one clustered request-reply carrying
 * {@code bytes} to the target node's echo and replies {"ms"}: the baseline of a migration.
 *
 * <p>{@code java [flags] -cp target/benchmarks.jar io.agentgovernor.load.LoadNodeMain [node options]}
 */
public final class LoadNodeMain {

  public static final String ECHO = "bench.echo.";
  public static final String PING = "bench.ping.";

  private LoadNodeMain() {
  }

  public static void main(String[] args) throws Exception {
    NodeConfig config = ConfigLoader.load(Arrays.asList(args), System.getenv());
    GovernorNode node = GovernorNode.start(config).await(120, TimeUnit.SECONDS);
    node.context().agentTypes().register(StateAgent.FACTORY);
    var bus = node.vertx().eventBus();
    bus.<JsonObject>consumer(ECHO + node.nodeId(), m -> m.reply(new JsonObject().put("ok", true))).completion().await();
    bus.<JsonObject>consumer(PING + node.nodeId(), m -> {
      JsonObject body = new JsonObject().put("state", StateAgent.ascii(m.body().getInteger("bytes")));
      long start = System.nanoTime();
      bus.request(ECHO + m.body().getString("target"), body, new DeliveryOptions().setSendTimeout(30_000))
          .onSuccess(r -> m.reply(new JsonObject().put("ms", (System.nanoTime() - start) / 1e6)))
          .onFailure(e -> m.fail(500, e.toString()));
    }).completion().await();
    System.out.println(node.readyLine());
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      try {
        node.close().await(20, TimeUnit.SECONDS);
      } catch (Exception e) {
        System.err.println("unclean stop: " + e);
      }
    }, "governor-shutdown"));
  }

  /** Holds {@code stateBytes} (default 1 MiB) of ASCII state, carried whole by snapshot / restore. */
  public static final class StateAgent extends GovernedAgent {

    static final AgentFactory FACTORY = new AgentFactory() {
      @Override
      public String type() {
        return "state-1mb";
      }

      @Override
      public String description() {
        return "load tests: holds stateBytes (default 1 MiB) of state, carried by snapshot/restore";
      }

      @Override
      public List<String> configKeys() {
        return List.of("stateBytes");
      }

      @Override
      public GovernedAgent create(JsonObject config) {
        return new StateAgent(config.getInteger("stateBytes", 1 << 20));
      }
    };

    private String state;
    private long restored;

    StateAgent(int bytes) {
      this.state = ascii(bytes);
    }

    static String ascii(int bytes) {
      char[] chars = new char[bytes];
      for (int i = 0; i < bytes; i++) {
        chars[i] = (char) ('a' + i % 26);
      }
      return new String(chars);
    }

    @Override
    protected Future<?> onStart() {
      agent().retain(state);
      agent().onMessage(m -> {
        if (m.replyAddress() != null) {
          m.reply(status());
        }
      });
      return Future.succeededFuture();
    }

    @Override
    public JsonObject snapshot() {
      return new JsonObject().put("state", state).put("restored", restored);
    }

    @Override
    public void restore(JsonObject snapshot) {
      state = snapshot.getString("state");
      restored = snapshot.getLong("restored", 0L) + 1;
    }

    @Override
    public JsonObject status() {
      return new JsonObject().put("stateChars", state.length()).put("restored", restored);
    }
  }
}
