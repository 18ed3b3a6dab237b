package io.agentgovernor.bridge.impl;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The agents registered over this node's bridge: each one's secret and whether a connection holds
 * it. An agent whose connection is gone keeps its lease for {@code graceMs}; then it expires once,
 * and the caller undeploys or suspends it. Entries leave when the agent stops, so the table never
 * holds more than the node's bridge agents. Time is passed in; confined to one thread.
 */
public final class Leases {

  /** Where an agent's lease stands. */
  public enum State { CONNECTED, DISCONNECTED, EXPIRED }

  /** One bridge agent's lease. */
  public static final class Lease {
    private final AgentSecret secret;
    private final Object owner;
    private final boolean supervised;
    private State state = State.CONNECTED;
    private long disconnectedAt;

    Lease(AgentSecret secret, Object owner, boolean supervised) {
      this.secret = secret;
      this.owner = owner;
      this.supervised = supervised;
    }

    public AgentSecret secret() {
      return secret;
    }

    public State state() {
      return state;
    }
  }

  private final long graceMs;
  private final Map<String, Lease> leases = new HashMap<>();

  public Leases(long graceMs) {
    this.graceMs = graceMs;
  }

  /** A newly registered agent, connected; {@code owner} is the running copy the lease belongs to. */
  public void add(String agent, AgentSecret secret, Object owner) {
    leases.put(agent, new Lease(secret, owner, false));
  }

  /**
   * An agent whose process this node started and supervises: its lease starts without a connection
   * and never expires (the process, not a connection, keeps the agent alive).
   */
  public void addSupervised(String agent, AgentSecret secret, Object owner, long now) {
    Lease lease = new Lease(secret, owner, true);
    lease.state = State.DISCONNECTED;
    lease.disconnectedAt = now;
    leases.put(agent, lease);
  }

  /** The agent's lease, or {@code null} if it was not registered over this bridge (or has stopped). */
  public Lease get(String agent) {
    return leases.get(agent);
  }

  /** A connection that proved the secret holds the agent again; returns the state it was in. */
  public State connected(String agent) {
    Lease lease = leases.get(agent);
    if (lease == null) {
      return null;
    }
    State before = lease.state;
    lease.state = State.CONNECTED;
    return before;
  }

  /** The agent's connection is gone at {@code now}: its grace starts. */
  public void disconnected(String agent, long now) {
    Lease lease = leases.get(agent);
    if (lease != null && lease.state == State.CONNECTED) {
      lease.state = State.DISCONNECTED;
      lease.disconnectedAt = now;
    }
  }

  /** Agents whose grace ran out by {@code now}; each is returned once (it is then EXPIRED). */
  public List<String> expire(long now) {
    List<String> due = new ArrayList<>();
    leases.forEach((agent, lease) -> {
      if (!lease.supervised && lease.state == State.DISCONNECTED && now - lease.disconnectedAt >= graceMs) {
        lease.state = State.EXPIRED;
        due.add(agent);
      }
    });
    return due;
  }

  /**
   * The copy {@code owner} of the agent stopped: its lease and secret are forgotten. A lease of a
   * newer copy of the same id stays. Returns whether a lease was removed.
   */
  public boolean remove(String agent, Object owner) {
    Lease lease = leases.get(agent);
    if (lease == null || lease.owner != owner) {
      return false;
    }
    leases.remove(agent);
    return true;
  }

  public int size() {
    return leases.size();
  }
}
