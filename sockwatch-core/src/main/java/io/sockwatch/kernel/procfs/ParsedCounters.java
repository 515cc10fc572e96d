package io.sockwatch.kernel.procfs;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Counters parsed from one /proc file, by section and name in the kernel's order, with what did not
 * parse. A counter file is parsed as far as it goes: one bad line costs that line, not the file, so
 * a newer or damaged file still yields every counter that can be trusted.
 *
 * @param sections section ("TCP", "Tcp", "TcpExt", ...) to counter name to value
 * @param problems one short sentence per thing skipped, e.g. {@code line 3: odd number of fields}
 * @param truncated whether the text ended inside a line (that line was ignored)
 */
record ParsedCounters(
    Map<String, Map<String, Long>> sections, List<String> problems, boolean truncated) {

  public ParsedCounters {
    var copy = new LinkedHashMap<String, Map<String, Long>>();
    sections.forEach((k, v) -> copy.put(k, Collections.unmodifiableMap(new LinkedHashMap<>(v))));
    sections = Collections.unmodifiableMap(copy);
    problems = List.copyOf(problems);
  }
}
