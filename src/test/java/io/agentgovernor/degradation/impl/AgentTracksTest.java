package io.agentgovernor.degradation.impl;

import static org.assertj.core.api.Assertions.assertThat;

import io.agentgovernor.degradation.DegradationSettings;
import io.agentgovernor.monitor.AgentSample;
import io.agentgovernor.monitor.SampleBatch;
import io.agentgovernor.quota.CompiledQuota;
import io.agentgovernor.quota.Limit;
import io.agentgovernor.quota.Quota;
import io.agentgovernor.quota.QuotaGroup;
import io.agentgovernor.quota.Resource;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The engine's glue on a fake clock: samples in, effects out, acknowledgements fed back by hand. */
class AgentTracksTest {

  private static final Limit LIMIT = Limit.of(80, 100);

  private final DegradationSettings settings = DegradationSettings.fromJson(new JsonObject("""
      {"pressure": {"downHoldMs": 1000}, "plans": {"timelineMs": {"minimal": 2000, "moderate": 2000,
       "aggressive": 2000, "emergency": 2000}},
       "recovery": {"violationHoldMs": 1000, "stageIntervalMs": 1000}}"""));
  private final AgentTracks tracks = new AgentTracks(settings);
  private final List<String> log = new ArrayList<>();

  private List<Effect> sample(long t, double usage) {
    List<Effect> effects = tracks.onSample("hog", Resource.MEMORY, usage, LIMIT, t);
    for (Effect e : effects) {
      if (e instanceof Effect.Apply a) {
        Map<String, String> acks = new java.util.LinkedHashMap<>();
        a.plan().strategies().forEach(s -> acks.put(s.strategy().wireName(),
            s.strategy().wireName().equals("use_fallback_algorithm") ? "unsupported" : "applied"));
        log.add("apply " + acks.keySet());
        a.track().acknowledged(a.plan(), acks, t);
      } else if (e instanceof Effect.Lift l) {
        log.add("lift " + l.step().strategy().wireName());
      } else if (e instanceof Effect.Reapply r) {
        log.add("reapply " + r.step().strategy().wireName());
      } else if (e instanceof Effect.HandOver h) {
        log.add(h.undo() ? "undo hand-over" : "hand-over");
      } else if (e instanceof Effect.Event ev) {
        log.add(ev.type() + " " + ev.body().getString("event"));
      }
    }
    return effects;
  }

  private static SampleBatch batch(double memory, double tokens) {
    double[] usage = new double[Resource.BUILT_IN_COUNT];
    usage[Resource.MEMORY.index()] = memory;
    return SampleBatch.of("n", 0, 0, 1000, List.of(new AgentSample("hog", "g", 5, 0, usage,
        Map.of("llm_tokens", tokens), List.of())));
  }

  @Test
  @DisplayName("the gate: an agent is looked at when a limit (custom too) presses past minimal, or while it has a track")
  void concerns() {
    CompiledQuota quota = new CompiledQuota(Quota.fromGroup("hog", QuotaGroup.fromJson(new JsonObject("""
        {"name": "g", "priority": 5, "defaultLimits": {"memory": {"soft": 80, "hard": 100},
         "llm_tokens": {"soft": 800, "hard": 1000, "custom": true}}}""")), null, null, false, 0));
    assertThat(tracks.concerns(batch(10, 10), 0, quota)).as("idle, no track").isFalse();
    assertThat(tracks.concerns(batch(92, 10), 0, quota)).as("memory pressed").isTrue();
    assertThat(tracks.concerns(batch(10, 950), 0, quota)).as("a custom limit pressed").isTrue();
    sample(0, 92); // a track opens for memory
    assertThat(tracks.all()).isNotEmpty();
    assertThat(tracks.concerns(batch(10, 10), 0, quota)).as("not pressed, but tracked: its recovery needs the sample")
        .isTrue();
  }

  @Test
  @DisplayName("past 0.9: cache_aggressively; missed target: deeper; effective; pressure gone: lifted in reverse, one per stage")
  void planDeepenRecover() {
    sample(0, 92);
    assertThat(log).contains("apply [cache_aggressively]");
    sample(1000, 93);
    sample(2000, 93); // timeline over, usage did not fall by 5 %
    assertThat(log).contains("degradation deepened", "apply [cache_aggressively, batch_operations]");
    sample(4000, 60); // shed: effective
    assertThat(log).contains("degradation effective");
    long t = 4000;
    while (!log.contains("recovery recovery_completed") && t < 60_000) {
      t += 500;
      sample(t, 60);
    }
    assertThat(log).containsSubsequence("recovery plan_created", "lift batch_operations", "recovery stage_completed",
        "lift cache_aggressively", "recovery stage_completed", "recovery recovery_completed");
    assertThat(tracks.all()).isEmpty();
  }

  @Test
  @DisplayName("a violation during recovery re-applies the strategy removed last and restarts its stage")
  void rollback() {
    sample(0, 130); // aggressive at once: three strategies
    sample(2500, 70); // effective
    long t = 2500;
    while (!log.contains("lift reduce_precision")) {
      t += 500;
      sample(t, 70);
    }
    sample(t + 100, 101); // over the limit: rollback, but not deeper than the plan in force
    assertThat(log).contains("reapply reduce_precision", "recovery rolled_back");
    assertThat(log).doesNotContain("recovery superseded");
  }

  @Test
  @DisplayName("an agent that supports none of the strategies is walked down to the deepest level, then handed to enforcement")
  void uncooperative() {
    List<Effect> effects = tracks.onSample("stub", Resource.MEMORY, 120, LIMIT, 0);
    int rounds = 0;
    boolean handedOver = false;
    while (!handedOver && rounds++ < 10) {
      List<Effect> next = new ArrayList<>();
      for (Effect e : effects) {
        if (e instanceof Effect.Apply a) {
          Map<String, String> acks = new java.util.LinkedHashMap<>();
          a.plan().strategies().forEach(s -> acks.put(s.strategy().wireName(), "unsupported"));
          next.addAll(a.track().acknowledged(a.plan(), acks, 0));
          next.addAll(a.track().feedback(120, 0));
        }
        handedOver |= e instanceof Effect.HandOver h && !h.undo();
      }
      effects = next;
    }
    assertThat(handedOver).isTrue();
    assertThat(rounds).isLessThanOrEqualTo(4);
  }
}
