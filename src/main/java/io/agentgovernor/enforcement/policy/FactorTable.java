package io.agentgovernor.enforcement.policy;

import io.agentgovernor.bus.GovernorException;
import java.util.List;

/**
 * The throttle factor a throttle starts from, by how far usage is over the hard limit
 * ({@code over = (current - hard) / hard}, the seed's excess ratio). The first row whose
 * {@code maxOver} is at least {@code over} gives the factor.
 *
 * <p>Default, the seed's {@code calculate_throttle_factor} (its tests are strict {@code >}, so a
 * boundary belongs to the lighter row):
 * <pre>
 *   over <= 20 %   -> 0.9   (minimal)
 *   over <= 50 %   -> 0.85  (light)
 *   over <= 100 %  -> 0.7   (moderate)
 *   more           -> 0.5   (heavy)
 * </pre>
 * It is the loop's first step: the seed applies this factor and stops there, while
 * {@link ThrottleController} then corrects it every interval from the measured effect, so an agent
 * that a 0.9 does not bring under its limit is slowed further.
 *
 * @param rows strictly increasing {@code maxOver}, the last one {@code +Infinity}; factors in (0, 1]
 *     and non-increasing (more over never means a looser throttle)
 */
public record FactorTable(List<Row> rows) {

  /** Up to {@code maxOver} over the limit, start at {@code factor}. */
  public record Row(double maxOver, double factor) {
  }

  public FactorTable {
    if (rows == null || rows.isEmpty()) {
      throw GovernorException.invalid("a factor table needs at least one row");
    }
    rows = List.copyOf(rows);
    for (int i = 0; i < rows.size(); i++) {
      Row row = rows.get(i);
      if (!(row.factor() > 0 && row.factor() <= 1)) {
        throw GovernorException.invalid("factor table row " + i + ": factor must be in (0, 1], got " + row.factor());
      }
      if (Double.isNaN(row.maxOver()) || row.maxOver() < 0) {
        throw GovernorException.invalid("factor table row " + i + ": maxOver must be >= 0, got " + row.maxOver());
      }
      if (i > 0 && row.maxOver() <= rows.get(i - 1).maxOver()) {
        throw GovernorException.invalid("factor table row " + i + ": maxOver must increase strictly");
      }
      if (i > 0 && row.factor() > rows.get(i - 1).factor()) {
        throw GovernorException.invalid("factor table row " + i + ": factors must not increase with the excess");
      }
    }
    if (rows.get(rows.size() - 1).maxOver() != Double.POSITIVE_INFINITY) {
      throw GovernorException.invalid("the last factor table row must cover any excess (maxOver = Infinity)");
    }
  }

  public static FactorTable ofDefaults() {
    return new FactorTable(List.of(new Row(0.20, 0.9), new Row(0.50, 0.85), new Row(1.00, 0.7),
        new Row(Double.POSITIVE_INFINITY, 0.5)));
  }

  /** The starting factor for usage {@code current} against {@code hard}; 1 when not over. */
  public double factorFor(double current, double hard) {
    if (current <= hard) {
      return 1.0;
    }
    double over = hard <= 0 ? Double.POSITIVE_INFINITY : (current - hard) / hard;
    for (Row row : rows) {
      if (over <= row.maxOver()) {
        return row.factor();
      }
    }
    return rows.get(rows.size() - 1).factor();
  }
}
