package io.sockwatch.cli;

import io.sockwatch.cli.args.ParsedArgs;
import io.sockwatch.cli.args.UsageException;
import java.io.BufferedWriter;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

/**
 * Entry point. Every failure ends as one line on stderr and a non-zero exit code; stack traces are
 * shown only with {@code SOCKWATCH_DEBUG=1}, because an on-call engineer needs the reason, not the
 * frames.
 */
public final class Main {

  /** Exit code for usage errors and for "could not tell" (node-problem-detector's Unknown). */
  public static final int EXIT_ERROR = 2;

  private static final List<Command> COMMANDS =
      List.of(
          new ServeCommand(),
          new DoctorCommand(),
          new SnapshotCommand(),
          new PlanCommand(),
          new ProbeIdleCommand(),
          new EchoCommand());

  private Main() {}

  public static void main(String[] args) {
    // System.out is a synchronized, auto-flushing PrintStream; listings of a million rows go
    // through one large buffer on the raw descriptor instead.
    PrintWriter out =
        new PrintWriter(
            new BufferedWriter(
                new OutputStreamWriter(
                    new FileOutputStream(FileDescriptor.out), StandardCharsets.UTF_8),
                1 << 16),
            false);
    PrintWriter err =
        new PrintWriter(new OutputStreamWriter(System.err, StandardCharsets.UTF_8), true);
    int code = run(out, err, args);
    out.flush();
    System.exit(code);
  }

  /** Runs a command line with the given streams and returns the exit code (tests call this). */
  public static int run(PrintWriter out, PrintWriter err, String... args) {
    if (args.length == 0) {
      err.print(usage());
      err.flush();
      return EXIT_ERROR;
    }
    String first = args[0];
    switch (first) {
      case "--help", "-h" -> {
        out.print(usage());
        out.flush();
        return 0;
      }
      case "--version", "-V" -> {
        String v = Main.class.getPackage().getImplementationVersion();
        out.println("sockwatch " + (v == null ? "dev" : v));
        out.flush();
        return 0;
      }
      case "help" -> {
        Command c = args.length > 1 ? find(args[1]) : null;
        out.print(c == null ? usage() : c.spec().help());
        out.flush();
        return 0;
      }
      default -> {
        // a subcommand
      }
    }
    Command command = find(first);
    if (command == null) {
      return fail(err, "unknown command '" + first + "'", "sockwatch --help");
    }
    try {
      ParsedArgs parsed = command.spec().parse(Arrays.asList(args).subList(1, args.length));
      if (parsed.flag("--help")) {
        out.print(command.spec().help());
        out.flush();
        return 0;
      }
      int code = command.run(parsed, out, err);
      out.flush();
      return code;
    } catch (UsageException e) {
      return fail(err, e.getMessage(), "sockwatch " + command.spec().name() + " --help");
    } catch (Exception e) {
      out.flush();
      if (isBrokenPipe(e)) {
        return 0;
      }
      err.println("sockwatch: " + describe(e));
      if ("1".equals(System.getenv("SOCKWATCH_DEBUG"))) {
        e.printStackTrace(err);
      }
      err.flush();
      return EXIT_ERROR;
    }
  }

  private static Command find(String name) {
    for (Command c : COMMANDS) {
      if (c.spec().name().equals(name)) {
        return c;
      }
    }
    return null;
  }

  private static int fail(PrintWriter err, String message, String helpCommand) {
    err.println("sockwatch: " + message);
    err.println("Try '" + helpCommand + "'.");
    err.flush();
    return EXIT_ERROR;
  }

  private static String usage() {
    StringBuilder sb = new StringBuilder("Usage: sockwatch COMMAND [OPTIONS]\n");
    sb.append(
        "TCP socket-health doctor: what is wrong with the TCP stack, who causes it, how close the"
            + " limit is.\n\n");
    sb.append("Commands:\n");
    for (Command c : COMMANDS) {
      sb.append(String.format("  %-10s %s%n", c.spec().name(), c.spec().description().getFirst()));
    }
    sb.append(
        "\n'sockwatch COMMAND --help' shows a command's options. --version prints the version.\n");
    return sb.toString();
  }

  private static boolean isBrokenPipe(Throwable t) {
    for (Throwable c = t; c != null; c = c.getCause()) {
      if (c instanceof IOException && String.valueOf(c.getMessage()).contains("Broken pipe")) {
        return true;
      }
    }
    return false;
  }

  private static String describe(Throwable t) {
    String m = t.getMessage();
    if (t instanceof UncheckedIOException && t.getCause() != null) {
      m = t.getCause().getMessage();
    }
    return m == null || m.isBlank()
        ? "internal error (" + t.getClass().getSimpleName() + "); rerun with SOCKWATCH_DEBUG=1"
        : m;
  }
}
