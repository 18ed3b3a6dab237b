package io.agentgovernor.bridge;

import io.agentgovernor.bridge.cgroup.KernelLimits;
import io.agentgovernor.quota.Resource;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Vert.x side of one process agent: starts its {@link ProcessSupervisor} and carries the
 * governor's decisions to it — the quota and throttle factor as kernel limits, suspend and resume
 * as freeze and thaw, a termination notice as SIGTERM, the undeploy as the kill of the whole group.
 * Reads the agent's usage every {@code process.measureIntervalMs} into its account, as the sampler
 * expects of an agent in another process, and records each OOM kill by the kernel as an
 * enforcement event. All supervisor calls go through the agent context's ordered
 * {@code executeBlocking}: one at a time, in order, never on the event loop.
 */
final class ProcessDriver {

  private static final Logger LOG = LoggerFactory.getLogger(ProcessDriver.class);

  private final ProcessAgents node;
  private final ProcessSupervisor supervisor;
  private Context context;
  private String id;
  private Consumer<double[]> usage;
  private double throttleFactor = 1;
  private long timer = -1;
  private boolean sampling;
  private boolean stopping;
  private volatile Integer exitCode;
  private volatile long pid;

  ProcessDriver(ProcessAgents node, ProcessSupervisor supervisor) {
    this.node = node;
    this.supervisor = supervisor;
  }

  /** Starts the process; the future holds its pid. Call on the agent's context. */
  Future<Long> start(Vertx vertx, String agentId, ExternalAgent agent, Consumer<double[]> usageSink) {
    this.context = vertx.getOrCreateContext();
    this.id = agentId;
    this.usage = usageSink;
    return node.environment(agentId, agent)
        .compose(env -> context.executeBlocking(() -> {
          Process process = supervisor.start(agentId, env, limits(), node.output(agentId));
          pid = process.pid(); // at once: the process may register over the bridge, naming it, any moment now
          return process;
        }, true))
        .map(process -> {
          process.onExit().thenRun(() -> context.runOnContext(v -> exited(process.exitValue())));
          timer = vertx.setPeriodic(node.config().measureIntervalMs(), t -> sample());
          sample();
          LOG.info("process agent {}: pid {} started ({})", agentId, pid, supervisor.mode());
          return pid;
        });
  }

  long pid() {
    return pid;
  }

  private KernelLimits limits() {
    return KernelLimits.of(node.quota(id), throttleFactor);
  }

  private void sample() {
    if (sampling || stopping) {
      return;
    }
    sampling = true;
    KernelLimits limits = limits();
    context.executeBlocking(() -> supervisor.sample(System.nanoTime(), limits), true)
        .onComplete(ar -> {
          sampling = false;
          if (ar.failed()) {
            return; // the group went away under us (stopping): the next read tells
          }
          ProcessSupervisor.Sample s = ar.result();
          double[] u = new double[Resource.BUILT_IN_COUNT];
          u[Resource.CPU.index()] = s.cpuPercent();
          u[Resource.MEMORY.index()] = s.memoryBytes();
          u[Resource.PROCESSES.index()] = s.processes();
          usage.accept(u);
          if (s.newOomKills() > 0) {
            node.recordOomKill(id, s.newOomKills(), limits.memoryHard(), supervisor.counters(), exitCode);
          }
        });
  }

  /** The agent's process ended on its own (or by the kernel): one last read catches an OOM kill. */
  private void exited(int code) {
    exitCode = code;
    LOG.info("process agent {}: pid {} exited with {}", id, pid, code);
    sample();
  }

  void throttle(double factor) {
    throttleFactor = factor;
    KernelLimits limits = limits();
    blocking("throttle", () -> supervisor.apply(limits));
  }

  void freeze(boolean on) {
    blocking(on ? "freeze" : "thaw", () -> supervisor.freeze(on));
  }

  void notice(long graceMs) {
    blocking("terminate", () -> supervisor.terminate(graceMs));
  }

  /** Kills what is left of the agent's processes and removes its group; completes when done. */
  Future<?> stop() {
    stopping = true;
    if (context == null) {
      return Future.succeededFuture();
    }
    if (timer >= 0) {
      context.owner().cancelTimer(timer);
    }
    return context.executeBlocking(() -> supervisor.stop(node.config().stopGraceMs()), true)
        .onSuccess(how -> LOG.info("process agent {}: pid {} {}", id, pid, how))
        .onFailure(e -> LOG.warn("process agent {}: stopping pid {} failed: {}", id, pid, e.toString()));
  }

  JsonObject status() {
    JsonObject json = supervisor.status().put("throttleFactor", throttleFactor);
    Integer code = exitCode;
    if (code != null) {
      json.put("exitCode", code);
      if (code > 128) {
        json.put("signal", code - 128);
      }
    }
    return json;
  }

  private interface Step {
    void run() throws Exception;
  }

  private void blocking(String what, Step step) {
    if (context == null || stopping) {
      return;
    }
    context.executeBlocking(() -> {
      step.run();
      return null;
    }, true).onFailure(e -> LOG.warn("process agent {}: {} failed: {}", id, what, e.toString()));
  }
}
