package io.agentgovernor.reliability.jepsen;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.LongStream;

/**
 * The load-test command ({@code load-tests/jepsen.sh [rounds=20] [faultsPerRound=4] [firstSeed=1]}):
 * runs the seeded rounds and writes {@code load-tests/results/jepsen.md}. Every round is bounded
 * (each wait has a limit), so the whole run is too: about two minutes a round on two cores.
 */
public final class JepsenLoad {

  private JepsenLoad() {
  }

  public static void main(String[] args) throws Exception {
    int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 20;
    int faults = args.length > 1 ? Integer.parseInt(args[1]) : 4;
    long first = args.length > 2 ? Long.parseLong(args[2]) : 1;
    List<Long> seeds = LongStream.range(first, first + rounds).boxed().toList();
    long began = System.currentTimeMillis();
    List<RoundResult> results = Rounds.run(seeds, faults, Path.of("target", "jepsen", "load"));
    String out = "# Fault harness (Jepsen style): " + rounds + " seeded rounds\n\n"
        + "Command: `" + System.getProperty("load.command", "load-tests/jepsen.sh") + "`, " + faults + " faults a round, seeds "
        + first + ".." + (first + rounds - 1) + ", " + (System.currentTimeMillis() - began) / 1000 + " s in all. "
        + "What each column and property means: load-tests/README.md (section *Fault harness*).\n\n"
        + System.getProperty("jepsen.machine", "") + "\n\n## Rounds\n\n" + Rounds.summary(results);
    Path file = Path.of("load-tests", "results", "jepsen.md");
    Files.createDirectories(file.getParent());
    Files.writeString(file, out);
    System.out.println("JEPSEN wrote " + file);
  }
}
