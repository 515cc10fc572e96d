package io.sockwatch.cli;

import static io.sockwatch.cli.args.OptionSpec.flag;
import static io.sockwatch.cli.args.OptionSpec.value;

import io.sockwatch.IdleProbe;
import io.sockwatch.TimeoutStore;
import io.sockwatch.cli.args.CommandSpec;
import io.sockwatch.cli.args.ParsedArgs;
import io.sockwatch.cli.args.UsageException;
import io.sockwatch.cli.output.JsonWriter;
import io.sockwatch.cli.output.ProbeJsonWriter;
import io.sockwatch.cli.output.ProbeTextWriter;
import io.sockwatch.model.IpAddress;
import io.sockwatch.model.finding.MeasuredTimeout;
import io.sockwatch.model.probe.Endpoints;
import io.sockwatch.model.probe.IdleBracket;
import io.sockwatch.model.probe.PathProblem;
import io.sockwatch.model.probe.ProbeListener;
import io.sockwatch.model.probe.ProbeReport;
import io.sockwatch.model.probe.ProbeSettings;
import io.sockwatch.model.probe.SearchSettings;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * {@code sockwatch probe-idle}: measures how long the path to a {@code sockwatch echo} peer keeps
 * an idle connection, and stores the answer where {@code doctor} and {@code serve} read it.
 */
final class ProbeIdleCommand implements Command {

  /** Exit code when the path or peer cannot be probed (refused, unreachable, dropped, not echo). */
  static final int EXIT_PATH = 3;

  private static final CommandSpec SPEC =
      new CommandSpec(
          "probe-idle",
          List.of(
              "Measure the idle timeout of stateful firewalls/NATs on the path to an echo peer.",
              "Connections idle for doubling, then bisected, times (in parallel) show which idle"
                  + " time the path forgets. Run `sockwatch echo` on the peer first.",
              "Exit codes: 0 measured, 2 bad arguments, 3 the path or peer cannot be probed."),
          List.of(
              value("HOST:PORT", null, "The echo peer (required).", "--target"),
              value("DURATION", "5s", "Shortest idle time tried.", "--min-idle"),
              value("DURATION", "1h", "Longest idle time tried.", "--max-idle"),
              value(
                  "DURATION",
                  null,
                  "End the whole run by then. Default: 2 x --max-idle + 1 min.",
                  "--deadline"),
              value(
                  "N",
                  "7",
                  "Connections opened at once to narrow the bracket (each round divides it by"
                      + " N+1).",
                  "--parallel"),
              value("PERCENT", "10%", "Stop once the timeout is known within this.", "--precision"),
              value(
                  "DURATION",
                  null,
                  "Also hold a connection with SO_KEEPALIVE and this TCP_KEEPIDLE past the"
                      + " timeout found, to show whether it survives.",
                  "--keepalive-idle"),
              value("DURATION", "5s", "Time allowed for a handshake.", "--connect-timeout"),
              value("DURATION", "5s", "Time allowed for an echo.", "--reply-timeout"),
              JudgementOptions.stateFile(),
              flag("Do not store the result in the state file.", "--no-save"),
              CommonOptions.output()));

  @Override
  public CommandSpec spec() {
    return SPEC;
  }

  @Override
  public int run(ParsedArgs args, PrintWriter out, PrintWriter err)
      throws InterruptedException, IOException {
    boolean json = CommonOptions.json(args);
    String targetText = args.value("--target");
    if (targetText == null) {
      throw new UsageException("--target is required, e.g. --target 10.0.0.7:7007");
    }
    InetSocketAddress target = HostPort.parse("--target", targetText, "10.0.0.7:7007", "", 1);
    if (target.getAddress().isAnyLocalAddress()) {
      throw new UsageException("--target: " + targetText + " is not a host to connect to");
    }
    ProbeSettings settings = settings(args);
    Path stateFile = JudgementOptions.stateFile(args);
    ProbeTextWriter text = new ProbeTextWriter(out, target, settings);
    ProbeReport report;
    try {
      report = IdleProbe.run(target, settings, json ? ProbeListener.SILENT : text);
    } catch (PathProblem p) {
      if (json) {
        new ProbeJsonWriter(new JsonWriter(out)).writeProblem(target, p);
        out.write('\n');
        out.flush();
      }
      err.println("sockwatch probe-idle: " + p.getMessage());
      err.flush();
      return EXIT_PATH;
    }
    Optional<Path> saved = Optional.empty();
    String saveProblem = "";
    if (!args.flag("--no-save") && report.bracket().found()) {
      try {
        TimeoutStore.save(stateFile, measured(target, report.bracket()));
        saved = Optional.of(stateFile);
      } catch (IOException e) {
        saveProblem = "could not save to " + stateFile + ": " + e.getMessage();
      }
    }
    if (json) {
      new ProbeJsonWriter(new JsonWriter(out)).write(report, saved);
      out.write('\n');
    } else {
      text.result(report, saved);
    }
    out.flush();
    if (!saveProblem.isEmpty()) {
      err.println("sockwatch probe-idle: " + saveProblem);
      err.flush();
    }
    return 0;
  }

  private static MeasuredTimeout measured(InetSocketAddress target, IdleBracket b) {
    return new MeasuredTimeout(
        IpAddress.ofBytes(target.getAddress().getAddress()),
        target.getPort(),
        b.lo(),
        b.hi(),
        System.currentTimeMillis() / 1000);
  }

  private static ProbeSettings settings(ParsedArgs args) {
    double min = positive("--min-idle", args.value("--min-idle"));
    double max = positive("--max-idle", args.value("--max-idle"));
    if (max < min) {
      throw new UsageException("--max-idle must not be shorter than --min-idle");
    }
    if (max > 7 * 86400) {
      throw new UsageException("--max-idle must be at most 7d");
    }
    double connect = positive("--connect-timeout", args.value("--connect-timeout"));
    double reply = positive("--reply-timeout", args.value("--reply-timeout"));
    if (connect > 600 || reply > 600) {
      // TCP itself gives up on a handshake after about 2 min and retransmits data for about 15.
      throw new UsageException("--connect-timeout and --reply-timeout must be at most 10m");
    }
    double overhead = ProbeSettings.overhead(connect, reply);
    double deadline =
        args.value("--deadline") == null
            ? 2 * max + 60
            : positive("--deadline", args.value("--deadline"));
    if (deadline < min + overhead) {
      throw new UsageException(
          "--deadline leaves no time for the shortest try: it needs --min-idle plus the connect"
              + " and reply timeouts plus 1 s, "
              + Endpoints.seconds(min + overhead));
    }
    int parallel = args.intValue("--parallel", 1, 64);
    double precision = percent(args.value("--precision"));
    int keepIdle = 0;
    if (args.value("--keepalive-idle") != null) {
      double k = positive("--keepalive-idle", args.value("--keepalive-idle"));
      if (k != Math.rint(k) || k > 32767) {
        throw new UsageException(
            "--keepalive-idle must be whole seconds up to 32767 (TCP_KEEPIDLE's unit and limit)");
      }
      keepIdle = (int) k;
    }
    return new ProbeSettings(
        new SearchSettings(min, max, parallel, precision, deadline, overhead),
        connect,
        reply,
        keepIdle);
  }

  private static double positive(String option, String text) {
    double v = JudgementOptions.seconds(option, text);
    if (!(v > 0)) {
      throw new UsageException(option + " must be positive");
    }
    return v;
  }

  private static double percent(String text) {
    String t = text.trim();
    boolean pct = t.endsWith("%");
    try {
      double v = Double.parseDouble(pct ? t.substring(0, t.length() - 1) : t);
      double f = pct || v >= 1 ? v / 100 : v;
      if (f > 0 && f < 1 && Character.isDigit(t.charAt(pct ? t.length() - 2 : t.length() - 1))) {
        return f;
      }
    } catch (NumberFormatException | StringIndexOutOfBoundsException e) {
      // fall through
    }
    throw new UsageException("--precision must be a percentage between 0 and 100, e.g. 10%");
  }
}
