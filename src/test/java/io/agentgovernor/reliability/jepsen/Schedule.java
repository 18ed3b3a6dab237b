package io.agentgovernor.reliability.jepsen;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Random;

/**
 * A seeded, reproducible list of faults for a cluster of three. Kinds are drawn without repeats
 * from a shuffled deck of all kinds (reshuffled when used up), so even a short round mixes kinds.
 * Pauses and splits last 7–11 s, beyond the 5 s failure detection, so the cluster does act on them.
 */
final class Schedule {

  private Schedule() {
  }

  static List<Fault> of(long seed, int faults, int nodes) {
    Random random = new Random(mix(seed));
    List<FaultKind> deck = new ArrayList<>();
    List<Fault> out = new ArrayList<>();
    for (int f = 0; f < faults; f++) {
      if (deck.isEmpty()) {
        deck.addAll(Arrays.asList(FaultKind.values()));
        Collections.shuffle(deck, random);
      }
      FaultKind kind = deck.remove(0);
      int a = random.nextInt(nodes);
      int b = (a + 1 + random.nextInt(nodes - 1)) % nodes;
      long gap = 1_000 + random.nextInt(2_000);
      out.add(switch (kind) {
        case KILL -> new Fault(kind, List.of(a), 500 + random.nextInt(2_500), gap);
        case PAUSE, ISOLATE -> new Fault(kind, List.of(a), 7_000 + random.nextInt(4_000), gap);
        case BRIDGE -> new Fault(kind, List.of(Math.min(a, b), Math.max(a, b)), 7_000 + random.nextInt(4_000), gap);
      });
    }
    return out;
  }

  /**
   * SplitMix64's finalizer: Random's first draws from small neighbouring seeds (1, 2, 3, ...) are
   * nearly alike (seeds 1..24 never drew an isolation first), so each seed is scrambled first.
   */
  static long mix(long seed) {
    long z = seed + 0x9E3779B97F4A7C15L;
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }
}
