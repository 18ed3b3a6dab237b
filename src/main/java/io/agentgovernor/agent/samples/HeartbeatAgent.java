package io.agentgovernor.agent.samples;

import io.agentgovernor.agent.GovernedAgent;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Proves where and when it runs: every {@code everyMs} it appends one line
 * {@code <epochMillis> <nodeId> <epoch> <seq>} to {@code <dir>/<agentId>@<nodeId>.hb}, one file
 * per node, so copies in different processes never share a file. {@code seq} counts the beats of
 * this copy from 0 and is not carried in the snapshot: a line with seq 0 marks a copy starting.
 *
 * <p>The beat is an accounted timer of the agent, so a suspension stops it and a throttle slows
 * it, and the write is blocking work of the agent. A fault checker reads the files to see whether
 * two copies of one agent ever ran at the same time, and whether their epochs grew.
 */
public final class HeartbeatAgent extends GovernedAgent {

  private final Path dir;
  private final long everyMs;
  private AppendLog log;
  private long seq;

  public HeartbeatAgent(Path dir, long everyMs) {
    this.dir = dir;
    this.everyMs = everyMs;
  }

  @Override
  protected Future<?> onStart() {
    log = new AppendLog(agent(), dir.resolve(agent().id() + "@" + agent().nodeId() + ".hb"));
    return agent().executeBlocking(() -> Files.createDirectories(dir)).onSuccess(d -> {
      beat();
      agent().setPeriodic(everyMs, t -> beat());
    });
  }

  private void beat() {
    log.append(System.currentTimeMillis() + " " + agent().nodeId() + " " + agent().epoch() + " " + seq++);
  }

  @Override
  public JsonObject status() {
    return new JsonObject().put("beats", seq).put("file", log == null ? null : log.file().toString())
        .put("dropped", log == null ? 0 : log.dropped()).put("writeFailures", log == null ? 0 : log.failures());
  }
}
