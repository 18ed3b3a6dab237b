package io.agentgovernor.budget.impl;

import io.agentgovernor.cluster.Maps;
import com.hazelcast.config.Config;
import com.hazelcast.config.MapConfig;
import com.hazelcast.core.EntryEvent;
import com.hazelcast.map.IMap;
import com.hazelcast.map.listener.EntryAddedListener;
import com.hazelcast.map.listener.EntryRemovedListener;
import com.hazelcast.map.listener.EntryUpdatedListener;
import io.agentgovernor.budget.Budget;
import io.agentgovernor.bus.ErrorCode;
import io.agentgovernor.bus.GovernorException;
import io.vertx.core.json.JsonObject;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * The budget map ({@value #MAP}: budget id → {@link BudgetState} JSON) and this node's
 * {@link BudgetIndex} of the definitions in it. Every change is a {@link BudgetOp} on the budget's
 * key. Blocking: call from a worker.
 */
public final class BudgetStore {

  public static final String MAP = Maps.BUDGETS;

  private final IMap<String, String> map;
  private final BudgetIndex index;
  private final Clock clock;
  private UUID listener;

  BudgetStore(IMap<String, String> map, BudgetIndex index, Clock clock) {
    this.map = map;
    this.index = index;
    this.clock = clock;
  }

  /** The budget map's settings: synchronous backups, and writes refused on a minority side of a split. */
  public static void configure(Config hz, int backupCount, String splitBrainProtection) {
    MapConfig map = new MapConfig(MAP).setBackupCount(backupCount).setReadBackupData(false);
    if (splitBrainProtection != null) {
      map.setSplitBrainProtectionName(splitBrainProtection);
    }
    hz.addMapConfig(map);
  }

  IMap<String, String> map() {
    return map;
  }

  /** Loads the definitions and keeps the index current from the map's events. */
  void startIndex() {
    listener = map.addEntryListener(new Listener(), true);
    map.values().forEach(this::apply);
  }

  void stopIndex() {
    if (listener != null) {
      map.removeEntryListener(listener);
    }
  }

  /** Keeps the definition (parsed again only when it changed) and the latest figures. */
  private void apply(String stored) {
    JsonObject state = new JsonObject(stored);
    JsonObject def = state.getJsonObject("budget");
    Budget known = index.get(def.getString("id"));
    Budget b = known != null && known.toJson().equals(def) ? known : Budget.fromJson(def);
    if (b != known) {
      index.put(b);
    }
    long held = 0;
    JsonObject slices = state.getJsonObject("slices");
    for (String n : slices.fieldNames()) {
      held += slices.getJsonObject(n).getLong("held");
    }
    long committed = state.getLong("committed");
    index.figures(b.id(), committed, held, Math.max(0, b.amount() - committed - held), state.getLong("windowStart"));
  }

  private final class Listener implements EntryAddedListener<String, String>, EntryUpdatedListener<String, String>,
      EntryRemovedListener<String, String> {
    @Override
    public void entryAdded(EntryEvent<String, String> e) {
      apply(e.getValue());
    }

    @Override
    public void entryUpdated(EntryEvent<String, String> e) {
      apply(e.getValue());
    }

    @Override
    public void entryRemoved(EntryEvent<String, String> e) {
      index.remove(e.getKey());
    }
  }

  /** Creates a budget; fails ALREADY_EXISTS. Reply: its status. */
  JsonObject create(Budget budget) {
    String text = map.executeOnKey(budget.id(), BudgetOp.create(budget, clock.millis()));
    if (text == null) {
      throw new GovernorException(ErrorCode.ALREADY_EXISTS, "budget '" + budget.id() + "' exists");
    }
    index.put(budget);
    return new JsonObject(text);
  }

  /** Creates or redefines a budget (what is spent and held stays). Reply: its status. */
  JsonObject put(Budget budget) {
    String text = map.executeOnKey(budget.id(), BudgetOp.redefine(budget, clock.millis()));
    if (text == null) {
      return create(budget);
    }
    index.put(budget);
    return new JsonObject(text);
  }

  /** A budget's status, read at its owner; fails NOT_FOUND. */
  JsonObject view(String id) {
    String text = map.executeOnKey(id, BudgetOp.view(clock.millis()));
    if (text == null) {
      throw GovernorException.notFound("budget", id);
    }
    return new JsonObject(text);
  }

  /** Every budget's status, ordered by id. */
  List<JsonObject> list() {
    List<JsonObject> items = new ArrayList<>();
    map.executeOnEntries(BudgetOp.view(clock.millis())).values().forEach(t -> {
      if (t != null) {
        items.add(new JsonObject(t));
      }
    });
    items.sort((a, b) -> a.getJsonObject("budget").getString("id").compareTo(b.getJsonObject("budget").getString("id")));
    return items;
  }

  void delete(String id) {
    if (map.remove(id) == null) {
      throw GovernorException.notFound("budget", id);
    }
    index.remove(id);
  }
}
