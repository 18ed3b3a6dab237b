package io.agentgovernor.analytics.replay;

import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code replay --trace usage.csv [--resource cpu|memory] [--recommender ...] [--capacity FILE]
 * [--output FILE|-]}: replays a usage trace causally through one or all recommenders and prints
 * the spec's metrics (see {@code docs/ANALYTICS.md}).
 */
public final class ReplayCommand {

  public static final int OK = 0;
  public static final int FAILED = 1;
  public static final int BAD_INPUT = 2;

  private ReplayCommand() {
  }

  /** Runs the command; returns the process exit code (0 ok, 2 bad usage or input, 1 I/O failure). */
  public static int run(String[] args, PrintStream out, PrintStream err) {
    ReplayOptions options;
    try {
      options = ReplayOptions.parse(args);
    } catch (IllegalArgumentException e) {
      err.println("replay: " + e.getMessage());
      err.println(ReplayOptions.USAGE);
      return BAD_INPUT;
    }
    try {
      return replay(options, out, err);
    } catch (TraceFormatException | IllegalArgumentException e) {
      err.println("replay: " + e.getMessage());
      return BAD_INPUT;
    } catch (NoSuchFileException e) {
      err.println("replay: no such file: " + e.getFile());
      return BAD_INPUT;
    } catch (IOException e) {
      err.println("replay: " + e);
      return FAILED;
    }
  }

  private static int replay(ReplayOptions options, PrintStream out, PrintStream err)
      throws IOException, TraceFormatException {
    Trace trace = readTrace(options);
    Map<String, Capacity> capacities = readCapacities(options, trace);
    if (options.sweep() != null) {
      return sweep(options, trace, capacities, out);
    }
    Map<EntitySeries, EnumMap<ReplayResource, double[]>> written = new IdentityHashMap<>();
    List<ReplayMetrics> metrics = new ArrayList<>();
    for (ReplayResource resource : options.resources()) {
      for (RecommenderKind kind : options.recommenders()) {
        metrics.add(replayAll(trace, resource, kind, capacities, kind == options.outputRecommender() ? written : null));
      }
    }
    PrintStream table = "-".equals(options.output()) ? err : out;
    if (options.output() != null) {
      writeLimits(options, trace, written, out);
      table.println("limits of '" + options.outputRecommender().wireName() + "' written to "
          + ("-".equals(options.output()) ? "standard output" : options.output()));
    }
    MetricsTable.print(metrics, table);
    return OK;
  }

  private static int sweep(ReplayOptions options, Trace trace, Map<String, Capacity> capacities, PrintStream out)
      throws IOException {
    List<BudgetSweep.Result> results = new ArrayList<>();
    for (ReplayResource resource : options.resources()) {
      List<Double> budgets = options.sweep().isEmpty() ? BudgetSweep.DEFAULT_BUDGETS.get(resource) : options.sweep();
      results.add(BudgetSweep.run(trace, resource, budgets, capacities));
    }
    if (options.output() == null) {
      PrintWriter w = new PrintWriter(new OutputStreamWriter(out, StandardCharsets.UTF_8));
      SweepReport.markdown(results, options.trace(), w);
      w.flush();
      return OK;
    }
    try (PrintWriter md = new PrintWriter(Files.newBufferedWriter(Path.of(options.output() + ".md"), StandardCharsets.UTF_8));
         PrintWriter csv = new PrintWriter(Files.newBufferedWriter(Path.of(options.output() + ".csv"),
             StandardCharsets.UTF_8))) {
      SweepReport.markdown(results, options.trace(), md);
      SweepReport.csv(results, csv);
    }
    out.println("sweep written to " + options.output() + ".md and " + options.output() + ".csv");
    return OK;
  }

  private static ReplayMetrics replayAll(Trace trace, ReplayResource resource, RecommenderKind kind,
      Map<String, Capacity> capacities, Map<EntitySeries, EnumMap<ReplayResource, double[]>> written) {
    MetricsAccumulator accumulator = new MetricsAccumulator(kind.wireName(), resource);
    for (EntitySeries entity : trace.entities()) {
      LimitRecommender recommender = kind.create(resource, capacities.get(entity.id()));
      ReplayEngine.Limits limits = ReplayEngine.replay(entity, resource, recommender);
      accumulator.add(entity, limits);
      if (written != null) {
        written.computeIfAbsent(entity, e -> new EnumMap<>(ReplayResource.class)).put(resource, limits.inForce());
      }
    }
    return accumulator.result();
  }

  private static Trace readTrace(ReplayOptions options) throws IOException, TraceFormatException {
    try (BufferedReader in = Files.newBufferedReader(Path.of(options.trace()), StandardCharsets.UTF_8)) {
      return new TraceReader(options.resources()).read(in);
    } catch (TraceFormatException e) {
      throw new IllegalArgumentException(options.trace() + ": " + e.getMessage());
    }
  }

  private static Map<String, Capacity> readCapacities(ReplayOptions options, Trace trace)
      throws IOException, TraceFormatException {
    if (options.capacity() == null) {
      return Map.of();
    }
    Map<String, Capacity> capacities;
    try (BufferedReader in = Files.newBufferedReader(Path.of(options.capacity()), StandardCharsets.UTF_8)) {
      capacities = new CapacityReader().read(in);
    } catch (TraceFormatException e) {
      throw new IllegalArgumentException(options.capacity() + ": " + e.getMessage());
    }
    for (EntitySeries e : trace.entities()) {
      if (!capacities.containsKey(e.id())) {
        throw new IllegalArgumentException(options.capacity() + " has no row for entity '" + e.id() + "'");
      }
    }
    return capacities;
  }

  private static void writeLimits(ReplayOptions options, Trace trace,
      Map<EntitySeries, EnumMap<ReplayResource, double[]>> limits, PrintStream out) throws IOException {
    if ("-".equals(options.output())) {
      Writer w = new BufferedWriter(new OutputStreamWriter(out, StandardCharsets.UTF_8), 1 << 16);
      LimitsCsvWriter.write(trace, limits, w);
      return;
    }
    try (Writer w = Files.newBufferedWriter(Path.of(options.output()), StandardCharsets.UTF_8)) {
      LimitsCsvWriter.write(trace, limits, w);
    }
  }
}
