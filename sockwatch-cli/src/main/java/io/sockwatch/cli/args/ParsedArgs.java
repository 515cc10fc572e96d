package io.sockwatch.cli.args;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** The options given on a command line, by canonical name, with typed accessors. */
public final class ParsedArgs {

  private final Map<String, List<String>> values;
  private final Map<String, OptionSpec> specs;

  ParsedArgs(Map<String, List<String>> values, Map<String, OptionSpec> specs) {
    this.values = values;
    this.specs = specs;
  }

  /** Whether the command declares option {@code name} at all. */
  public boolean declares(String name) {
    return specs.containsKey(name);
  }

  /** Whether option {@code name} was given on the command line (not merely defaulted). */
  public boolean given(String name) {
    spec(name);
    return values.containsKey(name);
  }

  public boolean flag(String name) {
    spec(name);
    return values.containsKey(name);
  }

  /** The option's value, its default, or null. */
  public String value(String name) {
    OptionSpec s = spec(name);
    List<String> v = values.get(name);
    return v == null ? s.defaultValue() : v.getLast();
  }

  /** Every value of a repeatable option, comma-split; empty when absent. */
  public List<String> list(String name) {
    spec(name);
    List<String> out = new ArrayList<>();
    for (String v : values.getOrDefault(name, List.of())) {
      for (String part : v.split(",")) {
        if (!part.isBlank()) {
          out.add(part.trim());
        }
      }
    }
    return out;
  }

  /** An integer value within bounds, or a usage error naming the option. */
  public int intValue(String name, int min, int max) {
    String v = value(name);
    try {
      int n = Integer.parseInt(v.trim());
      if (n >= min && n <= max) {
        return n;
      }
    } catch (NumberFormatException | NullPointerException e) {
      // fall through to the message
    }
    throw new UsageException(
        name + " must be a whole number from " + min + " to " + max + ", not '" + v + "'");
  }

  /** Integers of a repeatable option. */
  public List<Integer> intList(String name) {
    List<Integer> out = new ArrayList<>();
    for (String v : list(name)) {
      try {
        out.add(Integer.parseInt(v));
      } catch (NumberFormatException e) {
        throw new UsageException(name + " takes whole numbers, not '" + v + "'");
      }
    }
    return out;
  }

  private OptionSpec spec(String name) {
    OptionSpec s = specs.get(name);
    if (s == null) {
      throw new IllegalArgumentException("no such option declared: " + name);
    }
    return s;
  }
}
