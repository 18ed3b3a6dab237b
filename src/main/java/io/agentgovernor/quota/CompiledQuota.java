package io.agentgovernor.quota;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A quota laid out for the compliance check on the hot path: built-in limits in an array indexed
 * by {@link Resource#index()}, custom ones in a small map. {@link #check} costs one comparison per
 * limit and allocates nothing while the agent complies.
 */
public final class CompiledQuota {

  private final Quota quota;
  private final Limit[] builtIn = new Limit[Resource.BUILT_IN_COUNT];
  /** Soft limits by resource index, +∞ where there is no limit: the whole hot path is these compares. */
  private final double[] soft = new double[Resource.BUILT_IN_COUNT];
  private final Map<String, Limit> custom = new LinkedHashMap<>();
  /** Every limit with its resource resolved, in the quota's order: walked per sample without a name lookup. */
  private final Resource[] resources;
  private final Limit[] limits;

  public CompiledQuota(Quota quota) {
    this.quota = quota;
    java.util.Arrays.fill(soft, Double.POSITIVE_INFINITY);
    int n = quota.limits().size();
    resources = new Resource[n];
    limits = new Limit[n];
    int k = 0;
    for (Map.Entry<String, Limit> e : quota.limits().entrySet()) {
      Resource r = Resource.resolve(e.getKey(), e.getValue().custom());
      resources[k] = r;
      limits[k++] = e.getValue();
      if (r.isCustom()) {
        custom.put(e.getKey(), e.getValue());
      } else {
        builtIn[r.index()] = e.getValue();
        soft[r.index()] = e.getValue().soft();
      }
    }
  }

  public Quota quota() {
    return quota;
  }

  /** How many limits the quota sets. */
  public int limitCount() {
    return limits.length;
  }

  /** The resource of the {@code k}-th limit (quota order, 0 ≤ k < {@link #limitCount()}). */
  public Resource resourceAt(int k) {
    return resources[k];
  }

  /** The {@code k}-th limit (quota order). */
  public Limit limitAt(int k) {
    return limits[k];
  }

  /** The limit on a built-in resource, or null. */
  public Limit limit(Resource resource) {
    return resource.isCustom() ? custom.get(resource.name()) : builtIn[resource.index()];
  }

  /**
   * Checks measured usage against every limit.
   *
   * @param builtInUsage usage of the built-in resources, indexed by {@link Resource#index()}; a
   *     shorter array counts the missing resources as zero
   * @param customUsage usage of custom resources by name, or null
   * @return the violations, the worst kind per resource; an immutable empty list (nothing
   *     allocated) when the agent complies
   */
  public List<Violation> check(double[] builtInUsage, Map<String, Double> customUsage) {
    double[] thresholds = soft;
    if (builtInUsage.length == Resource.BUILT_IN_COUNT && (customUsage == null || custom.isEmpty())
        && builtInUsage[0] <= thresholds[0] && builtInUsage[1] <= thresholds[1] && builtInUsage[2] <= thresholds[2]
        && builtInUsage[3] <= thresholds[3] && builtInUsage[4] <= thresholds[4] && builtInUsage[5] <= thresholds[5]
        && builtInUsage[6] <= thresholds[6] && builtInUsage[7] <= thresholds[7]) {
      return List.of(); // the common case, unrolled: eight compares and no allocation
    }
    List<Violation> violations = null;
    int n = Math.min(thresholds.length, builtInUsage.length);
    for (int i = 0; i < n; i++) {
      if (builtInUsage[i] > thresholds[i]) {
        violations = add(violations, Resource.ofIndex(i), builtIn[i], builtInUsage[i]);
      }
    }
    if (customUsage != null && !custom.isEmpty()) {
      for (Map.Entry<String, Limit> e : custom.entrySet()) {
        Double used = customUsage.get(e.getKey());
        if (used != null && used > e.getValue().soft()) {
          violations = add(violations, Resource.resolve(e.getKey(), true), e.getValue(), used);
        }
      }
    }
    return violations == null ? List.of() : violations;
  }

  private static List<Violation> add(List<Violation> violations, Resource resource, Limit limit, double used) {
    ViolationKind kind = limit.classify(used);
    double threshold = switch (kind) {
      case BURST -> limit.burst();
      case HARD -> limit.hard();
      default -> limit.soft();
    };
    List<Violation> list = violations == null ? new ArrayList<>(2) : violations;
    list.add(new Violation(resource, kind, used, threshold));
    return list;
  }
}
