package io.agentgovernor;

import io.agentgovernor.analytics.replay.ReplayCommand;
import io.agentgovernor.config.ConfigException;
import io.agentgovernor.config.ConfigLoader;
import io.agentgovernor.config.NodeConfig;
import io.agentgovernor.config.Option;
import io.agentgovernor.node.GovernorNode;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * {@code java -jar agent-governor.jar [options]} starts a node; {@code ... replay [options]} runs a
 * usage trace through the recommenders. Problems with the command line or the configuration end
 * the process with one clear line on standard error and exit code 2.
 */
public final class Main {

  private Main() {
  }

  public static void main(String[] args) {
    List<String> argList = Arrays.asList(args);
    if (!argList.isEmpty() && argList.get(0).equals("replay")) {
      System.exit(ReplayCommand.run(Arrays.copyOfRange(args, 1, args.length), System.out, System.err));
      return;
    }
    if (argList.contains("--help") || argList.contains("-h")) {
      System.out.println(usage());
      return;
    }
    NodeConfig config;
    try {
      config = ConfigLoader.load(argList, System.getenv());
      GovernorNode.validate(config);
    } catch (ConfigException e) {
      System.err.println("agent-governor: " + e.getMessage());
      System.exit(2);
      return;
    }
    startNode(config);
  }

  private static void startNode(NodeConfig config) {
    GovernorNode node;
    try {
      node = GovernorNode.start(config).await(120, TimeUnit.SECONDS);
    } catch (Exception e) {
      System.err.println("agent-governor: node " + config.nodeId() + " failed to start: " + describe(e));
      System.exit(1);
      return;
    }
    if (node.generatedToken() != null) {
      System.out.println("governor admin token (generated; set GOVERNOR_ADMIN_TOKEN to choose one): "
          + node.generatedToken());
    }
    System.out.println(node.readyLine());
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      try {
        node.close().await(20, TimeUnit.SECONDS);
      } catch (Exception e) {
        System.err.println("agent-governor: unclean stop: " + describe(e));
      }
    }, "governor-shutdown"));
  }

  private static String describe(Throwable e) {
    Throwable root = e;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    String message = root.getMessage();
    return root.getClass().getSimpleName() + (message == null ? "" : ": " + message.lines().findFirst().orElse(""));
  }

  static String usage() {
    StringBuilder sb = new StringBuilder("usage: java -jar agent-governor.jar [options]\n")
        .append("       java -jar agent-governor.jar replay --trace usage.csv [--resource cpu|memory] ")
        .append("[--recommender governor|vpa|autopilot|static] [--output FILE|-] [--capacity FILE]\n\noptions:\n")
        .append(String.format("  %-22s %s%n", Option.CONFIG_FLAG + " FILE", "YAML configuration file (also " + Option.CONFIG_ENV + ")"));
    for (Option o : Option.ALL) {
      String flag = o.flag() == null ? "(environment only)" : o.flag() + (o.kind() == Option.Kind.BOOLEAN ? "" : " V");
      sb.append(String.format("  %-22s %s (%s)%n", flag, o.help(), o.env()));
    }
    return sb.toString();
  }
}
