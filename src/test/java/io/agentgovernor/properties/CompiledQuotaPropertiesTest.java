package io.agentgovernor.properties;

import static org.assertj.core.api.Assertions.assertThat;

import io.agentgovernor.quota.CompiledQuota;
import io.agentgovernor.quota.Limit;
import io.agentgovernor.quota.Quota;
import io.agentgovernor.quota.Resource;
import io.agentgovernor.quota.Violation;
import io.agentgovernor.quota.ViolationKind;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Label;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** {@link CompiledQuota#check}, with its unrolled fast path, against a naive reference. */
class CompiledQuotaPropertiesTest {

  @Property(tries = 500)
  @Label("check equals the naive per-resource comparison for any limits and usage vector")
  void checkEqualsReference(@ForAll("limits") Map<String, Limit> limits, @ForAll("usage") double[] usage) {
    Quota quota = new Quota("a", "g", 5, limits, false, 0, 0, 1);
    List<Violation> actual = new CompiledQuota(quota).check(usage, null);
    assertThat(actual).containsExactlyElementsOf(reference(limits, usage));
  }

  /** Every built-in resource in index order: over soft is a violation of the kind the limit names. */
  private static List<Violation> reference(Map<String, Limit> limits, double[] usage) {
    List<Violation> out = new ArrayList<>();
    for (Resource r : Resource.BUILT_IN) {
      Limit limit = limits.get(r.name());
      double used = r.index() < usage.length ? usage[r.index()] : 0;
      if (limit == null || !(used > limit.soft())) {
        continue;
      }
      ViolationKind kind = used > limit.hard() ? (used > limit.burst() && limit.burst() > limit.hard() ? ViolationKind.BURST
          : ViolationKind.HARD) : ViolationKind.SOFT;
      double threshold = kind == ViolationKind.BURST ? limit.burst() : kind == ViolationKind.HARD ? limit.hard() : limit.soft();
      out.add(new Violation(r, kind, used, threshold));
    }
    return out;
  }

  @Provide
  Arbitrary<Map<String, Limit>> limits() {
    Arbitrary<Limit> limit = Combinators.combine(amount(), amount(), amount(), Arbitraries.longs().between(0, 60_000))
        .as((a, b, c, w) -> {
          double[] s = java.util.stream.DoubleStream.of(a, b, c).sorted().toArray();
          return Limit.of(s[0], s[1], s[2], w);
        });
    return Arbitraries.subsetOf(Resource.BUILT_IN).flatMap(resources -> limit.list().ofSize(resources.size()).map(list -> {
      Map<String, Limit> map = new LinkedHashMap<>();
      int i = 0;
      for (Resource r : resources) {
        map.put(r.name(), list.get(i++));
      }
      return map;
    }));
  }

  @Provide
  Arbitrary<double[]> usage() {
    // Mostly full vectors (the fast path), sometimes shorter ones (missing resources count as 0).
    Arbitrary<double[]> full = amount().array(double[].class).ofSize(Resource.BUILT_IN_COUNT);
    return Arbitraries.oneOf(full, full, full, amount().array(double[].class).ofMaxSize(Resource.BUILT_IN_COUNT));
  }

  private static Arbitrary<Double> amount() {
    return Arbitraries.oneOf(Arbitraries.doubles().between(0, 1000), Arbitraries.doubles().between(0, 1e12),
        Arbitraries.of(0.0, 10.0, 50.0, 100.0));
  }
}
