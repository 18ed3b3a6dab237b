package io.agentgovernor.agent.impl;

/** Benchmarks' access to the runtime's package-private accounting (same package, benchmark code only). */
public final class AccountingProbe {

  private AccountingProbe() {
  }

  /** What {@link AgentContextImpl} does after every handler. */
  public static void handlerRan(AgentAccount account, long nanos) {
    account.handlerRan(nanos);
  }

  /** The event-loop thread whose CPU the sampler apportions to the agent. */
  public static void thread(AgentAccount account, Thread thread) {
    account.thread = thread;
  }
}
