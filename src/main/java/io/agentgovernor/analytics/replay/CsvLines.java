package io.agentgovernor.analytics.replay;

import java.util.ArrayList;
import java.util.List;

/** Splitting and number parsing for the plain (unquoted) CSV of traces, with line-numbered errors. */
final class CsvLines {

  private CsvLines() {
  }

  /** Fields of one line, trimmed; a byte-order mark at the start of the file is dropped. */
  static List<String> split(String line) {
    List<String> fields = new ArrayList<>(6);
    int start = line.startsWith("\uFEFF") ? 1 : 0;
    for (int i = start; i <= line.length(); i++) {
      if (i == line.length() || line.charAt(i) == ',') {
        fields.add(line.substring(start, i).trim());
        start = i + 1;
      }
    }
    return fields;
  }

  /** The index of each required column in the header, failing on line 1 when one is missing. */
  static int[] locate(List<String> header, List<String> required) throws TraceFormatException {
    int[] at = new int[required.size()];
    for (int i = 0; i < required.size(); i++) {
      at[i] = header.indexOf(required.get(i));
      if (at[i] < 0) {
        throw new TraceFormatException(1, "missing column '" + required.get(i) + "' (the header has "
            + header + ", expected at least " + required + ")");
      }
    }
    return at;
  }

  static long parseSeconds(String text, long line, String column) throws TraceFormatException {
    try {
      return Long.parseLong(text);
    } catch (NumberFormatException e) {
      double d = parseAmount(text, line, column);
      if (d != Math.rint(d) || d > Long.MAX_VALUE) {
        throw new TraceFormatException(line, column + " must be whole epoch seconds, got '" + text + "'");
      }
      return (long) d;
    }
  }

  /** A finite, non-negative amount. */
  static double parseAmount(String text, long line, String column) throws TraceFormatException {
    double d;
    try {
      d = Double.parseDouble(text);
    } catch (NumberFormatException e) {
      throw new TraceFormatException(line, column + " is not a number: '" + text + "'");
    }
    if (!Double.isFinite(d) || d < 0) {
      throw new TraceFormatException(line, column + " must be a finite number >= 0, got '" + text + "'");
    }
    return d;
  }
}
