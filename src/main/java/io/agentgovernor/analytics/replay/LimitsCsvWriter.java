package io.agentgovernor.analytics.replay;

import java.io.IOException;
import java.io.Writer;
import java.math.BigDecimal;
import java.util.EnumMap;
import java.util.Map;

/**
 * Writes {@code entity_id,timestamp_seconds,cpu_limit,memory_limit}: one row per input row, in
 * input order, with the limit in force at that sample (cores, whole bytes); a cell is empty during
 * an entity's warm-up, while there is no limit, or for a resource not replayed.
 */
final class LimitsCsvWriter {

  static final String HEADER = "entity_id,timestamp_seconds,cpu_limit,memory_limit";

  private LimitsCsvWriter() {
  }

  /** @param limits per entity (trace order), per resource: the limits in force */
  static void write(Trace trace, Map<EntitySeries, EnumMap<ReplayResource, double[]>> limits, Writer out)
      throws IOException {
    String[] rows = new String[trace.rows()];
    for (EntitySeries e : trace.entities()) {
      long start = e.times()[0] + ReplayEngine.WARMUP_SECONDS;
      EnumMap<ReplayResource, double[]> byResource = limits.get(e);
      double[] cpu = byResource.get(ReplayResource.CPU);
      double[] memory = byResource.get(ReplayResource.MEMORY);
      for (int k = 0; k < e.size(); k++) {
        boolean scored = e.times()[k] >= start;
        rows[e.rowIndex()[k]] = e.id() + ',' + e.times()[k] + ',' + cell(scored, cpu, k) + ',' + cell(scored, memory, k);
      }
    }
    out.write(HEADER);
    out.write('\n');
    for (String row : rows) {
      out.write(row);
      out.write('\n');
    }
    out.flush();
  }

  private static String cell(boolean scored, double[] limits, int k) {
    if (!scored || limits == null || Double.isNaN(limits[k])) {
      return "";
    }
    return BigDecimal.valueOf(limits[k]).stripTrailingZeros().toPlainString();
  }
}
