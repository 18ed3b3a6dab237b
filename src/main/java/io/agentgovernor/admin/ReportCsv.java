package io.agentgovernor.admin;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.TreeSet;

/**
 * The CSV form of a report ({@code Accept: text/csv}): one row per agent and resource, the
 * statistics of every resource as columns (the union of the names the report uses, sorted), then
 * the agent's violations, actions and recommendations as counts. Fields are quoted per RFC 4180.
 */
final class ReportCsv {

  private ReportCsv() {
  }

  static String render(JsonObject report) {
    JsonArray agents = report.getJsonArray("agents", new JsonArray());
    TreeSet<String> stats = new TreeSet<>();
    for (Object a : agents) {
      JsonObject usage = usage(a);
      usage.fieldNames().forEach(resource -> {
        if (usage.getValue(resource) instanceof JsonObject o) {
          stats.addAll(o.fieldNames());
        } else {
          stats.add("value");
        }
      });
    }
    StringBuilder csv = new StringBuilder("from,to,agentId,resource");
    stats.forEach(s -> csv.append(',').append(field(s)));
    csv.append(",violations,actions,recommendations\r\n");
    for (Object a : agents) {
      JsonObject agent = a instanceof JsonObject o ? o : new JsonObject();
      JsonObject usage = usage(agent);
      if (usage.isEmpty()) {
        row(csv, report, agent, "", null, stats);
      }
      new TreeSet<>(usage.fieldNames()).forEach(resource -> row(csv, report, agent, resource, usage.getValue(resource), stats));
    }
    return csv.toString();
  }

  private static void row(StringBuilder csv, JsonObject report, JsonObject agent, String resource, Object s,
                          TreeSet<String> stats) {
    csv.append(field(report.getValue("from"))).append(',').append(field(report.getValue("to"))).append(',')
        .append(field(agent.getValue("agentId"))).append(',').append(field(resource));
    for (String stat : stats) {
      Object value = s instanceof JsonObject o ? o.getValue(stat) : "value".equals(stat) ? s : null;
      csv.append(',').append(field(value));
    }
    csv.append(',').append(count(agent.getValue("violations")))
        .append(',').append(count(agent.getValue("actions")))
        .append(',').append(count(agent.getValue("recommendations"))).append("\r\n");
  }

  private static JsonObject usage(Object agent) {
    return agent instanceof JsonObject o && o.getValue("usage") instanceof JsonObject u ? u : new JsonObject();
  }

  /** A count of whatever the report holds there: a number, a list, or a map of counts. */
  private static String count(Object value) {
    if (value instanceof Number n) {
      return n.toString();
    }
    if (value instanceof JsonArray a) {
      return String.valueOf(a.size());
    }
    if (value instanceof JsonObject o) {
      return String.valueOf(o.fieldNames().stream().map(o::getValue)
          .mapToLong(v -> v instanceof Number n ? n.longValue() : v instanceof JsonArray a ? a.size() : 1).sum());
    }
    return "";
  }

  static String field(Object value) {
    if (value == null) {
      return "";
    }
    String text = value instanceof JsonObject || value instanceof JsonArray ? value.toString() : String.valueOf(value);
    boolean quote = text.indexOf(',') >= 0 || text.indexOf('"') >= 0 || text.indexOf('\n') >= 0 || text.indexOf('\r') >= 0;
    // A leading =, +, - or @ would be a formula to a spreadsheet: neutralise it.
    if (!text.isEmpty() && "=+@".indexOf(text.charAt(0)) >= 0) {
      text = "'" + text;
      quote = true;
    }
    return quote ? '"' + text.replace("\"", "\"\"") + '"' : text;
  }
}
