package io.agentgovernor.budget.impl;

import io.agentgovernor.budget.Budget;
import io.agentgovernor.budget.BudgetWindow;
import io.vertx.core.json.JsonObject;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A budget's state at its owner (the Hazelcast partition that holds its entry), and every change to
 * it. Pure and deterministic: time comes in as a number, so the same change applied to the same
 * state gives the same state on the primary and on its backup.
 *
 * <p>Nodes lease slices: {@code held} is what a node took out of the budget to grant reservations
 * from locally (reserved, not yet used, or spent and not yet reported). The invariant kept by every
 * change: {@code committed + Σ held ≤ amount} (plus only what agents committed above their
 * reservations, {@code overrun}, which is charged and recorded, never granted). A node reports what
 * it spent and gives back what it does not need with {@link #settle}; a slice whose lease runs out
 * unrenewed, or whose node leaves the cluster ({@link #dropNode}), is charged in full: a dead node
 * may have spent all of it, and no figure it did not report can be trusted.
 *
 * <p>A window's reset happens inside the same change, from the window start of the time given:
 * committed goes back to zero, held slices stay held (they back live reservations), and whatever
 * is settled afterwards is charged to the new window. Two nodes can never both reset and both
 * spend the full amount: there is one state and changes to it are serial.
 */
public final class BudgetState {

  /** A node asking for more than is free asks the holders to give back for this long. */
  static final long WANTED_MS = 2_000;

  Budget budget;
  long windowStart;
  long committed;
  long overrun;
  /** Charged in full: slices of dead nodes and slices whose lease ran out (since creation). */
  long chargedInFull;
  long clock;
  long runEpoch = -1;
  long nextSlice;
  long wantedUntil;
  boolean warned;
  boolean exhausted;
  long createdAt;
  /** The token of the create that wrote this budget (0 if stored before it was kept): its retry knows it. */
  long createdBy;
  final Map<String, Slice> slices = new LinkedHashMap<>();
  /**
   * Per node, the last report ({@code sliceId:seq}) that found its slice gone or emptied it: a
   * retry of that report (Hazelcast runs a processor again at a new owner) finds no slice to
   * compare its {@code seq} with, and must not charge its overrun a second time. Dropped with the node.
   */
  final Map<String, String> settledGone = new LinkedHashMap<>();

  static final class Slice {
    long id;
    long held;
    long expiresAt;
    long seq;
    /** When the node read the figures of its last report counted here (its clock): what it held
     * unreserved beyond that is what its death would strand. */
    long reportedAt;
    /** The token of the last lease granted to this slice and what it granted: a retry of it gets the same answer. */
    long leaseToken;
    long leaseGranted;
  }

  BudgetState(Budget budget, long now) {
    this.budget = budget;
    this.createdAt = now;
    this.clock = now;
    this.windowStart = budget.window().timed() ? budget.window().start(now) : now;
  }

  /** Time never goes back within a budget, whichever node's clock brought it. */
  private long tick(long now) {
    clock = Math.max(clock, now);
    return clock;
  }

  long held() {
    long sum = 0;
    for (Slice s : slices.values()) {
      sum += s.held;
    }
    return sum;
  }

  long remaining() {
    return Math.max(0, budget.amount() - committed - held());
  }

  /** Charges expired slices and resets a window that has ended (or a run that has been replaced). */
  void roll(long now, long epoch) {
    for (Iterator<Slice> it = slices.values().iterator(); it.hasNext(); ) {
      Slice s = it.next();
      if (s.expiresAt <= now) {
        committed += s.held;
        chargedInFull += s.held;
        it.remove();
      }
    }
    BudgetWindow window = budget.window();
    if (window.timed() && window.start(now) > windowStart) {
      reset(window.start(now));
    } else if (window == BudgetWindow.RUN && epoch > runEpoch) {
      if (runEpoch >= 0 || committed > 0) {
        reset(now);
      }
      runEpoch = epoch;
    }
  }

  private void reset(long start) {
    windowStart = start;
    committed = 0;
    overrun = 0;
    warned = false;
    exhausted = false;
  }

  /**
   * Leases at least {@code min} and up to {@code want} to a node for {@code leaseMs}; nothing when
   * less than {@code min} is free. The reply's {@code granted} is what the node may now grant from.
   */
  JsonObject lease(String node, long min, long want, long leaseMs, long epoch, long now) {
    return lease(node, min, want, leaseMs, epoch, 0, now);
  }

  /**
   * As {@link #lease(String, long, long, long, long, long)}, applied once per {@code token} (0: no
   * token). Hazelcast runs an entry processor again at the new owner when the old one left before
   * answering, though it may have applied it (and its backup with it): without the token that
   * retry granted a second time what the node never learned it held, room lost until the node left.
   */
  JsonObject lease(String node, long min, long want, long leaseMs, long epoch, long token, long now) {
    Slice held = slices.get(node);
    if (token != 0 && held != null && held.leaseToken == token) {
      return status(tick(now), new JsonObject().put("granted", held.leaseGranted).put("sliceId", held.id)
          .put("held", held.held).put("expiresAt", held.expiresAt).put("retried", true));
    }
    now = tick(now);
    roll(now, epoch);
    long free = remaining();
    JsonObject reply = new JsonObject();
    if (free < min) {
      boolean othersHold = slices.keySet().stream().anyMatch(n -> !n.equals(node) && slices.get(n).held > 0);
      if (othersHold) {
        wantedUntil = now + WANTED_MS;
      }
      if (!exhausted) {
        exhausted = true;
        reply.put("crossed", "exhausted");
      }
      return status(now, reply.put("granted", 0L).put("othersHold", othersHold));
    }
    long grant = Math.min(Math.max(want, min), free);
    Slice slice = slices.get(node);
    if (slice == null) {
      slice = new Slice();
      slice.id = ++nextSlice;
      slices.put(node, slice);
    }
    slice.held += grant;
    slice.expiresAt = now + leaseMs;
    slice.leaseToken = token;
    slice.leaseGranted = grant;
    return status(now, reply.put("granted", grant).put("sliceId", slice.id).put("held", slice.held)
        .put("expiresAt", slice.expiresAt));
  }

  /**
   * A node's report on its slice: {@code spent} is charged, {@code returned} given back, the lease
   * renewed for {@code leaseMs}. Applied once per {@code seq} (a retried report is not counted
   * twice); a report on a slice already charged in full charges only its {@code overrun}.
   */
  JsonObject settle(String node, long sliceId, long seq, long spent, long returned, long overrunSpent, long leaseMs,
                    long now) {
    return settle(node, sliceId, seq, spent, returned, overrunSpent, leaseMs, now, now);
  }

  /**
   * As {@link #settle(String, long, long, long, long, long, long, long)}, for a report whose figures
   * the node read at {@code readAt} (a report retried at a later tick was read before {@code now}):
   * the slice's {@code reportedAt}, so how stale the owner's view of the node is, says then.
   */
  JsonObject settle(String node, long sliceId, long seq, long spent, long returned, long overrunSpent, long leaseMs,
                    long readAt, long now) {
    now = tick(now);
    roll(now, -1);
    Slice slice = slices.get(node);
    JsonObject reply = new JsonObject();
    String report = sliceId + ":" + seq;
    if (slice == null || slice.id != sliceId) {
      if (!report.equals(settledGone.put(node, report))) {
        committed += overrunSpent;
        overrun += overrunSpent;
      }
      return status(now, warn(reply.put("gone", true)));
    }
    if (seq > slice.seq) {
      slice.seq = seq;
      slice.reportedAt = readAt;
      long fromSlice = Math.min(spent, slice.held);
      long beyond = spent - fromSlice + overrunSpent;
      slice.held -= fromSlice;
      committed += fromSlice + beyond;
      overrun += beyond;
      slice.held -= Math.min(returned, slice.held);
    }
    boolean gone = slice.held == 0;
    if (gone) {
      slices.remove(node);
      settledGone.put(node, report);
    } else {
      slice.expiresAt = now + leaseMs;
    }
    reply.put("gone", gone).put("held", gone ? 0 : slice.held).put("expiresAt", gone ? 0 : slice.expiresAt)
        .put("wanted", wantedUntil > now);
    return status(now, warn(reply));
  }

  /** The node left the cluster: whatever it held is charged in full. */
  JsonObject dropNode(String node, long now) {
    now = tick(now);
    settledGone.remove(node);
    Slice slice = slices.remove(node);
    if (slice != null) {
      committed += slice.held;
      chargedInFull += slice.held;
    }
    roll(now, -1);
    return status(now, warn(new JsonObject().put("charged", slice == null ? 0 : slice.held)));
  }

  /**
   * Charges in full the slices of every node not in {@code live} (the caller's view of the
   * cluster), or null when every holder is live. Catches a lease that reached the owner after its
   * node's departure was handled ({@link #dropNode} ran first): nothing else would end it before
   * its lease runs out, and an expiry is only noticed when the budget changes.
   */
  JsonObject dropAbsent(Set<String> live, long now) {
    List<String> absent = slices.keySet().stream().filter(n -> !live.contains(n)).toList();
    if (absent.isEmpty()) {
      return null;
    }
    JsonObject reply = null;
    for (String n : absent) {
      reply = dropNode(n, now);
    }
    return reply;
  }

  /** A new definition (amount, action, window) for the same budget; what is spent and held stays. */
  void redefine(Budget next, long now) {
    now = tick(now);
    if (next.window() != budget.window()) {
      windowStart = next.window().timed() ? next.window().start(now) : now;
      reset(windowStart);
    }
    budget = next;
    roll(now, -1);
  }

  private JsonObject warn(JsonObject reply) {
    if (!warned && committed >= budget.amount() * 0.8) {
      warned = true;
      reply.put("crossed", "warning");
    }
    return reply;
  }

  private JsonObject status(long now, JsonObject reply) {
    return reply.put("remaining", remaining()).put("outstanding", held()).put("committed", committed)
        .put("amount", budget.amount()).put("refillsAt", budget.window().end(now)).put("windowStart", windowStart)
        .put("now", now);
  }

  /**
   * When the budget runs out at the window's burn rate so far (committed over elapsed time, at
   * least a second), or null if nothing is spent yet or it would not run out before the window ends.
   */
  static Long forecast(long committed, long remaining, long windowStart, long now, long windowEnd) {
    double perMs = committed / (double) Math.max(1_000, now - windowStart);
    if (perMs <= 0) {
      return null;
    }
    long at = now + (long) (remaining / perMs);
    return windowEnd < 0 || at < windowEnd ? at : null;
  }

  /**
   * The status shown to operators: committed, outstanding (held by nodes), remaining, the window,
   * and the burn rate over the window so far (committed / elapsed) with the time it would run out
   * at that rate (absent when it would not within the window, or nothing is spent yet).
   */
  JsonObject view(long now) {
    now = Math.max(now, clock);
    long elapsed = Math.max(1_000, now - windowStart);
    double perSecond = committed * 1000.0 / elapsed;
    JsonObject json = new JsonObject().put("budget", budget.toJson()).put("committed", committed)
        .put("outstanding", held()).put("remaining", remaining()).put("overrun", overrun)
        .put("chargedInFull", chargedInFull).put("windowStart", windowStart)
        .put("windowEnd", budget.window().end(now)).put("burnRatePerSecond", perSecond)
        .put("usedFraction", (committed + held()) / (double) budget.amount());
    Long at = forecast(committed, remaining(), windowStart, now, budget.window().end(now));
    if (at != null) {
      json.put("forecastExhaustionAt", at);
    }
    JsonObject nodes = new JsonObject();
    JsonObject reported = new JsonObject();
    slices.forEach((n, s) -> {
      nodes.put(n, s.held);
      reported.put(n, s.reportedAt);
    });
    return json.put("heldByNode", nodes).put("reportedAtByNode", reported);
  }

  // ---- the stored form: JSON (compact and versionable), one per budget id ----

  String encode() {
    JsonObject sl = new JsonObject();
    slices.forEach((n, s) -> sl.put(n, new JsonObject().put("id", s.id).put("held", s.held)
        .put("expiresAt", s.expiresAt).put("seq", s.seq).put("reportedAt", s.reportedAt)
        .put("leaseToken", s.leaseToken).put("leaseGranted", s.leaseGranted)));
    return new JsonObject().put("v", 1).put("budget", budget.toJson()).put("windowStart", windowStart)
        .put("committed", committed).put("overrun", overrun).put("chargedInFull", chargedInFull).put("clock", clock)
        .put("runEpoch", runEpoch).put("nextSlice", nextSlice).put("wantedUntil", wantedUntil).put("warned", warned)
        .put("exhausted", exhausted).put("createdAt", createdAt).put("createdBy", createdBy).put("slices", sl)
        .put("settledGone", new JsonObject(new LinkedHashMap<>(settledGone))).encode();
  }

  static BudgetState decode(String text) {
    JsonObject json = new JsonObject(text);
    BudgetState s = new BudgetState(Budget.fromJson(json.getJsonObject("budget")), json.getLong("createdAt"));
    s.windowStart = json.getLong("windowStart");
    s.committed = json.getLong("committed");
    s.overrun = json.getLong("overrun");
    s.chargedInFull = json.getLong("chargedInFull");
    s.clock = json.getLong("clock");
    s.runEpoch = json.getLong("runEpoch");
    s.nextSlice = json.getLong("nextSlice");
    s.wantedUntil = json.getLong("wantedUntil");
    s.warned = json.getBoolean("warned");
    s.exhausted = json.getBoolean("exhausted");
    s.createdBy = json.getLong("createdBy", 0L);
    JsonObject gone = json.getJsonObject("settledGone");
    if (gone != null) {
      gone.forEach(e -> s.settledGone.put(e.getKey(), String.valueOf(e.getValue())));
    }
    JsonObject sl = json.getJsonObject("slices");
    for (String node : sl.fieldNames()) {
      JsonObject j = sl.getJsonObject(node);
      Slice slice = new Slice();
      slice.id = j.getLong("id");
      slice.held = j.getLong("held");
      slice.expiresAt = j.getLong("expiresAt");
      slice.seq = j.getLong("seq");
      slice.reportedAt = j.getLong("reportedAt", 0L);
      slice.leaseToken = j.getLong("leaseToken", 0L);
      slice.leaseGranted = j.getLong("leaseGranted", 0L);
      s.slices.put(node, slice);
    }
    return s;
  }
}
