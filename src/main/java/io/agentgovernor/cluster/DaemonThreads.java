package io.agentgovernor.cluster;

import java.util.concurrent.ThreadFactory;

/**
 * Threads for the governor's own executors (lease rounds, budget refills and reports, mirror
 * passes, membership callbacks): named, so a thread dump says whose they are, and daemons, so none
 * keeps a stopping JVM alive.
 */
public final class DaemonThreads {

  private DaemonThreads() {
  }

  /** Every thread it makes is a daemon called {@code name}. */
  public static ThreadFactory named(String name) {
    return r -> {
      Thread t = new Thread(r, name);
      t.setDaemon(true);
      return t;
    };
  }
}
