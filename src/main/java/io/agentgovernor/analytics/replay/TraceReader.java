package io.agentgovernor.analytics.replay;

import io.agentgovernor.bus.Ids;
import java.io.BufferedReader;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads a usage trace: {@code entity_id,timestamp_seconds,cpu_cores,memory_bytes} (columns found
 * by header name, in any order; extra columns are ignored; only the columns of the resources asked
 * for are required). Rows out of time order are sorted per entity; blank lines are skipped.
 * Everything else that is off fails with the line number: a missing column, a row with the wrong
 * number of fields, an invalid entity id, a value that is not a non-negative number, a duplicate
 * (entity, timestamp) row, an empty file or a file without data rows.
 */
public final class TraceReader {

  static final String ENTITY = "entity_id";
  static final String TIME = "timestamp_seconds";

  private final Set<ReplayResource> resources;

  public TraceReader(Set<ReplayResource> resources) {
    if (resources.isEmpty()) {
      throw new IllegalArgumentException("at least one resource is required");
    }
    this.resources = EnumSet.copyOf(resources);
  }

  public Trace read(BufferedReader in) throws IOException, TraceFormatException {
    String headerLine = in.readLine();
    if (headerLine == null || headerLine.isBlank()) {
      throw new TraceFormatException(1, "empty file: expected the header " + ENTITY + "," + TIME
          + ",cpu_cores,memory_bytes");
    }
    List<String> header = CsvLines.split(headerLine);
    int[] at = CsvLines.locate(header, requiredColumns());
    Map<String, Builder> builders = new LinkedHashMap<>();
    long line = 1;
    int rows = 0;
    for (String text = in.readLine(); text != null; text = in.readLine()) {
      line++;
      if (text.isBlank()) {
        continue;
      }
      List<String> fields = CsvLines.split(text);
      if (fields.size() != header.size()) {
        throw new TraceFormatException(line, "expected " + header.size() + " fields like the header, found "
            + fields.size());
      }
      String entity = fields.get(at[0]);
      if (!Ids.isValid(entity)) {
        throw new TraceFormatException(line, ENTITY + " must match [A-Za-z0-9._-]{1,128}, got '" + entity + "'");
      }
      Builder b = builders.computeIfAbsent(entity, id -> new Builder(id, resources));
      long time = CsvLines.parseSeconds(fields.get(at[1]), line, TIME);
      int col = 2;
      double[] values = new double[ReplayResource.values().length];
      for (ReplayResource r : resources) {
        values[r.ordinal()] = CsvLines.parseAmount(fields.get(at[col++]), line, r.traceColumn());
      }
      b.add(time, values, rows++, line);
    }
    if (rows == 0) {
      throw new TraceFormatException(line + 1, "no data rows after the header");
    }
    List<EntitySeries> entities = new ArrayList<>(builders.size());
    for (Builder b : builders.values()) {
      entities.add(b.build());
    }
    return new Trace(entities, rows, resources);
  }

  private List<String> requiredColumns() {
    List<String> required = new ArrayList<>(List.of(ENTITY, TIME));
    resources.forEach(r -> required.add(r.traceColumn()));
    return required;
  }

  /** Grows one entity's columns; sorts and checks duplicates once at the end. */
  private static final class Builder {
    private final String id;
    private final Set<ReplayResource> resources;
    private long[] times = new long[1024];
    private double[][] usage = new double[ReplayResource.values().length][];
    private int[] rowIndex = new int[1024];
    private long[] lines = new long[1024];
    private int size;
    private boolean sorted = true;

    Builder(String id, Set<ReplayResource> resources) {
      this.id = id;
      this.resources = resources;
      resources.forEach(r -> usage[r.ordinal()] = new double[1024]);
    }

    void add(long time, double[] values, int row, long line) {
      if (size == times.length) {
        grow();
      }
      sorted &= size == 0 || times[size - 1] < time;
      times[size] = time;
      for (ReplayResource r : resources) {
        usage[r.ordinal()][size] = values[r.ordinal()];
      }
      rowIndex[size] = row;
      lines[size] = line;
      size++;
    }

    EntitySeries build() throws TraceFormatException {
      Integer[] order = null;
      if (!sorted) {
        order = new Integer[size];
        for (int i = 0; i < size; i++) {
          order[i] = i;
        }
        Arrays.sort(order, (a, b) -> a.equals(b) ? 0
            : times[a] != times[b] ? Long.compare(times[a], times[b]) : Long.compare(lines[a], lines[b]));
      }
      long[] t = new long[size];
      int[] rows = new int[size];
      long[] ln = new long[size];
      double[][] u = new double[usage.length][];
      resources.forEach(r -> u[r.ordinal()] = new double[size]);
      for (int i = 0; i < size; i++) {
        int src = order == null ? i : order[i];
        t[i] = times[src];
        rows[i] = rowIndex[src];
        ln[i] = lines[src];
        for (ReplayResource r : resources) {
          u[r.ordinal()][i] = usage[r.ordinal()][src];
        }
      }
      rejectDuplicates(t, ln);
      return new EntitySeries(id, t, u, rows);
    }

    private void rejectDuplicates(long[] t, long[] ln) throws TraceFormatException {
      for (int i = 1; i < t.length; i++) {
        if (t[i] == t[i - 1]) {
          throw new TraceFormatException(Math.max(ln[i], ln[i - 1]), "duplicate row for entity '" + id
              + "' at timestamp " + t[i] + " (already on line " + Math.min(ln[i], ln[i - 1]) + ")");
        }
      }
    }

    private void grow() {
      int n = times.length * 2;
      times = Arrays.copyOf(times, n);
      rowIndex = Arrays.copyOf(rowIndex, n);
      lines = Arrays.copyOf(lines, n);
      for (ReplayResource r : resources) {
        usage[r.ordinal()] = Arrays.copyOf(usage[r.ordinal()], n);
      }
    }
  }
}
