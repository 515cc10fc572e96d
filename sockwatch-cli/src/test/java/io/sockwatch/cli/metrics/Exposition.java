package io.sockwatch.cli.metrics;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * A Prometheus text exposition read back for assertions: its samples (name, labels with escapes
 * undone, value) and the declared type of each family. Strict: a line it cannot read fails the
 * test, so it also checks the format beyond what promtool reports.
 */
public final class Exposition {

  /** One sample line. */
  public record Sample(String name, Map<String, String> labels, double value) {}

  private final List<Sample> samples;
  private final Map<String, String> types;

  private Exposition(List<Sample> samples, Map<String, String> types) {
    this.samples = List.copyOf(samples);
    this.types = Map.copyOf(types);
  }

  public static Exposition parse(String text) {
    List<Sample> samples = new ArrayList<>();
    Map<String, String> types = new HashMap<>();
    for (String line : text.split("\n", -1)) {
      if (line.isEmpty()) {
        continue;
      }
      if (line.startsWith("# TYPE ")) {
        String[] p = line.substring(7).split(" ");
        if (p.length != 2 || types.put(p[0], p[1]) != null) {
          throw new IllegalArgumentException("bad or repeated TYPE line: " + line);
        }
      } else if (!line.startsWith("# HELP ")) {
        samples.add(sample(line));
      }
    }
    return new Exposition(samples, types);
  }

  private static Sample sample(String line) {
    int brace = line.indexOf('{');
    int space = line.indexOf(' ');
    Map<String, String> labels = new TreeMap<>();
    String name;
    int rest;
    if (brace >= 0 && brace < space) {
      name = line.substring(0, brace);
      rest = labels(line, brace + 1, labels);
    } else {
      name = line.substring(0, space);
      rest = space;
    }
    if (line.charAt(rest) != ' ') {
      throw new IllegalArgumentException("no value in: " + line);
    }
    String v = line.substring(rest + 1);
    double value =
        switch (v) {
          case "+Inf" -> Double.POSITIVE_INFINITY;
          case "-Inf" -> Double.NEGATIVE_INFINITY;
          default -> Double.parseDouble(v);
        };
    return new Sample(name, labels, value);
  }

  /** Reads {@code a="x",b="y"}} from {@code i}; returns the index after the closing brace. */
  private static int labels(String line, int i, Map<String, String> out) {
    while (line.charAt(i) != '}') {
      int eq = line.indexOf('=', i);
      String key = line.substring(i, eq);
      if (line.charAt(eq + 1) != '"') {
        throw new IllegalArgumentException("unquoted label value in: " + line);
      }
      StringBuilder value = new StringBuilder();
      int j = eq + 2;
      for (; line.charAt(j) != '"'; j++) {
        char c = line.charAt(j);
        if (c == '\\') {
          char e = line.charAt(++j);
          value.append(
              switch (e) {
                case 'n' -> '\n';
                case '\\' -> '\\';
                case '"' -> '"';
                default -> throw new IllegalArgumentException("bad escape in: " + line);
              });
        } else {
          value.append(c);
        }
      }
      if (out.put(key, value.toString()) != null) {
        throw new IllegalArgumentException("repeated label in: " + line);
      }
      i = j + 1;
      if (line.charAt(i) == ',') {
        i++;
      }
    }
    return i + 1;
  }

  public List<Sample> samples() {
    return samples;
  }

  /** Samples of one metric. */
  public List<Sample> samples(String name) {
    return samples.stream().filter(s -> s.name().equals(name)).toList();
  }

  /** The value of the sample with exactly these labels (alternating names and values). */
  public Optional<Double> value(String name, String... labels) {
    Map<String, String> want = new TreeMap<>();
    for (int i = 0; i < labels.length; i += 2) {
      want.put(labels[i], labels[i + 1]);
    }
    return samples(name).stream()
        .filter(s -> s.labels().equals(want))
        .map(Sample::value)
        .findFirst();
  }

  /** The declared type of a family, e.g. {@code counter}. */
  public Optional<String> type(String name) {
    return Optional.ofNullable(types.get(name));
  }

  /** Every family declared. */
  public Map<String, String> types() {
    return types;
  }
}
