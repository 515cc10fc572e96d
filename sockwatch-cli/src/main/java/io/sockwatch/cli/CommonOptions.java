package io.sockwatch.cli;

import static io.sockwatch.cli.args.OptionSpec.value;

import io.sockwatch.cli.args.OptionSpec;
import io.sockwatch.cli.args.ParsedArgs;
import io.sockwatch.cli.args.UsageException;
import io.sockwatch.snapshot.SnapshotReader;
import io.sockwatch.snapshot.SourceChoice;
import java.nio.file.Path;

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

  /** True for {@code --output json}, false for text; anything else is a usage error. */
  static boolean json(ParsedArgs args) {
    String o = args.value("--output");
    return switch (o) {
      case "json" -> true;
      case "text" -> false;
      default -> throw new UsageException("--output must be text or json, not '" + o + "'");
    };
  }

  static SourceChoice sourceChoice(ParsedArgs args) {
    try {
      return SourceChoice.parse(args.value("--source"));
    } catch (IllegalArgumentException e) {
      throw new UsageException(e.getMessage());
    }
  }

  static SnapshotReader reader(ParsedArgs args) {
    return SnapshotReader.forRoot(Path.of(args.value("--root")));
  }
}
