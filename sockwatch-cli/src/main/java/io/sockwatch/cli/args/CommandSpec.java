package io.sockwatch.cli.args;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A subcommand's name, description and options, with the parser and the help text.
 *
 * <p>sockwatch parses its own options instead of using picocli: a CLI that is run once per question
 * pays for its start-up every time, and picocli's reflective model costs about 100 ms of a cold
 * JVM's start (measured on this machine kind: 0.05 s for an empty main in the same jar, 0.15 s for
 * {@code --version} through picocli), which alone would put {@code snapshot} over 2x the time of
 * {@code ss -tan} at 100k sockets.
 */
public record CommandSpec(String name, List<String> description, List<OptionSpec> options) {

  public CommandSpec {
    description = List.copyOf(description);
    List<OptionSpec> all = new ArrayList<>(options);
    all.add(OptionSpec.flag("Show this help and exit.", "--help", "-h"));
    options = List.copyOf(all);
  }

  /**
   * Parses the arguments after the subcommand name.
   *
   * @throws UsageException for unknown options, missing values or stray arguments
   */
  public ParsedArgs parse(List<String> args) {
    Map<String, OptionSpec> byName = new HashMap<>();
    Map<String, OptionSpec> byCanonical = new HashMap<>();
    for (OptionSpec o : options) {
      o.names().forEach(n -> byName.put(n, o));
      byCanonical.put(o.name(), o);
    }
    Map<String, List<String>> values = new LinkedHashMap<>();
    for (int i = 0; i < args.size(); i++) {
      String a = args.get(i);
      String inline = null;
      int eq = a.indexOf('=');
      if (a.startsWith("--") && eq > 0) {
        inline = a.substring(eq + 1);
        a = a.substring(0, eq);
      }
      OptionSpec o = byName.get(a);
      if (o == null) {
        throw new UsageException(
            a.startsWith("-") ? "unknown option '" + a + "'" : "unexpected argument '" + a + "'");
      }
      List<String> list = values.computeIfAbsent(o.name(), k -> new ArrayList<>());
      if (!o.takesValue()) {
        if (inline != null) {
          throw new UsageException("option '" + a + "' takes no value");
        }
        list.add("true");
        continue;
      }
      String v = inline;
      if (v == null) {
        if (i + 1 >= args.size()) {
          throw new UsageException("option '" + a + "' needs a value: " + o.paramLabel());
        }
        v = args.get(++i);
      }
      if (!o.repeatable() && !list.isEmpty()) {
        throw new UsageException("option '" + a + "' given more than once");
      }
      list.add(v);
    }
    return new ParsedArgs(values, byCanonical);
  }

  /** Usage text: description, then one line per option with its default. */
  public String help() {
    StringBuilder sb = new StringBuilder();
    sb.append("Usage: sockwatch ").append(name).append(" [OPTIONS]\n");
    description.forEach(d -> sb.append(d).append('\n'));
    sb.append('\n');
    for (OptionSpec o : options) {
      String left =
          "  " + String.join(", ", o.names()) + (o.takesValue() ? " " + o.paramLabel() : "");
      sb.append(left);
      sb.append(" ".repeat(Math.max(2, 34 - left.length())));
      if (left.length() >= 34) {
        sb.append('\n').append(" ".repeat(36));
      }
      sb.append(o.description());
      if (o.defaultValue() != null) {
        sb.append(" Default: ").append(o.defaultValue()).append('.');
      }
      sb.append('\n');
    }
    return sb.toString();
  }
}
