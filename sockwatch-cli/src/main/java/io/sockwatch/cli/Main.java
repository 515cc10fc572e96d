package io.sockwatch.cli;

import java.io.BufferedWriter;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * Entry point. Every failure ends as one line on stderr and a non-zero exit code; stack traces
 * are shown only with {@code SOCKWATCH_DEBUG=1}, because an on-call engineer needs the reason,
 * not the frames.
 */
@Command(
    name = "sockwatch",
    mixinStandardHelpOptions = true,
    versionProvider = Main.Version.class,
    description = "TCP socket-health doctor: what is wrong with the TCP stack, who causes it, how close the limit is.",
    subcommands = {SnapshotCommand.class, CommandLine.HelpCommand.class})
public final class Main {

  /** Exit code for usage errors and for "could not tell" (node-problem-detector's Unknown). */
  public static final int EXIT_ERROR = 2;

  public static void main(String[] args) {
    // System.out is a synchronized, auto-flushing PrintStream; listings of a million rows go
    // through one large buffer on the raw descriptor instead.
    PrintWriter out =
        new PrintWriter(
            new BufferedWriter(
                new OutputStreamWriter(new FileOutputStream(FileDescriptor.out), StandardCharsets.UTF_8),
                1 << 16),
            false);
    PrintWriter err = new PrintWriter(new OutputStreamWriter(System.err, StandardCharsets.UTF_8), true);
    int code = run(out, err, args);
    out.flush();
    System.exit(code);
  }

  /** Runs a command line with the given streams and returns the exit code (tests call this). */
  public static int run(PrintWriter out, PrintWriter err, String... args) {
    CommandLine cl = new CommandLine(new Main());
    cl.setOut(out);
    cl.setErr(err);
    cl.setExecutionExceptionHandler(
        (ex, cmd, parseResult) -> {
          if (isBrokenPipe(ex)) {
            return 0;
          }
          cmd.getErr().println("sockwatch: " + describe(ex));
          if ("1".equals(System.getenv("SOCKWATCH_DEBUG"))) {
            ex.printStackTrace(cmd.getErr());
          }
          return EXIT_ERROR;
        });
    cl.setParameterExceptionHandler(
        (ex, a) -> {
          CommandLine cmd = ex.getCommandLine();
          cmd.getErr().println("sockwatch: " + ex.getMessage());
          cmd.getErr().println("Try '" + cmd.getCommandSpec().qualifiedName() + " --help'.");
          return EXIT_ERROR;
        });
    return cl.execute(args);
  }

  private static boolean isBrokenPipe(Throwable t) {
    for (Throwable c = t; c != null; c = c.getCause()) {
      if (c instanceof java.io.IOException && String.valueOf(c.getMessage()).contains("Broken pipe")) {
        return true;
      }
    }
    return false;
  }

  private static String describe(Throwable t) {
    String m = t.getMessage();
    if (t instanceof java.io.UncheckedIOException && t.getCause() != null) {
      m = t.getCause().getMessage();
    }
    return m == null || m.isBlank() ? "internal error (" + t.getClass().getSimpleName() + "); rerun with SOCKWATCH_DEBUG=1" : m;
  }

  /** Reports the version from the jar manifest. */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String v = Main.class.getPackage().getImplementationVersion();
      return new String[] {"sockwatch " + (v == null ? "dev" : v)};
    }
  }
}
