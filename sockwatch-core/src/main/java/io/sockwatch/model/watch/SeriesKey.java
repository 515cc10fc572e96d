package io.sockwatch.model.watch;

import java.util.Collections;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * Identity of a series: a metric name and a small sorted label set, e.g. {@code
 * sockwatch_sockets{state="TIME_WAIT"}}. Labels are sorted so the same set given in any order is
 * the same key; at most {@link #MAX_LABELS} keep keys cheap to hash and compare.
 */
public record SeriesKey(String name, SortedMap<String, String> labels) {

  /** Label sets are small by design; a larger one is a caller bug (cardinality explosion). */
  public static final int MAX_LABELS = 8;

  public SeriesKey {
    if (name == null || name.isEmpty()) {
      throw new IllegalArgumentException("series name must not be empty");
    }
    if (labels.size() > MAX_LABELS) {
      throw new IllegalArgumentException("at most " + MAX_LABELS + " labels, got " + labels.size());
    }
    labels = Collections.unmodifiableSortedMap(new TreeMap<>(labels));
  }

  /** Key from a name and alternating label names and values. */
  public static SeriesKey of(String name, String... labelPairs) {
    if (labelPairs.length % 2 != 0) {
      throw new IllegalArgumentException("labels come in name/value pairs");
    }
    TreeMap<String, String> labels = new TreeMap<>();
    for (int i = 0; i < labelPairs.length; i += 2) {
      labels.put(labelPairs[i], labelPairs[i + 1]);
    }
    return new SeriesKey(name, labels);
  }

  /** Prometheus spelling: {@code name{a="x",b="y"}}. */
  @Override
  public String toString() {
    if (labels.isEmpty()) {
      return name;
    }
    StringBuilder b = new StringBuilder(name).append('{');
    for (Map.Entry<String, String> e : labels.entrySet()) {
      if (b.charAt(b.length() - 1) != '{') {
        b.append(',');
      }
      b.append(e.getKey()).append("=\"").append(e.getValue()).append('"');
    }
    return b.append('}').toString();
  }
}
