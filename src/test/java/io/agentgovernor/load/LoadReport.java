package io.agentgovernor.load;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** Writes {@code load-tests/results/NAME.md} and {@code NAME.csv}, each with the machine and the command. */
final class LoadReport {

  private final String name;
  private final StringBuilder md = new StringBuilder();
  private final List<String> csv = new ArrayList<>();

  LoadReport(String name, String title) {
    this.name = name;
    md.append("# ").append(title).append("\n\n");
    md.append("Run ").append(Instant.now().toString(), 0, 16).append("Z with `").append(command()).append("`\n\n");
    md.append("Machine:\n\n```\n").append(machine()).append("```\n\n");
  }

  static String command() {
    return System.getProperty("load.command", "(unknown command)");
  }

  static String machine() {
    StringBuilder sb = new StringBuilder();
    sb.append("$ nproc\n").append(run("nproc"));
    sb.append("$ free -g\n").append(run("free", "-g"));
    sb.append("$ java -version\n").append(run(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-version"));
    sb.append("$ uptime\n").append(run("uptime"));
    return sb.toString();
  }

  private static String run(String... cmd) {
    try {
      Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      p.waitFor();
      return out;
    } catch (Exception e) {
      return "(" + e + ")\n";
    }
  }

  LoadReport text(String s) {
    md.append(s).append('\n');
    return this;
  }

  LoadReport csv(String line) {
    csv.add(line);
    return this;
  }

  void write() throws IOException {
    Path dir = Path.of("load-tests", "results");
    Files.createDirectories(dir);
    Files.writeString(dir.resolve(name + ".md"), md.toString());
    List<String> lines = new ArrayList<>();
    lines.add("# " + command());
    machine().lines().forEach(l -> lines.add("# " + l));
    lines.addAll(csv);
    Files.write(dir.resolve(name + ".csv"), lines);
    System.out.println(md);
  }

  static String f(double v, int decimals) {
    return String.format(java.util.Locale.ROOT, "%." + decimals + "f", v);
  }
}
