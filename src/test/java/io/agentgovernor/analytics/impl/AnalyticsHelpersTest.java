package io.agentgovernor.analytics.impl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.agentgovernor.analytics.pattern.UsagePattern;
import io.agentgovernor.analytics.pattern.UsageSeries;
import io.agentgovernor.analytics.pattern.UsageStatistics;
import io.agentgovernor.analytics.recommend.Evidence;
import io.agentgovernor.analytics.recommend.Recommendation;
import io.agentgovernor.analytics.recommend.RecommendationConfig;
import io.agentgovernor.analytics.recommend.RecommendationType;
import io.agentgovernor.bus.ErrorCode;
import io.agentgovernor.bus.GovernorException;
import io.agentgovernor.monitor.AgentSample;
import io.agentgovernor.quota.Limit;
import io.agentgovernor.quota.Resource;
import io.agentgovernor.quota.Violation;
import io.agentgovernor.quota.ViolationKind;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The pure pieces of the analytics part, with times passed in as numbers. */
class AnalyticsHelpersTest {

  @Test
  @DisplayName("a slot ring keeps the mean per slot, leaves gaps empty and forgets what is older than its window")
  void slotRing() {
    SlotRing ring = new SlotRing(1000);
    ring.add(0, 10);
    ring.add(500, 20);
    assertThat(ring.series().value(0)).as("the open slot's mean, before the slot closes").isEqualTo(15);
    ring.add(3000, 7);
    UsageSeries s = ring.series();
    assertThat(s.size()).isEqualTo(2);
    assertThat(s.time(0)).isZero();
    assertThat(s.value(0)).isEqualTo(15);
    assertThat(s.time(1)).isEqualTo(3000);
    ring.add(2500, 99); // older than the newest slot: dropped
    assertThat(ring.series().size()).isEqualTo(2);
    ring.add(1000L * SlotRing.SLOTS + 1000, 1);
    UsageSeries later = ring.series();
    assertThat(later.size()).isEqualTo(2); // the sample of slot 0 fell out of the window
    assertThat(later.time(0)).isEqualTo(3000);
    // a ring made late (not filled when made): the slots before its first sample are not read
    SlotRing late = new SlotRing(1000);
    late.add(5_000_000, 4);
    late.add(5_002_000, 6);
    UsageSeries fromFirst = late.series();
    assertThat(fromFirst.size()).isEqualTo(2);
    assertThat(fromFirst.time(0)).isEqualTo(5_000_000);
    assertThat(fromFirst.value(1)).isEqualTo(6);
  }

  @Test
  @DisplayName("a window allocates rings only for resources in use and counts one episode per run of hard violations")
  void windowEpisodes() {
    AgentWindow w = new AgentWindow("a", 1000, RecommendationConfig.ofDefaults());
    Violation hard = new Violation(Resource.CPU, ViolationKind.HARD, 40, 20);
    Violation soft = new Violation(Resource.CPU, ViolationKind.SOFT, 18, 15);
    long t = 0;
    for (List<Violation> v : List.of(List.of(hard), List.of(hard), List.<Violation>of(), List.of(hard), List.of(soft))) {
      w.add(sample(t += 1000, 40, v));
    }
    assertThat(w.rings()).containsOnlyKeys("cpu");
    AgentSnapshot s = AgentSnapshot.of(w, t);
    assertThat(s.violations("cpu", 0)).isEqualTo(2);
    assertThat(s.violations("cpu", 3500)).isEqualTo(1);
    assertThat(s.violations("memory", 0)).isZero();
  }

  @Test
  @DisplayName("terminations are counted per resource from this node's successful enforcement events only")
  void terminationsFromEvents() {
    LocalWindows windows = new LocalWindows("n1", 1000, 60_000, RecommendationConfig.ofDefaults());
    windows.onEvent(event("n1", "terminate", "memory", "success", 10));
    windows.onEvent(event("n1", "terminate", "memory", "failure", 11));
    windows.onEvent(event("n2", "terminate", "memory", "success", 12));
    windows.onEvent(new JsonObject().put("type", "alert").put("agentId", "a").put("node", "n1").put("time", 13));
    AgentSnapshot s = AgentSnapshot.of(windows.get("a"), 13);
    assertThat(s.terminations("memory", 0)).isEqualTo(1);
    assertThat(s.actions()).hasSize(2);
    assertThat(windows.agentIds(10 + 60_000)).containsExactly("a");
    assertThat(windows.agentIds(12 + 60_000)).isEmpty();
  }

  @Test
  @DisplayName("a re-analysis keeps an open recommendation's id, keeps applied ones, and drops what is superseded")
  void mergeKeepsIds() {
    AgentAnalytics first = AgentAnalytics.merge(null, result(100, rec("cpu-increase_quota-1", RecommendationType.INCREASE_QUOTA, 30),
        rec("memory-decrease_quota-1", RecommendationType.DECREASE_QUOTA, 1e6)), "n", new JsonArray(), new JsonArray()).record();
    AgentAnalytics.Merge second = AgentAnalytics.merge(first, result(200,
        rec("cpu-increase_quota-2", RecommendationType.INCREASE_QUOTA, 32)), "n", new JsonArray(), new JsonArray());
    assertThat(second.added()).isEmpty();
    assertThat(second.record().items()).hasSize(1);
    StoredRecommendation cpu = second.record().items().get(0);
    assertThat(cpu.id()).isEqualTo("cpu-increase_quota-1");
    assertThat(cpu.createdAt()).isEqualTo(100);
    assertThat(cpu.suggested().getDouble("hard")).isEqualTo(32);

    AgentAnalytics applied = second.record().claim(cpu.id(), 300, 60_000)
        .with(cpu.id(), r -> r.applied(301, "bob", new JsonObject().put("hard", 32), 2));
    AgentAnalytics.Merge third = AgentAnalytics.merge(applied, result(400,
        rec("cpu-increase_quota-1", RecommendationType.INCREASE_QUOTA, 32),
        rec("cpu-raise_burst-9", RecommendationType.RAISE_BURST, 25)), "n", new JsonArray(), new JsonArray());
    assertThat(third.added()).extracting(StoredRecommendation::id).containsExactly("cpu-raise_burst-9");
    assertThat(third.record().item("cpu-increase_quota-1").status()).isEqualTo(StoredRecommendation.Status.APPLIED);
    AgentAnalytics roundTrip = AgentAnalytics.fromJson(new JsonObject(third.record().toJson().encode()));
    assertThat(roundTrip.item("cpu-increase_quota-1").appliedBy()).isEqualTo("bob");
    assertThat(roundTrip.itemsJson()).isEqualTo(third.record().itemsJson());
  }

  @Test
  @DisplayName("claiming an unknown recommendation is NOT_FOUND, an applied or held one INVALID_STATE, a stale hold is free")
  void claims() {
    AgentAnalytics record = AgentAnalytics.merge(null, result(100, rec("r1", RecommendationType.INCREASE_QUOTA, 30)),
        "n", new JsonArray(), new JsonArray()).record();
    assertThatThrownBy(() -> record.claim("nope", 200, 1000)).isInstanceOfSatisfying(GovernorException.class,
        e -> assertThat(e.code()).isEqualTo(ErrorCode.NOT_FOUND));
    AgentAnalytics held = record.claim("r1", 200, 1000);
    assertThatThrownBy(() -> held.claim("r1", 500, 1000)).isInstanceOfSatisfying(GovernorException.class,
        e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_STATE));
    assertThat(held.claim("r1", 1201, 1000).item("r1").claimedAt()).isEqualTo(1201);
    AgentAnalytics done = held.with("r1", r -> r.applied(300, "op", new JsonObject(), 2));
    assertThatThrownBy(() -> done.claim("r1", 10_000, 1000)).isInstanceOfSatisfying(GovernorException.class,
        e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_STATE));
  }

  @Test
  @DisplayName("auto-apply moves a limit one bounded step towards the suggestion")
  void autoApplyTarget() {
    StoredRecommendation rec = StoredRecommendation.open("r", rec("r", RecommendationType.INCREASE_QUOTA, 60), 0);
    JsonObject current = Limit.of(15, 20).toJson();
    assertThat(RecommendationApplier.target(current, rec, 0.2).hard()).isEqualTo(24);
    assertThat(RecommendationApplier.target(current, rec, null).hard()).isEqualTo(60);
  }

  @Test
  @DisplayName("report figures: usage statistics over raw points and rollups, counts within the range")
  void reportStats() {
    JsonArray points = new JsonArray();
    for (int i = 1; i <= 100; i++) {
      points.add(new JsonObject().put("time", i).put("value", i));
    }
    points.add(new JsonObject().put("time", 101).put("value", 50).put("max", 500));
    JsonObject usage = ReportStats.usage(points);
    assertThat(usage.getInteger("count")).isEqualTo(101);
    assertThat(usage.getDouble("max")).isEqualTo(500);
    assertThat(usage.getDouble("min")).isEqualTo(1);
    assertThat(usage.getDouble("p95")).isEqualTo(95);
    assertThat(ReportStats.usage(new JsonArray())).isNull();
    JsonArray events = new JsonArray().add(new JsonObject().put("action", "warn").put("outcome", "success").put("time", 5))
        .add(new JsonObject().put("action", "throttle").put("outcome", "failure").put("time", 6))
        .add(new JsonObject().put("action", "warn").put("outcome", "success").put("time", 50));
    JsonObject actions = ReportStats.actions(events, 0, 10);
    assertThat(actions.getLong("total")).isEqualTo(2);
    assertThat(actions.getLong("failures")).isEqualTo(1);
    assertThat(actions.getJsonObject("byAction").getLong("warn")).isEqualTo(1);
    JsonObject violations = ReportStats.violations(new JsonArray().add(new JsonObject().put("resource", "cpu").put("start", 3)), 0, 10);
    assertThat(violations.getJsonObject("byResource").getLong("cpu")).isEqualTo(1);
  }

  @Test
  @DisplayName("the analytics config has documented defaults and refuses bad values with the field named")
  void config() {
    AnalyticsConfig defaults = AnalyticsConfig.fromJson(new JsonObject());
    assertThat(defaults.intervalMs()).isEqualTo(300_000);
    assertThat(defaults.windowMs()).isEqualTo(3_600_000);
    assertThat(defaults.autoApply()).isEmpty();
    AnalyticsConfig auto = AnalyticsConfig.fromJson(new JsonObject().put("autoApply",
        new JsonObject().put("standard_agent", true).put("lightweight_agent", false)));
    assertThat(auto.autoApply()).containsOnlyKeys("standard_agent");
    assertThat(auto.autoApply().get("standard_agent").maxChangeFraction()).isEqualTo(0.2);
    assertThatThrownBy(() -> AnalyticsConfig.fromJson(new JsonObject().put("autoApply",
        new JsonObject().put("g", new JsonObject().put("types", new JsonArray().add("change_group"))))))
        .hasMessageContaining("analytics.autoApply.g.types");
    assertThatThrownBy(() -> AnalyticsConfig.fromJson(new JsonObject().put("intervalMs", 10)))
        .hasMessageContaining("intervalMs");
  }

  @Test
  @DisplayName("an agent using 40 % of a core against a hard limit of 20, with violations, is told to increase cpu")
  void analyzerRecommendsIncrease() {
    AgentWindow w = new AgentWindow("a", 1000, RecommendationConfig.ofDefaults());
    Violation hard = new Violation(Resource.CPU, ViolationKind.HARD, 40, 20);
    for (int i = 0; i < 120; i++) {
      w.add(sample(i * 1000L, 40 + (i % 3) - 1, List.of(hard)));
    }
    java.time.Clock clock = java.time.Clock.fixed(java.time.Instant.ofEpochMilli(120_000), java.time.ZoneOffset.UTC);
    AgentAnalyzer analyzer = new AgentAnalyzer(clock, new io.agentgovernor.analytics.pattern.PatternAnalyzer(clock,
        io.agentgovernor.analytics.pattern.PatternConfig.ofDefaults()),
        io.agentgovernor.analytics.recommend.RecommendationConfig.ofDefaults(), 3_600_000);
    io.agentgovernor.quota.Quota quota = new io.agentgovernor.quota.Quota("a", "g", 5,
        Map.of("cpu", Limit.of(15, 20), "memory", Limit.of(1e8, 2e8)), false, 0, 0, 1);
    AgentAnalyzer.Result result = analyzer.analyze(AgentSnapshot.of(w, 120_000), quota);
    assertThat(result.patterns()).containsOnlyKeys("cpu");
    assertThat(result.patterns().get("cpu").pattern()).isEqualTo(UsagePattern.STEADY);
    assertThat(result.recommendations()).singleElement().satisfies(r -> {
      assertThat(r.type()).isEqualTo(RecommendationType.INCREASE_QUOTA);
      assertThat(r.suggested().hard()).isBetween(41.0, 50.0);
      assertThat(r.evidence().recentViolations()).isEqualTo(1);
    });
  }

  private static AgentSample sample(long time, double cpu, List<Violation> violations) {
    double[] usage = new double[Resource.BUILT_IN_COUNT];
    usage[Resource.CPU.index()] = cpu;
    return new AgentSample("a", "g", 5, time, usage, Map.of(), violations);
  }

  private static JsonObject event(String node, String action, String resource, String outcome, long time) {
    return new JsonObject().put("type", "enforcement").put("agentId", "a").put("node", node).put("action", action)
        .put("resource", resource).put("outcome", outcome).put("time", time);
  }

  private static AgentAnalyzer.Result result(long time, Recommendation... recs) {
    return new AgentAnalyzer.Result("a", "g", time, Map.of(), List.of(recs));
  }

  private static Recommendation rec(String id, RecommendationType type, double hard) {
    String resource = id.startsWith("memory") ? "memory" : "cpu";
    UsageStatistics stats = UsageStatistics.empty();
    return new Recommendation(id, resource, type, Limit.of(15, 20), Limit.of(hard * 0.75, hard), "why",
        new Evidence(stats, UsagePattern.STEADY, 0.5, 0, 0, hard, "p99"), 0.5, 0);
  }
}
