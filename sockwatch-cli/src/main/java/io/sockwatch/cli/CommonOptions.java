package io.sockwatch.cli;

import static io.sockwatch.cli.args.OptionSpec.value;

import io.sockwatch.NodeReader;
import io.sockwatch.ReadSettings;
import io.sockwatch.cli.args.OptionSpec;
import io.sockwatch.cli.args.ParsedArgs;
import io.sockwatch.cli.args.UsageException;
import io.sockwatch.model.snapshot.SourceChoice;
import java.nio.file.Path;
import java.util.function.UnaryOperator;

/** Options every reading command shares: output format, socket-table source and /proc root. */
final class CommonOptions {
  private CommonOptions() {}

  static OptionSpec output() {
    return value("text|json", "text", "Output format.", "--output", "-o");
  }

  static OptionSpec source(String note) {
    return value(
        "auto|netlink|proc",
        "auto",
        "Socket table reader; auto uses netlink sock_diag and falls back to /proc/net/tcp, saying"
            + " why."
            + note,
        "--source");
  }

  static OptionSpec root() {
    return value("DIR", "/", "Read /proc under this directory (recorded trees, tests).", "--root");
  }

  static OptionSpec connectionEvents() {
    return value(
        "on|off",
        "on",
        "Trace every connection as it opens and closes with the kernel's events (eBPF, loaded by"
            + " sockwatch; needs root or CAP_BPF+CAP_PERFMON), so short-lived connections are"
            + " named with their process. Where that cannot run, the reason is listed under"
            + " Unavailable and the scan-based checks go on.",
        "--connection-events");
  }

  /** True for {@code --output json}, false for text; anything else is a usage error. */
  static boolean json(ParsedArgs args) {
    String o = args.value("--output");
    return switch (o) {
      case "json" -> true;
      case "text" -> false;
      default -> throw new UsageException("--output must be text or json, not '" + o + "'");
    };
  }

  /** What {@code --root}, {@code --source} and {@code --netns} ask to read. */
  static ReadSettings readSettings(ParsedArgs args) {
    SourceChoice source = SourceChoice.AUTO; // plan reads counters only: no table, no --source
    if (args.declares("--source")) {
      try {
        source = SourceChoice.parse(args.value("--source"));
      } catch (IllegalArgumentException e) {
        throw new UsageException(e.getMessage());
      }
    }
    boolean events = false;
    if (args.declares("--connection-events")) {
      events =
          switch (args.value("--connection-events")) {
            case "on" -> true;
            case "off" -> false;
            default -> throw new UsageException("--connection-events must be on or off");
          };
    }
    return ReadSettings.live(NetnsOption.choice(args))
        .withRoot(Path.of(args.value("--root")))
        .withSource(source)
        .withConnectionEvents(events);
  }

  /** The reader for those options; a namespace that does not exist is a usage error. */
  static NodeReader reader(ParsedArgs args) {
    return reader(args, UnaryOperator.identity());
  }

  /** The reader for those options, with {@code tune} applied (the agent's bounds). */
  static NodeReader reader(ParsedArgs args, UnaryOperator<ReadSettings> tune) {
    ReadSettings settings = tune.apply(readSettings(args));
    try {
      return NodeReader.open(settings);
    } catch (IllegalArgumentException e) {
      String m = e.getMessage();
      throw new UsageException(m.startsWith("--netns") ? m : "--netns: " + m);
    }
  }
}
