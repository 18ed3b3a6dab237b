package io.agentgovernor.degradation.policy;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;

/**
 * What happened in a recovery, for the history and the feed: a plan created, a stage completed
 * (a strategy removed), a rollback (a strategy re-applied after a returning violation), the
 * recovery completed. Each serialises with a {@code type} field.
 */
public sealed interface RecoveryEvent {

  String agentId();

  String resource();

  long atMs();

  JsonObject toJson();

  /** A recovery plan was created; {@code stages} are the strategies in the order they will be removed. */
  record PlanCreated(String agentId, String resource, long atMs, double limit, List<String> stages)
      implements RecoveryEvent {
    public PlanCreated {
      stages = List.copyOf(stages);
    }

    @Override
    public JsonObject toJson() {
      return base(this, "plan_created").put("limit", limit).put("stages", new JsonArray(stages));
    }
  }

  /** Stage {@code stage} ran: {@code strategy} was removed. */
  record StageCompleted(String agentId, String resource, long atMs, int stage, String strategy, double usage)
      implements RecoveryEvent {
    @Override
    public JsonObject toJson() {
      return base(this, "stage_completed").put("stage", stage).put("strategy", strategy).put("usage", usage);
    }
  }

  /** A violation returned: {@code strategy}, removed by {@code stage}, is applied again and that stage restarts. */
  record RolledBack(String agentId, String resource, long atMs, int stage, String strategy, double usage)
      implements RecoveryEvent {
    @Override
    public JsonObject toJson() {
      return base(this, "rolled_back").put("stage", stage).put("strategy", strategy).put("usage", usage);
    }
  }

  /** Every strategy has been removed. */
  record RecoveryCompleted(String agentId, String resource, long atMs) implements RecoveryEvent {
    @Override
    public JsonObject toJson() {
      return base(this, "recovery_completed");
    }
  }

  private static JsonObject base(RecoveryEvent e, String type) {
    return new JsonObject().put("type", type).put("agentId", e.agentId()).put("resource", e.resource())
        .put("atMs", e.atMs());
  }
}
