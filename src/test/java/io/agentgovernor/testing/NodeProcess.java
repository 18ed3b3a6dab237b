package io.agentgovernor.testing;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A governor node in its own JVM, started from the real jar as a user would: {@code java -jar
 * target/agent-governor.jar ...}. Its output is collected line by line for assertions.
 */
public final class NodeProcess implements AutoCloseable {

  private static final Pattern READY = Pattern.compile("governor node (\\S+) ready http=(\\d+)");

  private final Process process;
  private final List<String> stdout = new CopyOnWriteArrayList<>();
  private final List<String> stderr = new CopyOnWriteArrayList<>();

  private NodeProcess(Process process) {
    this.process = process;
    pump(process.getInputStream(), stdout);
    pump(process.getErrorStream(), stderr);
  }

  public static Path jar() {
    Path jar = Path.of(System.getProperty("governor.jar", "target/agent-governor.jar"));
    if (!Files.exists(jar)) {
      throw new IllegalStateException(jar + " is missing: run through 'mvn verify' so the jar is built first");
    }
    return jar;
  }

  /** Starts {@code java [jvmFlags] -jar agent-governor.jar args} with extra environment variables. */
  public static NodeProcess start(List<String> args, Map<String, String> env, String... jvmFlags) throws IOException {
    return start(List.of(), args, env, jvmFlags);
  }

  /**
   * As {@link #start(List, Map, String...)}, with the java command placed after {@code launcher}
   * (e.g. {@code ip netns exec ns setsid}, each of which execs in place, so {@link #pid()} is the
   * JVM's).
   */
  public static NodeProcess start(List<String> launcher, List<String> args, Map<String, String> env, String... jvmFlags)
      throws IOException {
    List<String> command = new ArrayList<>(launcher);
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-Xmx512m");
    command.add("-Djava.util.concurrent.ForkJoinPool.common.parallelism=4");
    command.addAll(List.of(jvmFlags));
    command.add("-jar");
    command.add(jar().toString());
    if (!args.contains("--bridge-port")) {
      command.addAll(List.of("--bridge-port", "0")); // several nodes on one machine: no fixed port
    }
    if (!args.contains("--data-dir")) {
      // a fresh data directory: an embedded store must not carry data from one test to the next
      command.addAll(List.of("--data-dir", Files.createTempDirectory("governor-node-").toString()));
    }
    command.addAll(args);
    ProcessBuilder builder = new ProcessBuilder(command);
    builder.environment().keySet().removeIf(k -> k.startsWith("GOVERNOR_"));
    builder.environment().putAll(env);
    return new NodeProcess(builder.start());
  }

  private static void pump(java.io.InputStream in, List<String> sink) {
    Thread t = new Thread(() -> {
      try (BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
        String line;
        while ((line = reader.readLine()) != null) {
          sink.add(line);
        }
      } catch (IOException e) {
        // the process ended
      }
    }, "node-output");
    t.setDaemon(true);
    t.start();
  }

  /** Waits for the ready line and returns the HTTP port it names. */
  public int awaitReady(Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      for (String line : stdout) {
        Matcher m = READY.matcher(line);
        if (m.find()) {
          return Integer.parseInt(m.group(2));
        }
      }
      if (!process.isAlive()) {
        throw new IllegalStateException("node exited with " + process.exitValue() + ": " + stderr + stdout);
      }
      Thread.sleep(50);
    }
    throw new IllegalStateException("no ready line within " + timeout + ": " + stdout + stderr);
  }

  /** Waits for the process to end by itself and returns its exit code. */
  public int awaitExit(Duration timeout) throws InterruptedException {
    if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
      throw new IllegalStateException("process still running after " + timeout);
    }
    Thread.sleep(100); // let the output pumps drain the closed pipes
    return process.exitValue();
  }

  public List<String> stdout() {
    return stdout;
  }

  public List<String> stderr() {
    return stderr;
  }

  public long pid() {
    return process.pid();
  }

  public boolean isAlive() {
    return process.isAlive();
  }

  /** kill -9. */
  public void kill() throws InterruptedException {
    process.destroyForcibly();
    process.waitFor(30, TimeUnit.SECONDS);
  }

  /** A graceful stop (SIGTERM), waiting for the JVM to exit. */
  @Override
  public void close() {
    try {
      if (process.isAlive()) {
        process.destroy();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
          kill();
        }
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }
}
