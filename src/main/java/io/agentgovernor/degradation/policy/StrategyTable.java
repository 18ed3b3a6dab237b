package io.agentgovernor.degradation.policy;

import static io.agentgovernor.bus.DegradationStrategy.BATCH_OPERATIONS;
import static io.agentgovernor.bus.DegradationStrategy.CACHE_AGGRESSIVELY;
import static io.agentgovernor.bus.DegradationStrategy.DROP_NON_ESSENTIAL;
import static io.agentgovernor.bus.DegradationStrategy.REDUCE_PRECISION;
import static io.agentgovernor.bus.DegradationStrategy.USE_FALLBACK_ALGORITHM;
import static io.agentgovernor.degradation.policy.PressureLevel.AGGRESSIVE;
import static io.agentgovernor.degradation.policy.PressureLevel.EMERGENCY;
import static io.agentgovernor.degradation.policy.PressureLevel.MINIMAL;
import static io.agentgovernor.degradation.policy.PressureLevel.MODERATE;

import io.agentgovernor.bus.DegradationStrategy;
import io.agentgovernor.bus.GovernorException;
import io.agentgovernor.quota.Resource;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Which strategies each resource gets, and from which pressure level. Strategies accumulate: at a
 * level an agent has every strategy introduced at that level or a shallower one, in the order
 * listed, so deepening adds strategies and recovery removes them in reverse.
 *
 * <p>Defaults: memory and cpu are the seed's rows; the others are our choice:
 * <pre>
 * resource       minimal              moderate               aggressive             emergency
 * memory         cache_aggressively   batch_operations       reduce_precision       drop_non_essential
 * cpu            batch_operations     use_fallback_algorithm reduce_precision       drop_non_essential
 * network        batch_operations     reduce_precision     drop_non_essential     use_fallback_algorithm
 * connections    cache_aggressively   batch_operations     drop_non_essential     use_fallback_algorithm
 * files          cache_aggressively   batch_operations     drop_non_essential     -
 * processes      batch_operations     drop_non_essential   use_fallback_algorithm -
 * message_queue  batch_operations     drop_non_essential   reduce_precision       use_fallback_algorithm
 * disk           drop_non_essential   reduce_precision     use_fallback_algorithm -
 * custom         reduce_precision     cache_aggressively   use_fallback_algorithm drop_non_essential
 * </pre>
 * Why, for ours: network fewer, larger messages first, then
 * smaller payloads; connections and files reuse what is open (cached answers, batched writes)
 * before dropping work; processes run work in fewer workers, then drop optional children, then
 * fall back to in-process work; a message queue drains faster when handled in batches and by
 * skipping what is not essential; disk is freed by deleting optional files (logs, spills) first,
 * then writing smaller outputs (caching and batching would hold more on disk, not less); a custom
 * resource (LLM tokens, money) is usually cheapest to save by shorter answers, reuse and a cheaper
 * model. Resources not listed fall back to
 * {@code custom}.
 */
public final class StrategyTable {

  /**
   * A strategy, the level from which it is in force, and parameters sent with it over the
   * strategy's own ({@link DegradationStrategy#seedParams()}); {@code custom} needs a {@code name}.
   */
  public record Entry(DegradationStrategy strategy, PressureLevel from, JsonObject params) {

    public Entry {
      params = params == null ? new JsonObject() : params.copy();
      if (strategy == DegradationStrategy.CUSTOM && !(params.getValue("name") instanceof String)) {
        throw GovernorException.invalid("a custom strategy needs params.name (what the agent knows it by)");
      }
    }

    /** What is sent with the strategy: the seed's parameters, then this entry's on top. */
    public JsonObject effectiveParams() {
      return strategy.seedParams().mergeIn(params);
    }
  }

  public static final String CUSTOM = "custom";

  private final Map<String, List<Entry>> byResource;

  private StrategyTable(Map<String, List<Entry>> byResource) {
    this.byResource = Map.copyOf(byResource);
  }

  public static StrategyTable ofDefaults() {
    Map<String, List<Entry>> m = new LinkedHashMap<>();
    // the seed's select_degradation_strategies for memory and cpu
    m.put("memory", List.of(e(CACHE_AGGRESSIVELY, MINIMAL), e(BATCH_OPERATIONS, MODERATE),
        e(REDUCE_PRECISION, AGGRESSIVE), e(DROP_NON_ESSENTIAL, EMERGENCY)));
    m.put("cpu", List.of(e(BATCH_OPERATIONS, MINIMAL), e(USE_FALLBACK_ALGORITHM, MODERATE),
        e(REDUCE_PRECISION, AGGRESSIVE), e(DROP_NON_ESSENTIAL, EMERGENCY)));
    m.put("network", List.of(e(BATCH_OPERATIONS, MINIMAL), e(REDUCE_PRECISION, MODERATE),
        e(DROP_NON_ESSENTIAL, AGGRESSIVE), e(USE_FALLBACK_ALGORITHM, EMERGENCY)));
    m.put("connections", List.of(e(CACHE_AGGRESSIVELY, MINIMAL), e(BATCH_OPERATIONS, MODERATE),
        e(DROP_NON_ESSENTIAL, AGGRESSIVE), e(USE_FALLBACK_ALGORITHM, EMERGENCY)));
    m.put("files", List.of(e(CACHE_AGGRESSIVELY, MINIMAL), e(BATCH_OPERATIONS, MODERATE),
        e(DROP_NON_ESSENTIAL, AGGRESSIVE)));
    m.put("processes", List.of(e(BATCH_OPERATIONS, MINIMAL), e(DROP_NON_ESSENTIAL, MODERATE),
        e(USE_FALLBACK_ALGORITHM, AGGRESSIVE)));
    m.put("message_queue", List.of(e(BATCH_OPERATIONS, MINIMAL), e(DROP_NON_ESSENTIAL, MODERATE),
        e(REDUCE_PRECISION, AGGRESSIVE), e(USE_FALLBACK_ALGORITHM, EMERGENCY)));
    m.put("disk", List.of(e(DROP_NON_ESSENTIAL, MINIMAL), e(REDUCE_PRECISION, MODERATE),
        e(USE_FALLBACK_ALGORITHM, AGGRESSIVE)));
    m.put(CUSTOM, List.of(e(REDUCE_PRECISION, MINIMAL), e(CACHE_AGGRESSIVELY, MODERATE),
        e(USE_FALLBACK_ALGORITHM, AGGRESSIVE), e(DROP_NON_ESSENTIAL, EMERGENCY)));
    return new StrategyTable(m);
  }

  /**
   * Reads {@code {"memory": [{"strategy": "cache_aggressively", "from": "minimal", "params"?: {...}},
   * ...], ...}} over the defaults: a resource listed replaces its default list. Unknown resources,
   * strategies, levels or fields, a duplicate strategy, levels out of order, or a {@code custom}
   * strategy without {@code params.name} are refused with the path at fault.
   */
  public static StrategyTable fromJson(JsonObject json) {
    Map<String, List<Entry>> m = new LinkedHashMap<>(ofDefaults().byResource);
    for (String resource : json.fieldNames()) {
      if (!CUSTOM.equals(resource) && Resource.builtIn(resource) == null) {
        throw GovernorException.invalid("strategies." + resource + ": unknown resource; expected one of "
            + Resource.BUILT_IN.stream().map(Resource::name).toList() + " or custom");
      }
      if (!(json.getValue(resource) instanceof JsonArray list)) {
        throw GovernorException.invalid("strategies." + resource + " must be an array");
      }
      m.put(resource, readEntries(list, "strategies." + resource));
    }
    return new StrategyTable(m);
  }

  private static List<Entry> readEntries(JsonArray list, String path) {
    List<Entry> entries = new ArrayList<>();
    for (int i = 0; i < list.size(); i++) {
      String at = path + "[" + i + "]";
      if (!(list.getValue(i) instanceof JsonObject item)) {
        throw GovernorException.invalid(at + " must be an object {strategy, from, params?}");
      }
      for (String field : item.fieldNames()) {
        if (!java.util.Set.of("strategy", "from", "params").contains(field)) {
          throw GovernorException.invalid(at + ": unknown field '" + field + "'; expected strategy, from, params");
        }
      }
      try {
        DegradationStrategy strategy = DegradationStrategy.parse(item.getString("strategy"));
        PressureLevel from = PressureLevel.parse(item.getString("from", "minimal"));
        if (from == PressureLevel.NONE) {
          throw GovernorException.invalid("a strategy cannot start at level none");
        }
        if (!entries.isEmpty() && from.ordinal() < entries.get(entries.size() - 1).from().ordinal()) {
          throw GovernorException.invalid("levels must not decrease along the list");
        }
        if (entries.stream().anyMatch(e -> e.strategy() == strategy)) {
          throw GovernorException.invalid("strategy '" + strategy.wireName() + "' is listed twice");
        }
        Object params = item.getValue("params");
        if (params != null && !(params instanceof JsonObject)) {
          throw GovernorException.invalid("params must be an object");
        }
        entries.add(new Entry(strategy, from, (JsonObject) params));
      } catch (ClassCastException e) {
        throw GovernorException.invalid(at + ": strategy and from must be strings");
      } catch (GovernorException e) {
        throw GovernorException.invalid(at + ": " + e.getMessage());
      }
    }
    return List.copyOf(entries);
  }

  /** The strategies in force for {@code resource} at {@code level}, in the order introduced. */
  public List<DegradationStrategy> strategies(Resource resource, PressureLevel level) {
    return entries(resource, level).stream().map(Entry::strategy).toList();
  }

  /** The entries in force for {@code resource} at {@code level}, in the order introduced. */
  public List<Entry> entries(Resource resource, PressureLevel level) {
    List<Entry> entries = resource.isCustom() ? byResource.get(CUSTOM)
        : byResource.getOrDefault(resource.name(), byResource.get(CUSTOM));
    List<Entry> out = new ArrayList<>();
    for (Entry e : entries) {
      if (e.from().ordinal() <= level.ordinal()) {
        out.add(e);
      }
    }
    return out;
  }

  private static Entry e(DegradationStrategy strategy, PressureLevel from) {
    return new Entry(strategy, from, null);
  }
}
