package io.agentgovernor.agent;

import java.util.Map;

/**
 * The running totals the runtime keeps of one agent's use, as the node's monitor reads them once
 * per sample (see {@link AgentContext} for what is counted and how). The {@code take} methods
 * return what accumulated since the last call and reset it: the monitor's thread only.
 */
public interface AgentMeter {

  /** Nanoseconds the agent's handlers ran since the last call ({@code nanoTime}, not yet CPU). */
  long takeHandlerNanos();

  /** CPU nanoseconds of the agent's blocking tasks since the last call. */
  long takeWorkerCpuNanos();

  /** Custom resources reported since the last call, by name. */
  Map<String, Double> takeCustom();

  /** The event-loop thread the agent's handlers run on, or null before the first. */
  Thread thread();

  long bytesIn();

  long bytesOut();

  long messagesHandled();

  int processes();

  int files();

  int connections();

  /** Messages waiting in the agent's inbox. */
  int queuedMessages();

  /** Bytes of the messages waiting in the agent's inbox. */
  long queuedBytes();

  /** Bytes on disk of the files the agent wrote (read now). */
  long diskBytes();

  /** CPU and memory of an agent that runs in another process, measured from outside; null for an in-JVM agent. */
  double[] external();

  /** Sets {@link #external()}: the bridge, for its outside agents (indexed by {@code Resource.index()}). */
  void external(double[] usage);
}
