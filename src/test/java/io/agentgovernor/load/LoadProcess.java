package io.agentgovernor.load;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** A {@link LoadNode} in its own JVM, with its standard input as a command channel. */
final class LoadProcess implements AutoCloseable {

  private static final long CLK_TCK = 100; // getconf CLK_TCK on Linux
  final Process process;
  final String name;
  private final Writer stdin;
  private final LinkedBlockingQueue<String> loadLines = new LinkedBlockingQueue<>();
  private final List<String> log = new java.util.concurrent.CopyOnWriteArrayList<>();
  volatile int httpPort = -1;

  private LoadProcess(String name, Process process) {
    this.name = name;
    this.process = process;
    this.stdin = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
    pump(process.getInputStream());
    pump(process.getErrorStream());
  }

  /**
   * java -Xmx.. [jvm flags] -cp (the test classpath) LoadNode args, with the GOVERNOR_ env given;
   * with {@code LOAD_NODE_JFR=<dir>} in the environment each node records a JFR profile to {@code <dir>/<name>.jfr}.
   */
  static LoadProcess start(String name, String xmx, List<String> args, Map<String, String> env) throws IOException {
    List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xmx" + xmx, "-Xms" + xmx, "-Djava.util.concurrent.ForkJoinPool.common.parallelism=4",
        "--add-exports", "java.base/jdk.internal.ref=ALL-UNNAMED", "--add-opens", "java.base/java.lang=ALL-UNNAMED",
        "--add-opens", "java.base/sun.nio.ch=ALL-UNNAMED", "--add-opens", "java.management/sun.management=ALL-UNNAMED",
        "--add-opens", "jdk.management/com.sun.management.internal=ALL-UNNAMED",
        "-cp", System.getProperty("java.class.path"), LoadNode.class.getName()));
    String jfrDir = System.getenv("LOAD_NODE_JFR"); // a profile of each node JVM: LOAD_NODE_JFR=<dir> -> <dir>/<name>.jfr
    if (jfrDir != null && !jfrDir.isBlank()) {
      cmd.add(1, "-XX:StartFlightRecording=filename=" + Path.of(jfrDir, name + ".jfr").toAbsolutePath() + ",settings=profile");
    }
    cmd.addAll(args);
    if (!args.contains("--data-dir")) {
      cmd.addAll(List.of("--data-dir", Files.createTempDirectory("governor-load-").toString()));
    }
    ProcessBuilder pb = new ProcessBuilder(cmd);
    pb.environment().keySet().removeIf(k -> k.startsWith("GOVERNOR_"));
    pb.environment().putAll(env);
    return new LoadProcess(name, pb.start());
  }

  private void pump(java.io.InputStream in) {
    Thread t = new Thread(() -> {
      // the whole log also goes to target/load-<name>.log, for reading a run after the fact
      java.nio.file.Path file = java.nio.file.Path.of("target", "load-" + name + ".log");
      try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
           java.io.Writer out = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
        String line;
        while ((line = r.readLine()) != null) {
          out.write(line);
          out.write('\n');
          out.flush();
          if (line.startsWith("load ")) {
            loadLines.add(line);
          } else {
            if (log.size() < 2000) {
              log.add(line);
            }
            java.util.regex.Matcher m = java.util.regex.Pattern.compile("governor node (\\S+) ready http=(\\d+)").matcher(line);
            if (m.find()) {
              httpPort = Integer.parseInt(m.group(2));
            }
          }
        }
      } catch (IOException e) {
        // ended
      }
    }, "load-output-" + name);
    t.setDaemon(true);
    t.start();
  }

  int awaitReady(Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (httpPort < 0) {
      if (!process.isAlive() || System.nanoTime() > deadline) {
        throw new IllegalStateException(name + " not ready: " + log);
      }
      Thread.sleep(50);
    }
    return httpPort;
  }

  /** Sends a command and returns its one answer line (without the "load " prefix), split on spaces. */
  synchronized String[] command(String line, Duration timeout) throws Exception {
    stdin.write(line + "\n");
    stdin.flush();
    String answer = loadLines.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
    if (answer == null) {
      throw new IllegalStateException(name + ": no answer to '" + line + "' in " + timeout + "; log " + tail());
    }
    if (answer.startsWith("load error")) {
      throw new IllegalStateException(name + ": " + answer);
    }
    return answer.substring(5).split(" ");
  }

  /** The distinct reasons deploys failed on this node, as it logged them (at most 5). */
  List<String> deployFailures() {
    return log.stream().filter(l -> l.startsWith("deploy ") && l.contains(" failed: "))
        .map(l -> l.substring(l.indexOf(" failed: ") + 9)).distinct().limit(5).toList();
  }

  String tail() {
    int n = log.size();
    return String.join("\n", log.subList(Math.max(0, n - 20), n));
  }

  /** utime + stime of the process from /proc/PID/stat, in nanoseconds. */
  long cpuNanos() throws IOException {
    return cpuTicks(Files.readString(Path.of("/proc", String.valueOf(process.pid()), "stat"))) * (1_000_000_000L / CLK_TCK);
  }

  /** utime + stime, in clock ticks, of a /proc stat line (a process's or a thread's). */
  private static long cpuTicks(String stat) {
    String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
    // after "pid (comm) ": state is f[0]; utime is field 14 overall -> f[11], stime f[12]
    return Long.parseLong(f[11]) + Long.parseLong(f[12]);
  }

  /**
   * utime + stime of the JVM's JIT compiler threads (C1/C2, named so in /proc/PID/task/TID/stat),
   * in nanoseconds: code still being compiled after a warm-up is a one-off cost, not the steady one.
   */
  long jitNanos() throws IOException {
    long ticks = 0;
    try (java.util.stream.Stream<Path> tasks = Files.list(Path.of("/proc", String.valueOf(process.pid()), "task"))) {
      for (Path task : tasks.toList()) {
        try {
          String stat = Files.readString(task.resolve("stat"));
          String comm = stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
          if (comm.startsWith("C1 CompilerThre") || comm.startsWith("C2 CompilerThre")) {
            ticks += cpuTicks(stat);
          }
        } catch (IOException gone) {
          // the thread ended between the listing and the read
        }
      }
    }
    return ticks * (1_000_000_000L / CLK_TCK);
  }

  long pid() {
    return process.pid();
  }

  void kill9() throws InterruptedException {
    process.destroyForcibly();
    process.waitFor(30, TimeUnit.SECONDS);
  }

  @Override
  public void close() {
    try {
      if (process.isAlive()) {
        process.destroy();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
          process.destroyForcibly();
        }
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }
}
