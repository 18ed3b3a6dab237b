package io.agentgovernor.analytics.impl;

import static org.assertj.core.api.Assertions.assertThat;

import io.agentgovernor.analytics.pattern.PatternAnalyzer;
import io.agentgovernor.analytics.pattern.PatternConfig;
import io.agentgovernor.analytics.recommend.RecommendationConfig;
import io.agentgovernor.analytics.replay.EntitySeries;
import io.agentgovernor.analytics.replay.RecommenderKind;
import io.agentgovernor.analytics.replay.ReplayEngine;
import io.agentgovernor.analytics.replay.ReplayResource;
import io.agentgovernor.monitor.AgentSample;
import io.agentgovernor.quota.Resource;
import io.agentgovernor.quota.Violation;
import io.agentgovernor.quota.ViolationKind;
import io.vertx.core.json.JsonObject;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The node's live recommendation path and {@code replay}'s governor are one recommender: fed the
 * same samples, the need a node's analysis finds at each evaluation is the limit replay scores.
 */
class LiveReplayIdentityTest {

  static final long T0 = 1_375_308_000L;
  static final int SAMPLES = 3 * 288;
  /** What a node runs with when its analytics section sets nothing. */
  static final RecommendationConfig CONFIG = AnalyticsConfig.fromJson(new JsonObject()).recommendations();

  /** A daily cycle with noise, and spikes that go over any limit a history of it calls for. */
  static double cpuCores(int i) {
    return 0.5 + 0.3 * Math.sin(2 * Math.PI * i / 288.0) + 0.1 * ((i * 7919L) % 101) / 101.0
        + (i % 53 == 0 ? 1.5 : 0);
  }

  static double memoryBytes(int i) {
    return Math.round(2e9 + 5e8 * Math.sin(2 * Math.PI * i / 288.0) + 1e8 * ((i * 104_729L) % 97) / 97.0
        + (i % 71 == 0 ? 1.5e9 : 0));
  }

  static EntitySeries trace() {
    long[] times = new long[SAMPLES];
    double[][] usage = new double[ReplayResource.values().length][SAMPLES];
    int[] rows = new int[SAMPLES];
    for (int i = 0; i < SAMPLES; i++) {
      times[i] = T0 + 300L * i;
      usage[ReplayResource.CPU.ordinal()][i] = cpuCores(i);
      usage[ReplayResource.MEMORY.ordinal()][i] = memoryBytes(i);
      rows[i] = i + 2;
    }
    return new EntitySeries("vm", times, usage, rows);
  }

  /**
   * What a node does with the same samples: its analysis re-evaluates the agent before each
   * sample (as often as replay does), the need found becomes the hard limit, and the sample
   * arrives with the violations the node's compliance check finds against that limit.
   */
  static Map<Resource, double[]> live(EntitySeries trace) {
    AgentWindow window = new AgentWindow("vm", 5_000, CONFIG);
    double[] cpu = new double[SAMPLES];
    double[] memory = new double[SAMPLES];
    for (int k = 0; k < SAMPLES; k++) {
      long now = trace.times()[k] * 1000;
      Clock clock = Clock.fixed(Instant.ofEpochMilli(now), ZoneOffset.UTC);
      AgentAnalyzer analyzer = new AgentAnalyzer(clock, new PatternAnalyzer(clock, PatternConfig.ofDefaults()), CONFIG,
          3_600_000);
      Map<String, Double> needs = analyzer.analyze(AgentSnapshot.of(window, now), null).needs();
      cpu[k] = needs.getOrDefault("cpu", Double.NaN);
      memory[k] = needs.containsKey("memory") ? Math.ceil(needs.get("memory")) : Double.NaN;
      double[] usage = new double[Resource.BUILT_IN_COUNT];
      usage[Resource.CPU.index()] = 100 * trace.usage(ReplayResource.CPU)[k];
      usage[Resource.MEMORY.index()] = trace.usage(ReplayResource.MEMORY)[k];
      List<Violation> violations = new ArrayList<>();
      if (usage[Resource.CPU.index()] > cpu[k]) {
        violations.add(new Violation(Resource.CPU, ViolationKind.HARD, usage[Resource.CPU.index()], cpu[k]));
      }
      if (usage[Resource.MEMORY.index()] > memory[k]) {
        violations.add(new Violation(Resource.MEMORY, ViolationKind.HARD, usage[Resource.MEMORY.index()], memory[k]));
      }
      window.add(new AgentSample("vm", "g", 5, now, usage, Map.of(), violations));
    }
    return Map.of(Resource.CPU, cpu, Resource.MEMORY, memory);
  }

  @Test
  @DisplayName("a node's analysis and replay's governor, each with its defaults, find the same need at every sample, overruns included")
  void liveAndReplayAgree() {
    EntitySeries trace = trace();
    Map<Resource, double[]> live = live(trace);
    double[] replayCpu = ReplayEngine.replay(trace, ReplayResource.CPU,
        RecommenderKind.GOVERNOR.create(ReplayResource.CPU, null)).inForce();
    double[] replayMemory = ReplayEngine.replay(trace, ReplayResource.MEMORY,
        RecommenderKind.GOVERNOR.create(ReplayResource.MEMORY, null)).inForce();
    double[] liveCores = live.get(Resource.CPU).clone();
    for (int k = 0; k < liveCores.length; k++) {
      liveCores[k] /= 100;
    }
    assertThat(replayCpu[0]).isNaN();
    assertThat(replayCpu).containsExactly(liveCores);
    assertThat(replayMemory).containsExactly(live.get(Resource.MEMORY));
    // The trace really exercises the overrun path: some samples went over the limit in force.
    int over = 0;
    for (int k = 1; k < SAMPLES; k++) {
      over += trace.usage(ReplayResource.MEMORY)[k] > replayMemory[k] ? 1 : 0;
    }
    assertThat(over).isPositive();
  }
}
