package io.sockwatch.kernel.procfs;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Parses {@code /proc/net/snmp} and {@code /proc/net/netstat}, which share one layout: for each
 * protocol a line of counter names and then a line of values with the same prefix,
 *
 * <pre>
 * Tcp: RtoAlgorithm RtoMin RtoMax MaxConn ActiveOpens ...
 * Tcp: 1 200 120000 -1 8 ...
 * </pre>
 *
 * <p>Every counter is kept by name, so counters and whole sections that newer kernels add come
 * through untouched. Values are signed ({@code Tcp MaxConn} is -1, "no limit"). When a pair has
 * more names than values or the reverse, the names and values that do pair up are kept and the
 * mismatch is reported; a name line without its value line is reported and skipped.
 */
final class SnmpParser {

  private SnmpParser() {}

  public static ParsedCounters parse(String text) {
    Map<String, Map<String, Long>> sections = new LinkedHashMap<>();
    List<String> problems = new ArrayList<>();
    List<String> lines = TextLines.completeLines(text);

    String headerSection = null;
    List<String> headerNames = null;
    int headerLine = 0;
    for (int i = 0; i < lines.size(); i++) {
      int lineNo = i + 1;
      String line = lines.get(i);
      if (line.isBlank()) {
        continue;
      }
      int colon = line.indexOf(':');
      String section = colon < 0 ? "" : line.substring(0, colon).strip();
      if (!TextLines.isName(section)) {
        problems.add("line " + lineNo + ": no section name");
        continue;
      }
      List<String> fields = TextLines.fields(line.substring(colon + 1));
      if (section.equals(headerSection)) {
        pair(section, headerNames, fields, lineNo, sections, problems);
        headerSection = null;
        continue;
      }
      if (headerSection != null) {
        problems.add("line " + headerLine + ": " + headerSection + " names have no values");
      }
      if (!fields.isEmpty() && TextLines.parseLong(fields.get(0)) != null) {
        problems.add("line " + lineNo + ": " + section + " values have no names");
        headerSection = null;
        continue;
      }
      headerSection = section;
      headerNames = fields;
      headerLine = lineNo;
    }
    if (headerSection != null) {
      problems.add("line " + headerLine + ": " + headerSection + " names have no values");
    }
    return new ParsedCounters(sections, problems, TextLines.truncated(text));
  }

  private static void pair(
      String section,
      List<String> names,
      List<String> values,
      int lineNo,
      Map<String, Map<String, Long>> sections,
      List<String> problems) {
    if (names.size() != values.size()) {
      problems.add(
          "line "
              + lineNo
              + ": "
              + section
              + " has "
              + names.size()
              + " names but "
              + values.size()
              + " values");
    }
    Map<String, Long> counters = sections.computeIfAbsent(section, k -> new LinkedHashMap<>());
    int n = Math.min(names.size(), values.size());
    for (int i = 0; i < n; i++) {
      String name = names.get(i);
      Long value = TextLines.parseLong(values.get(i));
      if (!TextLines.isName(name) || value == null) {
        problems.add(
            "line " + lineNo + ": " + section + " " + TextLines.quote(name) + " has no number");
        continue;
      }
      counters.put(name, value);
    }
    if (counters.isEmpty()) {
      sections.remove(section);
    }
  }
}
