package io.agentgovernor.bridge.impl;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The bridge's connections and the bounds on them, free of sockets and clocks (time is passed in).
 * A new connection is unregistered: at most {@code maxUnregistered} of those exist, the oldest
 * making way for a newcomer, and each has {@code registerTimeoutMs} to register. While its register
 * is decided a connection is claiming: it cannot be displaced, and at most {@code maxUnregistered}
 * connections claim at once. A registered
 * connection is bound to one agent; at most {@code maxConnections} are bound, at most one per agent,
 * and each must send a frame at least every {@code idleTimeoutMs}. Confined to one thread.
 *
 * @param <C> the connection
 */
public final class ConnectionTable<C> {

  /** Why a connection is to be closed. */
  public enum Reason { EVICTED, REGISTER_TIMEOUT, IDLE_TIMEOUT, REPLACED }

  /** A connection to close, and why. */
  public record Close<C>(C connection, Reason reason) {
  }

  private static final class Slot {
    final long openedAt;
    long lastFrameAt;
    String agent;

    Slot(long now) {
      openedAt = now;
      lastFrameAt = now;
    }
  }

  private final int maxConnections;
  private final int maxUnregistered;
  private final long registerTimeoutMs;
  private final long idleTimeoutMs;
  /** Oldest first, so eviction takes the head. */
  private final LinkedHashMap<C, Slot> unregistered = new LinkedHashMap<>();
  private final Map<C, Slot> claiming = new HashMap<>();
  private final Map<C, Slot> bound = new HashMap<>();
  private final Map<String, C> byAgent = new HashMap<>();

  public ConnectionTable(int maxConnections, int maxUnregistered, long registerTimeoutMs, long idleTimeoutMs) {
    if (maxUnregistered < 1) {
      throw new IllegalArgumentException("maxUnregistered must be at least 1, got " + maxUnregistered);
    }
    this.maxConnections = maxConnections;
    this.maxUnregistered = maxUnregistered;
    this.registerTimeoutMs = registerTimeoutMs;
    this.idleTimeoutMs = idleTimeoutMs;
  }

  /** Takes a new connection; returns the oldest unregistered one it displaces, or {@code null}. */
  public C admit(C connection, long now) {
    C evicted = makeRoom();
    unregistered.put(connection, new Slot(now));
    return evicted;
  }

  /**
   * Removes and returns the oldest unregistered connection if all {@code maxUnregistered} places
   * are taken, before one is added: the count never goes above the cap, not even for the moment
   * between adding and evicting (the metrics gauge reads it from another thread, and once read 65
   * of 64 during a flood of 10,000 connections).
   */
  private C makeRoom() {
    if (unregistered.size() < maxUnregistered) {
      return null;
    }
    Iterator<C> oldest = unregistered.keySet().iterator();
    C evicted = oldest.next();
    oldest.remove();
    return evicted;
  }

  /**
   * Marks an unregistered connection as claiming an agent (its register is being decided); false if
   * it is not unregistered or too many connections claim already (the register is then refused).
   */
  public boolean claim(C connection) {
    if (claiming.size() >= maxUnregistered || !unregistered.containsKey(connection)) {
      return false;
    }
    claiming.put(connection, unregistered.remove(connection));
    return true;
  }

  /**
   * A refused register: the connection is unregistered again, its register deadline unchanged.
   * Returns the oldest unregistered connection it displaces (to be closed, as for {@link #admit}),
   * or {@code null}: while it claimed, new connections may have filled the unregistered places,
   * and coming back it must not take one more than {@code maxUnregistered}.
   */
  public C unclaim(C connection) {
    Slot slot = claiming.remove(connection);
    if (slot == null) {
      return null;
    }
    C evicted = makeRoom();
    unregistered.put(connection, slot);
    return evicted;
  }

  /** Whether the connection's register is being decided. */
  public boolean isClaiming(C connection) {
    return claiming.containsKey(connection);
  }

  /** Whether another connection could be bound now. */
  public boolean hasRoomToBind() {
    return bound.size() < maxConnections;
  }

  /**
   * Binds a claiming connection to {@code agent}; returns the connection that held the agent
   * before (to be closed), or {@code null}. Fails if the connection is not claiming or no room is left.
   */
  public C bind(C connection, String agent, long now) {
    Slot slot = claiming.get(connection);
    if (slot == null) {
      throw new IllegalStateException("connection is not claiming");
    }
    C previous = byAgent.get(agent);
    if (previous == null && !hasRoomToBind()) {
      throw new IllegalStateException("no room to bind");
    }
    if (previous != null) {
      bound.remove(previous);
    }
    claiming.remove(connection);
    slot.agent = agent;
    slot.lastFrameAt = now;
    bound.put(connection, slot);
    byAgent.put(agent, connection);
    return previous;
  }

  /** The agent a connection is bound to, or {@code null}. */
  public String agentOf(C connection) {
    Slot slot = bound.get(connection);
    return slot == null ? null : slot.agent;
  }

  /** The connection bound to an agent, or {@code null}. */
  public C connectionOf(String agent) {
    return byAgent.get(agent);
  }

  /** A complete frame arrived on the connection. */
  public void touch(C connection, long now) {
    Slot slot = bound.get(connection);
    if (slot != null) {
      slot.lastFrameAt = now;
    }
  }

  /** Forgets a connection; returns the agent it was bound to, or {@code null}. */
  public String remove(C connection) {
    unregistered.remove(connection);
    claiming.remove(connection);
    Slot slot = bound.remove(connection);
    if (slot == null) {
      return null;
    }
    byAgent.remove(slot.agent, connection);
    return slot.agent;
  }

  /** Unbinds whatever connection holds {@code agent}; returns it, or {@code null}. */
  public C release(String agent) {
    C connection = byAgent.remove(agent);
    if (connection != null) {
      bound.remove(connection);
    }
    return connection;
  }

  /** The connections whose deadline passed at {@code now}: to be closed by the caller (which then calls {@link #remove}). */
  public List<Close<C>> expired(long now) {
    List<Close<C>> due = new ArrayList<>();
    for (Map.Entry<C, Slot> e : unregistered.entrySet()) {
      if (now - e.getValue().openedAt >= registerTimeoutMs) {
        due.add(new Close<>(e.getKey(), Reason.REGISTER_TIMEOUT));
      }
    }
    for (Map.Entry<C, Slot> e : bound.entrySet()) {
      if (now - e.getValue().lastFrameAt >= idleTimeoutMs) {
        due.add(new Close<>(e.getKey(), Reason.IDLE_TIMEOUT));
      }
    }
    return due;
  }

  /** Connections with no agent that have not asked to register (at most {@code maxUnregistered}). */
  public int unregisteredCount() {
    return unregistered.size();
  }

  /** Connections whose register is being decided (at most {@code maxUnregistered} more). */
  public int claimingCount() {
    return claiming.size();
  }

  public int boundCount() {
    return bound.size();
  }
}
