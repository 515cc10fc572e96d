package io.sockwatch.cli;

import static io.sockwatch.cli.args.OptionSpec.flag;
import static io.sockwatch.cli.args.OptionSpec.list;
import static io.sockwatch.cli.args.OptionSpec.value;

import io.sockwatch.analysis.Detectors;
import io.sockwatch.analysis.Doctor;
import io.sockwatch.analysis.DoctorConfig;
import io.sockwatch.analysis.DoctorInput;
import io.sockwatch.analysis.DoctorReport;
import io.sockwatch.analysis.Threshold;
import io.sockwatch.cli.args.CommandSpec;
import io.sockwatch.cli.args.ParsedArgs;
import io.sockwatch.cli.args.UsageException;
import io.sockwatch.cli.output.DoctorJsonWriter;
import io.sockwatch.cli.output.DoctorTextWriter;
import io.sockwatch.cli.output.JsonWriter;
import io.sockwatch.kernel.SourceUnavailableException;
import io.sockwatch.snapshot.Snapshot;
import io.sockwatch.snapshot.SnapshotReader;
import io.sockwatch.snapshot.SocketFilter;
import java.io.PrintWriter;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * {@code sockwatch doctor}: samples the node twice (rates and growth exist even in one shot), runs
 * every detector and prints what is wrong, who causes it, the headroom and the fix. Exit codes
 * follow node-problem-detector's custom plugins: 0 OK, 1 problem, 2 unknown; the first line of the
 * output is the message.
 */
final class DoctorCommand implements Command {

  private static final CommandSpec SPEC =
      new CommandSpec(
          "doctor",
          List.of(
              "Name what is wrong with the node's TCP stack, who causes it, the headroom and the"
                  + " fix.",
              "Exit code: 0 healthy, 1 problem found, 2 unknown (node-problem-detector custom"
                  + " plugin)."),
          List.of(
              value(
                  "DURATION",
                  "2s",
                  "Time between the two samples (rates, growth, ages).",
                  "--interval"),
              flag("Take a single sample (no rates).", "--once"),
              value(
                  "DURATION",
                  "3600s",
                  "Idle timeout assumed for stateful firewalls/NATs on the path; idle connections"
                      + " without keepalive below it are at risk.",
                  "--middlebox-idle"),
              list(
                  "PORT=INTERVAL",
                  "Promised application heartbeat on a port, e.g. 5672=10s; quieter connections are"
                      + " reported.",
                  "--expect-heartbeat"),
              list("NAME=VALUE", "Override a detector threshold (see --list-thresholds).", "--set"),
              flag("List every threshold with its default and exit.", "--list-thresholds"),
              CommonOptions.output(),
              CommonOptions.source(
                  " The proc source has no tcp_info: idle and retransmission checks are then"
                      + " unavailable."),
              CommonOptions.root()));

  @Override
  public CommandSpec spec() {
    return SPEC;
  }

  @Override
  public int run(ParsedArgs args, PrintWriter out, PrintWriter err) throws Exception {
    if (args.flag("--list-thresholds")) {
      for (Threshold t : Detectors.thresholds()) {
        out.printf(Locale.ROOT, "%-34s %10s  %s%n", t.name(), show(t), t.description());
      }
      return 0;
    }
    boolean json = CommonOptions.json(args);
    DoctorConfig config = config(args);
    double interval = seconds("--interval", args.value("--interval"));
    if (interval > 600) {
      throw new UsageException("--interval must be at most 10m");
    }
    SnapshotReader reader = CommonOptions.reader(args);
    var options = new SnapshotReader.Options(CommonOptions.sourceChoice(args), true, true, true);
    DoctorReport report;
    try {
      Optional<Snapshot> before = Optional.empty();
      if (!args.flag("--once") && interval > 0) {
        before = Optional.of(reader.read(SocketFilter.ALL, options));
        Thread.sleep((long) (interval * 1000));
      }
      Snapshot after = reader.read(SocketFilter.ALL, options);
      report =
          new Doctor(Detectors.all())
              .examine(new DoctorInput(before, after, before.isPresent() ? interval : 0, config));
    } catch (SourceUnavailableException e) {
      // Nothing to judge: node-problem-detector's "unknown", with the reason as its message.
      out.println("sockwatch doctor: unknown: " + e.getMessage());
      return DoctorReport.Verdict.UNKNOWN.exitCode();
    }
    if (json) {
      DoctorJsonWriter.write(new JsonWriter(out), report);
      out.write('\n');
    } else {
      new DoctorTextWriter(out).write(report);
    }
    out.flush();
    return report.verdict().exitCode();
  }

  private static String show(Threshold t) {
    return switch (t.unit()) {
      case "%" -> String.format(Locale.ROOT, "%.0f%%", 100 * t.defaultValue());
      case "s" -> String.format(Locale.ROOT, "%.0fs", t.defaultValue());
      default -> String.format(Locale.ROOT, "%.0f", t.defaultValue());
    };
  }

  private static DoctorConfig config(ParsedArgs args) {
    Map<String, Threshold> known = new HashMap<>();
    Detectors.thresholds().forEach(t -> known.put(t.name(), t));
    Map<String, Double> overrides = new HashMap<>();
    for (String kv : args.list("--set")) {
      int eq = kv.indexOf('=');
      String name = eq < 0 ? kv : kv.substring(0, eq).trim();
      Threshold t = known.get(name);
      if (t == null) {
        throw new UsageException(
            "unknown threshold '" + name + "' (see sockwatch doctor --list-thresholds)");
      }
      if (eq < 0) {
        throw new UsageException("--set takes NAME=VALUE, e.g. --set " + name + "=" + show(t));
      }
      overrides.put(name, parseThreshold(t, kv.substring(eq + 1).trim()));
    }
    Map<Integer, Double> heartbeats = new HashMap<>();
    for (String kv : args.list("--expect-heartbeat")) {
      int eq = kv.indexOf('=');
      if (eq < 0) {
        throw new UsageException(
            "--expect-heartbeat takes PORT=INTERVAL, e.g. 5672=10s, not '" + kv + "'");
      }
      int port;
      try {
        port = Integer.parseInt(kv.substring(0, eq).trim());
      } catch (NumberFormatException e) {
        port = -1;
      }
      if (port < 1 || port > 65535) {
        throw new UsageException(
            "--expect-heartbeat: '" + kv.substring(0, eq) + "' is not a port (1-65535)");
      }
      double s = seconds("--expect-heartbeat", kv.substring(eq + 1));
      if (s <= 0) {
        throw new UsageException("--expect-heartbeat: the interval must be positive");
      }
      heartbeats.put(port, s);
    }
    double middlebox = seconds("--middlebox-idle", args.value("--middlebox-idle"));
    if (middlebox <= 0) {
      throw new UsageException("--middlebox-idle must be positive");
    }
    return new DoctorConfig(overrides, middlebox, heartbeats);
  }

  private static double parseThreshold(Threshold t, String text) {
    try {
      return switch (t.unit()) {
        case "s" -> DoctorConfig.parseSeconds(text);
        case "%" ->
            text.endsWith("%")
                ? Double.parseDouble(text.substring(0, text.length() - 1)) / 100
                : Double.parseDouble(text);
        default -> Double.parseDouble(text);
      };
    } catch (IllegalArgumentException e) {
      throw new UsageException("--set " + t.name() + ": not a valid value: '" + text + "'");
    }
  }

  private static double seconds(String option, String text) {
    try {
      return DoctorConfig.parseSeconds(text);
    } catch (IllegalArgumentException e) {
      throw new UsageException(option + ": " + e.getMessage());
    }
  }
}
