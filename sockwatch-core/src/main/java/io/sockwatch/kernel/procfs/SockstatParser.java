package io.sockwatch.kernel.procfs;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Parses {@code /proc/net/sockstat} and {@code /proc/net/sockstat6}: one section per line, each a
 * run of name/value pairs, e.g. {@code TCP: inuse 5 orphan 0 tw 2 alloc 7 mem 1}. Every pair is
 * kept under the kernel's own names, so fields a newer kernel adds come through untouched. Note
 * that {@code TCP mem} is in pages, not bytes.
 */
final class SockstatParser {

  private SockstatParser() {}

  public static ParsedCounters parse(String text) {
    Map<String, Map<String, Long>> sections = new LinkedHashMap<>();
    List<String> problems = new ArrayList<>();
    List<String> lines = TextLines.completeLines(text);
    for (int i = 0; i < lines.size(); i++) {
      parseLine(lines.get(i), i + 1, sections, problems);
    }
    return new ParsedCounters(sections, problems, TextLines.truncated(text));
  }

  private static void parseLine(
      String line, int lineNo, Map<String, Map<String, Long>> sections, List<String> problems) {
    if (line.isBlank()) {
      return;
    }
    int colon = line.indexOf(':');
    String section = colon < 0 ? "" : line.substring(0, colon).strip();
    if (!TextLines.isName(section)) {
      problems.add("line " + lineNo + ": no section name");
      return;
    }
    List<String> fields = TextLines.fields(line.substring(colon + 1));
    if (fields.isEmpty()) {
      problems.add("line " + lineNo + ": " + section + " has no fields");
      return;
    }
    if (fields.size() % 2 != 0) {
      problems.add("line " + lineNo + ": " + section + " has an odd number of fields");
    }
    Map<String, Long> counters = sections.computeIfAbsent(section, k -> new LinkedHashMap<>());
    for (int f = 0; f + 1 < fields.size(); f += 2) {
      String name = fields.get(f);
      Long value = TextLines.parseLong(fields.get(f + 1));
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
