package io.sockwatch.cli;

import io.sockwatch.cli.args.CommandSpec;
import io.sockwatch.cli.args.ParsedArgs;
import java.io.PrintWriter;

/** A sockwatch subcommand. */
interface Command {

  CommandSpec spec();

  /**
   * Runs the command and returns its exit code.
   *
   * @throws io.sockwatch.cli.args.UsageException for arguments that cannot be obeyed
   * @throws Exception for anything else; {@link Main} turns it into one line on stderr
   */
  int run(ParsedArgs args, PrintWriter out, PrintWriter err) throws Exception;
}
