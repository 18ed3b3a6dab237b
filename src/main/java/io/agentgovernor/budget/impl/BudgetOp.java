package io.agentgovernor.budget.impl;

import com.hazelcast.map.EntryProcessor;
import io.agentgovernor.budget.Budget;
import io.agentgovernor.cluster.Versions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.Serial;
import java.io.Serializable;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One change to a budget, run by Hazelcast at the partition owner of the budget's key, serially
 * with every other change to that key, and replayed on its backup (deterministic: the caller's
 * time travels with it). Replies a JSON text.
 */
final class BudgetOp implements EntryProcessor<String, String, String>, Serializable {

  @Serial
  private static final long serialVersionUID = 1L;

  enum Kind { CREATE, REDEFINE, LEASE, SETTLE, DROP_NODE, DROP_ABSENT, VIEW }

  private final Kind kind;
  private final String node;
  private final String text;
  private final long[] args;
  private final long now;

  private BudgetOp(Kind kind, String node, String text, long now, long... args) {
    this.kind = kind;
    this.node = node;
    this.text = text;
    this.now = now;
    this.args = args;
  }

  /**
   * Creates the budget if the id has none. The processor carries a random token the state keeps
   * ({@code createdBy}): a retry at a new owner of a create that took effect finds its own budget
   * and answers as the first run, not "exists".
   */
  static BudgetOp create(Budget budget, long now) {
    return new BudgetOp(Kind.CREATE, null, budget.toJson().encode(), now, Versions.requestToken());
  }

  static BudgetOp redefine(Budget budget, long now) {
    return new BudgetOp(Kind.REDEFINE, null, budget.toJson().encode(), now);
  }

  /** {@code token}: unique per lease a node asks for, so a retry is not granted twice (see BudgetState). */
  static BudgetOp lease(String node, long min, long want, long leaseMs, long epoch, long token, long now) {
    return new BudgetOp(Kind.LEASE, node, null, now, min, want, leaseMs, epoch, token);
  }

  /** {@code readAt}: when the node read the report's figures; earlier than {@code now} for a report retried. */
  static BudgetOp settle(String node, long sliceId, long seq, long spent, long returned, long overrun, long leaseMs,
                         long readAt, long now) {
    return new BudgetOp(Kind.SETTLE, node, null, now, sliceId, seq, spent, returned, overrun, leaseMs, readAt);
  }

  static BudgetOp dropNode(String node, long now) {
    return new BudgetOp(Kind.DROP_NODE, node, null, now);
  }

  /** Charges the slices of every node not among {@code live}. */
  static BudgetOp dropAbsent(Collection<String> live, long now) {
    return new BudgetOp(Kind.DROP_ABSENT, null, new JsonArray(List.copyOf(live)).encode(), now);
  }

  static BudgetOp view(long now) {
    return new BudgetOp(Kind.VIEW, null, null, now);
  }

  @Override
  public String process(Map.Entry<String, String> entry) {
    String stored = entry.getValue();
    if (kind == Kind.CREATE) {
      if (stored != null) {
        BudgetState held = BudgetState.decode(stored);
        return held.createdBy == args[0] ? held.view(now).encode() : null;
      }
      BudgetState state = new BudgetState(Budget.fromJson(new JsonObject(text)), now);
      state.createdBy = args[0];
      entry.setValue(state.encode());
      return state.view(now).encode();
    }
    if (stored == null) {
      return null;
    }
    BudgetState state = BudgetState.decode(stored);
    JsonObject reply = switch (kind) {
      case REDEFINE -> {
        state.redefine(Budget.fromJson(new JsonObject(text)), now);
        yield state.view(now);
      }
      case LEASE -> state.lease(node, args[0], args[1], args[2], args[3], args[4], now);
      case SETTLE -> state.settle(node, args[0], args[1], args[2], args[3], args[4], args[5], args[6], now);
      case DROP_NODE -> state.slices.containsKey(node) || state.settledGone.containsKey(node)
          ? state.dropNode(node, now) : null;
      case DROP_ABSENT -> state.dropAbsent(Set.copyOf(new JsonArray(text).getList()), now);
      case VIEW -> {
        state.roll(now, -1);
        yield state.view(now);
      }
      default -> throw new IllegalStateException(kind.name());
    };
    if (reply != null) {
      entry.setValue(state.encode());
    }
    return reply == null ? null : reply.encode();
  }
}
