package io.agentgovernor.analytics.replay;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ReplayCommandTest {

  static final String HEADER = "entity_id,timestamp_seconds,cpu_cores,memory_bytes\n";

  @TempDir
  Path dir;

  record Result(int code, String out, String err) {
  }

  Result run(String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code = ReplayCommand.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8));
    return new Result(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  Path write(String name, String text) throws Exception {
    return Files.writeString(dir.resolve(name), text);
  }

  Result replayText(String trace) throws Exception {
    return run("--trace", write("usage.csv", trace).toString(), "--recommender", "vpa");
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "empty file | '' | line 1: empty file",
      "header only | 'entity_id,timestamp_seconds,cpu_cores,memory_bytes\n' | line 2: no data rows",
      "missing column | 'entity_id,timestamp_seconds,cpu_cores\na,1,0.5\n' | line 1: missing column 'memory_bytes'",
      "too few fields | 'entity_id,timestamp_seconds,cpu_cores,memory_bytes\na,1,0.5,10\na,2,0.5,10\na,3,0.5\n' | line 4: expected 4 fields like the header, found 3",
      "non-numeric value | 'entity_id,timestamp_seconds,cpu_cores,memory_bytes\na,1,0.5,10\na,2,abc,10\n' | line 3: cpu_cores is not a number: 'abc'",
      "non-numeric time | 'entity_id,timestamp_seconds,cpu_cores,memory_bytes\na,x1,0.5,10\n' | line 2: timestamp_seconds is not a number: 'x1'",
      "negative value | 'entity_id,timestamp_seconds,cpu_cores,memory_bytes\na,1,0.5,-10\n' | line 2: memory_bytes must be a finite number >= 0",
      "bad entity id | 'entity_id,timestamp_seconds,cpu_cores,memory_bytes\nhas space,1,0.5,10\n' | line 2: entity_id must match",
      "duplicate row | 'entity_id,timestamp_seconds,cpu_cores,memory_bytes\na,1,0.5,10\na,2,0.5,10\nb,1,1,1\na,1,0.7,12\n' | line 5: duplicate row for entity 'a' at timestamp 1 (already on line 2)",
  })
  @DisplayName("bad input fails with exit code 2, the line number and no stack trace")
  void badInput(String name, String trace, String message) throws Exception {
    Result r = replayText(trace.replace("\\n", "\n"));
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err()).contains(message).doesNotContain("Exception").doesNotContain("\tat ");
  }

  @Test
  @DisplayName("usage errors print a message and the usage, with exit code 2")
  void usageErrors() throws Exception {
    assertThat(run().err()).contains("--trace is required").contains("usage: replay");
    assertThat(run().code()).isEqualTo(2);
    assertThat(run("--trace", "x", "--bogus").err()).contains("unknown option '--bogus'");
    assertThat(run("--trace", "x", "--resource", "disk").err()).contains("--resource must be one of cpu|memory");
    assertThat(run("--trace", "x", "--recommender", "magic").code()).isEqualTo(2);
    assertThat(run("--trace").err()).contains("--trace needs a value");
    assertThat(run("--trace", "x").err()).contains("--capacity is required by static and autopilot");
    assertThat(run("--trace", dir.resolve("missing.csv").toString(), "--recommender", "vpa").err())
        .contains("no such file");
  }

  @Test
  @DisplayName("a capacity file without a row for a traced entity is refused")
  void capacityMissingEntity() throws Exception {
    Path trace = write("usage.csv", TraceFixtures.trace(2, i -> 1, i -> 1e9, "a", "b"));
    Path cap = write("capacity.csv", TraceFixtures.capacity(4, 8e9, "a"));
    Result r = run("--trace", trace.toString(), "--capacity", cap.toString());
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err()).contains("has no row for entity 'b'");
  }

  @Test
  @DisplayName("all four recommenders run side by side, per resource, into one table")
  void sideBySide() throws Exception {
    Path trace = write("usage.csv", TraceFixtures.trace(3, TraceFixtures::wavy, i -> 1e9 * TraceFixtures.wavy(i), "a", "b"));
    Path cap = write("capacity.csv", TraceFixtures.capacity(8, 16e9, "a", "b"));
    Result r = run("--trace", trace.toString(), "--capacity", cap.toString());
    assertThat(r.code()).as(r.err()).isZero();
    List<String> rows = r.out().lines().filter(l -> l.startsWith("cpu ") || l.startsWith("memory ")).toList();
    assertThat(rows).hasSize(8);
    assertThat(rows).anyMatch(l -> l.matches("cpu\\s+governor\\s+\\d+.*"))
        .anyMatch(l -> l.matches("memory\\s+static\\s+\\d+.*"))
        .anyMatch(l -> l.matches("memory\\s+autopilot\\s+\\d+.*"));
  }

  @Test
  @DisplayName("--output - writes the limits CSV to stdout (one row per input row, in input order) and the table to stderr")
  void outputCsv() throws Exception {
    String text = TraceFixtures.trace(2, TraceFixtures::wavy, i -> 1e9 * TraceFixtures.wavy(i), "a", "b");
    List<String> input = text.lines().skip(1).toList();
    // Move one row out of order: the output follows the input order, the replay the time order.
    String shuffled = HEADER + input.get(1) + "\n" + input.get(0) + "\n"
        + String.join("\n", input.subList(2, input.size())) + "\n";
    Result r = run("--trace", write("usage.csv", shuffled).toString(), "--recommender", "vpa", "--output", "-");
    assertThat(r.code()).as(r.err()).isZero();
    List<String> lines = r.out().lines().toList();
    assertThat(lines.get(0)).isEqualTo("entity_id,timestamp_seconds,cpu_limit,memory_limit");
    assertThat(lines).hasSize(input.size() + 1);
    assertThat(lines.get(1)).isEqualTo("a," + (TraceFixtures.T0 + 300) + ",,");
    assertThat(lines.get(2)).isEqualTo("a," + TraceFixtures.T0 + ",,");
    String scored = lines.get(288 + 1);
    assertThat(scored).matches("a," + (TraceFixtures.T0 + 288 * 300) + ",[0-9.]+,[0-9]+");
    assertThat(r.err()).contains("memory    vpa").contains("written to standard output");
  }

  @Test
  @DisplayName("--output FILE with one resource leaves the other column empty; the table goes to stdout")
  void outputFileOneResource() throws Exception {
    Path trace = write("usage.csv", TraceFixtures.trace(2, TraceFixtures::wavy, i -> 1e9, "a"));
    Path out = dir.resolve("limits.csv");
    Result r = run("--trace", trace.toString(), "--resource", "cpu", "--recommender", "governor", "--output", out.toString());
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(r.out()).contains("cpu       governor");
    List<String> lines = Files.readAllLines(out);
    assertThat(lines).hasSize(2 * 288 + 1);
    assertThat(lines.get(300)).matches("a,\\d+,[0-9.]+,");
  }

  @Test
  @DisplayName("rows out of order are sorted: the metrics equal those of the sorted trace")
  void unsortedRowsAreSorted() throws Exception {
    String text = TraceFixtures.trace(3, TraceFixtures::wavy, i -> 1e9 * TraceFixtures.wavy(i), "a");
    List<String> rows = new java.util.ArrayList<>(text.lines().skip(1).toList());
    java.util.Collections.reverse(rows);
    Result sorted = run("--trace", write("s.csv", text).toString(), "--recommender", "vpa");
    Result reversed = run("--trace", write("r.csv", HEADER + String.join("\n", rows) + "\n").toString(),
        "--recommender", "vpa");
    assertThat(reversed.code()).isZero();
    assertThat(reversed.out()).isEqualTo(sorted.out());
  }
}
