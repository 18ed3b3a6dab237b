package io.agentgovernor.analytics.replay;

import java.io.BufferedReader;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads {@code entity_id,timestamp_seconds,cpu_cores_provisioned,memory_provisioned_bytes} into
 * one {@link Capacity} per entity, with the same line-numbered errors as {@link TraceReader}.
 */
public final class CapacityReader {

  private static final List<String> COLUMNS = List.of(TraceReader.ENTITY, TraceReader.TIME,
      "cpu_cores_provisioned", "memory_provisioned_bytes");

  public Map<String, Capacity> read(BufferedReader in) throws IOException, TraceFormatException {
    String headerLine = in.readLine();
    if (headerLine == null || headerLine.isBlank()) {
      throw new TraceFormatException(1, "empty capacity file: expected the header " + String.join(",", COLUMNS));
    }
    List<String> header = CsvLines.split(headerLine);
    int[] at = CsvLines.locate(header, COLUMNS);
    Map<String, List<double[]>> rows = new LinkedHashMap<>();
    long line = 1;
    for (String text = in.readLine(); text != null; text = in.readLine()) {
      line++;
      if (text.isBlank()) {
        continue;
      }
      List<String> f = CsvLines.split(text);
      if (f.size() != header.size()) {
        throw new TraceFormatException(line, "expected " + header.size() + " fields like the header, found " + f.size());
      }
      double time = CsvLines.parseSeconds(f.get(at[1]), line, TraceReader.TIME);
      double cpu = CsvLines.parseAmount(f.get(at[2]), line, COLUMNS.get(2));
      double mem = CsvLines.parseAmount(f.get(at[3]), line, COLUMNS.get(3));
      if (cpu <= 0 || mem <= 0) {
        throw new TraceFormatException(line, "provisioned capacity must be > 0");
      }
      rows.computeIfAbsent(f.get(at[0]), id -> new ArrayList<>()).add(new double[] {time, cpu, mem, line});
    }
    if (rows.isEmpty()) {
      throw new TraceFormatException(line + 1, "no data rows after the header");
    }
    Map<String, Capacity> result = new LinkedHashMap<>();
    for (Map.Entry<String, List<double[]>> e : rows.entrySet()) {
      result.put(e.getKey(), toCapacity(e.getValue()));
    }
    return result;
  }

  private static Capacity toCapacity(List<double[]> rows) throws TraceFormatException {
    rows.sort((a, b) -> Double.compare(a[0], b[0]));
    long[] times = new long[rows.size()];
    double[][] amounts = new double[ReplayResource.values().length][rows.size()];
    for (int i = 0; i < rows.size(); i++) {
      double[] r = rows.get(i);
      times[i] = (long) r[0];
      if (i > 0 && times[i] == times[i - 1]) {
        throw new TraceFormatException((long) r[3], "duplicate capacity row at timestamp " + times[i]);
      }
      amounts[ReplayResource.CPU.ordinal()][i] = r[1];
      amounts[ReplayResource.MEMORY.ordinal()][i] = r[2];
    }
    return new Capacity(times, amounts);
  }
}
