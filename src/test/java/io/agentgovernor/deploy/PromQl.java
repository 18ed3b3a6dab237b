package io.agentgovernor.deploy;

import java.util.LinkedHashSet;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Just enough of PromQL to find which metrics and labels a Grafana query uses: metric names (the
 * identifiers left once strings, selectors, ranges, grouping clauses and function calls are taken
 * out), the label names of selectors, and those of {@code by (...)} clauses.
 */
final class PromQl {

  private static final Pattern STRING = Pattern.compile("\"(?:[^\"\\\\]|\\\\.)*\"");
  private static final Pattern SELECTOR = Pattern.compile("\\{([^}]*)}");
  private static final Pattern RANGE = Pattern.compile("\\[[^]]*]");
  private static final Pattern GROUPING = Pattern.compile("\\b(?:by|without|on|ignoring|group_left|group_right)\\s*\\(([^)]*)\\)");
  private static final Pattern SELECTOR_LABEL = Pattern.compile("([a-zA-Z_]\\w*)\\s*(?:=~|!~|!=|=)");
  // Possessive, so an identifier followed by "(" (a function) is never matched in part instead.
  private static final Pattern IDENTIFIER = Pattern.compile("(?<![\\w:$.])[a-zA-Z_:][\\w:]*+(?!\\s*\\()");
  private static final Set<String> KEYWORDS = Set.of("and", "or", "unless", "bool", "offset", "inf", "nan");

  private PromQl() {
  }

  static Set<String> metricNames(String expr) {
    String s = GROUPING.matcher(RANGE.matcher(SELECTOR.matcher(STRING.matcher(expr).replaceAll("\"\""))
        .replaceAll(" ")).replaceAll(" ")).replaceAll(" ");
    Set<String> names = new LinkedHashSet<>();
    Matcher m = IDENTIFIER.matcher(s);
    while (m.find()) {
      if (!KEYWORDS.contains(m.group().toLowerCase())) {
        names.add(m.group());
      }
    }
    return names;
  }

  /** Label names in selectors ({@code {a="x", b=~"y"}}) and grouping clauses ({@code by (a, b)}). */
  static Set<String> labelNames(String expr) {
    String s = STRING.matcher(expr).replaceAll("\"\"");
    Set<String> labels = new LinkedHashSet<>();
    Matcher selector = SELECTOR.matcher(s);
    while (selector.find()) {
      Matcher label = SELECTOR_LABEL.matcher(selector.group(1));
      while (label.find()) {
        labels.add(label.group(1));
      }
    }
    Matcher grouping = GROUPING.matcher(s);
    while (grouping.find()) {
      for (String label : grouping.group(1).split(",")) {
        if (!label.isBlank()) {
          labels.add(label.strip());
        }
      }
    }
    return labels;
  }
}
