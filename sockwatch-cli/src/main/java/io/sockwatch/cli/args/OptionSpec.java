package io.sockwatch.cli.args;

import java.util.List;

/**
 * One command-line option: its names, whether it takes a value, its default and help text.
 *
 * @param names all spellings, long first ({@code --output}, {@code -o})
 * @param paramLabel placeholder shown in help ({@code text|json}); null for flags
 * @param defaultValue value when absent (shown in help); null for none
 * @param repeatable whether it may be given more than once (values also split on commas)
 * @param description one line of help
 */
public record OptionSpec(
    List<String> names,
    String paramLabel,
    String defaultValue,
    boolean repeatable,
    String description) {

  public OptionSpec {
    names = List.copyOf(names);
  }

  /** An option without a value, such as {@code --summary}. */
  public static OptionSpec flag(String description, String... names) {
    return new OptionSpec(List.of(names), null, null, false, description);
  }

  /** An option with one value, such as {@code --top 10}. */
  public static OptionSpec value(
      String paramLabel, String defaultValue, String description, String... names) {
    return new OptionSpec(List.of(names), paramLabel, defaultValue, false, description);
  }

  /** An option that may repeat and whose values may be comma-separated ({@code --state a,b}). */
  public static OptionSpec list(String paramLabel, String description, String... names) {
    return new OptionSpec(List.of(names), paramLabel, null, true, description);
  }

  public boolean takesValue() {
    return paramLabel != null;
  }

  /** The canonical (first) name, used as the key in {@link ParsedArgs}. */
  public String name() {
    return names.getFirst();
  }
}
