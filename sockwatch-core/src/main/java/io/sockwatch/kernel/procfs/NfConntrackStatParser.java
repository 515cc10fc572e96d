package io.sockwatch.kernel.procfs;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Parses {@code /proc/net/stat/nf_conntrack}: a header of counter names, then one row of hex values
 * per CPU. The per-CPU counters are summed by name into one section, {@value #SECTION}.
 *
 * <p>{@code entries} is the exception: the kernel prints the namespace-wide connection count on
 * every row, so summing it would multiply it by the number of CPUs. The largest row value is kept
 * instead (rows are printed moments apart, so they can differ by a few).
 */
final class NfConntrackStatParser {

  /** The section name the counters are kept under. */
  public static final String SECTION = "nf_conntrack";

  private static final String ENTRIES = "entries";
  private static final int MAX_HEX_DIGITS = 15;

  private NfConntrackStatParser() {}

  public static ParsedCounters parse(String text) {
    List<String> problems = new ArrayList<>();
    List<String> lines = TextLines.completeLines(text);
    Map<String, Long> sums = new LinkedHashMap<>();
    List<String> names = lines.isEmpty() ? List.of() : TextLines.fields(lines.get(0));
    if (names.isEmpty() || !names.stream().allMatch(TextLines::isName)) {
      if (!lines.isEmpty()) {
        problems.add("line 1: no header of counter names");
      }
      return new ParsedCounters(Map.of(), problems, TextLines.truncated(text));
    }
    for (int i = 1; i < lines.size(); i++) {
      List<String> values = TextLines.fields(lines.get(i));
      if (values.isEmpty()) {
        continue;
      }
      if (values.size() != names.size()) {
        problems.add(
            "line " + (i + 1) + ": " + names.size() + " names but " + values.size() + " values");
      }
      int n = Math.min(names.size(), values.size());
      for (int c = 0; c < n; c++) {
        Long v = hex(values.get(c));
        if (v == null) {
          problems.add("line " + (i + 1) + ": " + names.get(c) + " has no number");
          continue;
        }
        if (names.get(c).equals(ENTRIES)) {
          sums.merge(ENTRIES, v, Math::max);
        } else {
          sums.merge(names.get(c), v, NfConntrackStatParser::saturatedAdd);
        }
      }
    }
    Map<String, Map<String, Long>> sections = sums.isEmpty() ? Map.of() : Map.of(SECTION, sums);
    return new ParsedCounters(sections, problems, TextLines.truncated(text));
  }

  private static Long hex(String s) {
    if (s.isEmpty() || s.length() > MAX_HEX_DIGITS) {
      return null;
    }
    long v = 0;
    for (int i = 0; i < s.length(); i++) {
      int d = Character.digit(s.charAt(i), 16);
      if (d < 0) {
        return null;
      }
      v = (v << 4) | d;
    }
    return v;
  }

  private static long saturatedAdd(long a, long b) {
    long r = a + b;
    return r < 0 ? Long.MAX_VALUE : r;
  }
}
