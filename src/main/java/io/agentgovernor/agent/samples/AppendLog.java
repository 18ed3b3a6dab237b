package io.agentgovernor.agent.samples;

import io.agentgovernor.agent.AgentContext;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Appends lines to one file of an agent, in the order they were given: lines wait in a bounded
 * buffer while one batch is written through the agent's (accounted) blocking work. Used only on
 * the agent's own context.
 */
final class AppendLog {

  private static final int MAX_PENDING_CHARS = 1 << 20;

  private final AgentContext agent;
  private final Path file;
  private final StringBuilder pending = new StringBuilder();
  private boolean writing;
  private long dropped;
  private long failures;

  AppendLog(AgentContext agent, Path file) {
    this.agent = agent;
    this.file = file;
  }

  Path file() {
    return file;
  }

  /** Lines refused because the buffer was full (the disk fell behind by a megabyte). */
  long dropped() {
    return dropped;
  }

  /** Batches whose write failed (their lines are lost). */
  long failures() {
    return failures;
  }

  void append(String line) {
    if (pending.length() + line.length() >= MAX_PENDING_CHARS) {
      dropped++;
      return;
    }
    pending.append(line).append('\n');
    flush();
  }

  private void flush() {
    if (writing || pending.isEmpty()) {
      return;
    }
    String batch = pending.toString();
    pending.setLength(0);
    writing = true;
    // one writer at a time, so lines reach the file in the order they were appended
    agent.executeBlocking(() -> Files.writeString(file, batch, StandardOpenOption.CREATE, StandardOpenOption.APPEND,
            StandardOpenOption.WRITE))
        .onComplete(done -> {
          writing = false;
          if (done.failed()) {
            failures++;
          }
          flush();
        });
  }
}
