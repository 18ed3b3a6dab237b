package io.agentgovernor.analytics.replay;

import java.util.Locale;

/** A resource a usage trace records, with its trace column and its output column. */
public enum ReplayResource {
  /** Cores, averaged over the sampling interval. */
  CPU("cpu_cores", "cpu_limit", "cores"),
  /** Bytes; limits are whole bytes. */
  MEMORY("memory_bytes", "memory_limit", "bytes");

  private final String traceColumn;
  private final String outputColumn;
  private final String unit;

  ReplayResource(String traceColumn, String outputColumn, String unit) {
    this.traceColumn = traceColumn;
    this.outputColumn = outputColumn;
    this.unit = unit;
  }

  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }

  public String traceColumn() {
    return traceColumn;
  }

  public String outputColumn() {
    return outputColumn;
  }

  public String unit() {
    return unit;
  }

  /** The resource of that name, or null. */
  public static ReplayResource of(String name) {
    for (ReplayResource r : values()) {
      if (r.wireName().equals(name)) {
        return r;
      }
    }
    return null;
  }
}
