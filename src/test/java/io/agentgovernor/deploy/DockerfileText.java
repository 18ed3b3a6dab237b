package io.agentgovernor.deploy;

import io.vertx.core.json.JsonArray;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A Dockerfile read as its instructions, enough for the deployment checks: continuation lines
 * joined, comments dropped, each instruction as keyword and argument text. No hadolint here, so
 * this is deliberately simple and the Dockerfile deliberately plain (no heredocs, no parser
 * directives beyond comments).
 */
record DockerfileText(List<Instruction> instructions) {

  record Instruction(String keyword, String args) {
  }

  static DockerfileText parse(String text) {
    List<Instruction> out = new ArrayList<>();
    StringBuilder current = new StringBuilder();
    for (String raw : text.split("\n", -1)) {
      String line = raw.strip();
      if (current.length() == 0 && (line.isEmpty() || line.startsWith("#"))) {
        continue;
      }
      if (line.startsWith("#")) {
        continue; // a comment inside a continued instruction
      }
      if (line.endsWith("\\")) {
        current.append(line, 0, line.length() - 1).append(' ');
        continue;
      }
      current.append(line);
      String full = current.toString().strip();
      current.setLength(0);
      int space = full.indexOf(' ');
      out.add(new Instruction(full.substring(0, space).toUpperCase(), full.substring(space + 1).strip()));
    }
    return new DockerfileText(List.copyOf(out));
  }

  List<Instruction> all(String keyword) {
    return instructions.stream().filter(i -> i.keyword().equals(keyword)).toList();
  }

  /** The instructions of the last stage (from its FROM on): what the running image is made of. */
  DockerfileText lastStage() {
    int from = 0;
    for (int i = 0; i < instructions.size(); i++) {
      if (instructions.get(i).keyword().equals("FROM")) {
        from = i;
      }
    }
    return new DockerfileText(instructions.subList(from, instructions.size()));
  }

  /** ENV in its {@code KEY=value KEY2=value2} form (the only one this Dockerfile uses). */
  Map<String, String> env() {
    Map<String, String> env = new LinkedHashMap<>();
    for (Instruction i : all("ENV")) {
      for (String pair : i.args().split("\\s+")) {
        int eq = pair.indexOf('=');
        if (eq <= 0) {
          throw new AssertionError("ENV without KEY=value: " + i.args());
        }
        env.put(pair.substring(0, eq), pair.substring(eq + 1));
      }
    }
    return env;
  }

  /** The ENTRYPOINT in exec form, as its words. */
  List<String> entrypoint() {
    List<Instruction> entrypoints = all("ENTRYPOINT");
    if (entrypoints.size() != 1) {
      throw new AssertionError("expected one ENTRYPOINT, found " + entrypoints.size());
    }
    List<String> words = new ArrayList<>();
    new JsonArray(entrypoints.get(0).args()).forEach(w -> words.add((String) w));
    return words;
  }
}
