package io.agentgovernor.agent.samples;

import io.agentgovernor.agent.AgentFactory;
import io.agentgovernor.agent.GovernedAgent;
import java.util.List;
import java.util.function.Function;

/** The sample agent types of DESIGN.md, registered by name for demos, tests and load tests. */
public final class SampleAgents {

  private SampleAgents() {
  }

  public static List<AgentFactory> all() {
    return List.of(
        factory("idle", "does nothing but answer its inbox", List.of(), c -> new IdleAgent()),
        factory("cpu-burner", "computes for cpuPercent % of one core (cooperative: false ignores degradation)",
            List.of("cpuPercent", "cooperative"), c -> {
              double pct = c.number("cpuPercent", 25, 0, 100);
              return new CpuBurnerAgent(t -> pct, c.flag("cooperative", true));
            }),
        factory("memory-hog", "holds holdBytes, growing by growBytesPerSecond", List.of("holdBytes", "growBytesPerSecond"),
            c -> new MemoryHogAgent((long) c.number("holdBytes", 16 << 20, 0, 1L << 40),
                (long) c.number("growBytesPerSecond", 0, 0, 1L << 34))),
        factory("bursty", "baseCpuPercent, with burstCpuPercent for burstForMs every burstEveryMs",
            List.of("baseCpuPercent", "burstCpuPercent", "burstEveryMs", "burstForMs"), c -> {
              double base = c.number("baseCpuPercent", 5, 0, 100);
              double burst = c.number("burstCpuPercent", 60, 0, 100);
              long every = (long) c.number("burstEveryMs", 10_000, 200, 86_400_000);
              long length = (long) c.number("burstForMs", 2_000, 100, every);
              return new CpuBurnerAgent(t -> t % every < length ? burst : base, true);
            }),
        factory("periodic", "cpu following a sine of periodMs, peaking at amplitude %", List.of("periodMs", "amplitude"), c -> {
          double period = c.number("periodMs", 60_000, 1_000, 86_400_000);
          double amplitude = c.number("amplitude", 40, 0, 100);
          return new CpuBurnerAgent(t -> amplitude * (1 + Math.sin(2 * Math.PI * t / period)) / 2, true);
        }),
        factory("spawner", "deploys children child verticles", List.of("children"),
            c -> new SpawnerAgent((int) c.number("children", 3, 0, 1000))),
        factory("chatty", "sends bytesPerSecond to a sink", List.of("bytesPerSecond"),
            c -> new ChattyAgent((long) c.number("bytesPerSecond", 100_000, 0, 1L << 30))),
        factory("stateful-counter", "counts inbox messages; the count survives migration", List.of(),
            c -> new StatefulCounterAgent()),
        factory("heartbeat", "every everyMs appends '<epochMillis> <nodeId> <epoch> <seq>' to <dir>/<agentId>@<nodeId>.hb",
            List.of("dir", "everyMs"), c -> new HeartbeatAgent(c.absolutePath("dir", true),
                (long) c.number("everyMs", 100, 10, 3_600_000))),
        factory("ledger", "counts inbox messages by their \"id\", keeping the ids (up to maxIds) in its state; "
            + "with dir, logs each to <dir>/<agentId>@<nodeId>.ledger", List.of("dir", "maxIds"),
            c -> new LedgerAgent(c.absolutePath("dir", false), (int) c.number("maxIds", 100_000, 0, 1_000_000))),
        factory("llm-caller", "per inbox message reserves reserveTokens of resource (llm_tokens), spends "
            + "minSpendPercent..maxSpendPercent of it, commits, and replies with the grant or the denial",
            List.of("resource", "reserveTokens", "minSpendPercent", "maxSpendPercent"),
            c -> new LlmCallerAgent(c.string("resource", "llm_tokens"), (long) c.number("reserveTokens", 1_000, 1, 1L << 40),
                c.number("minSpendPercent", 50, 0, 1_000), c.number("maxSpendPercent", 100, 0, 1_000))));
  }

  private static AgentFactory factory(String type, String description, List<String> keys,
                                      Function<SampleConfig, GovernedAgent> make) {
    return AgentFactory.of(type, description, keys, config -> make.apply(new SampleConfig(type, config, keys)));
  }
}
