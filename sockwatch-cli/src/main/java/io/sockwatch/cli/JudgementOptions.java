package io.sockwatch.cli;

import static io.sockwatch.cli.args.OptionSpec.flag;
import static io.sockwatch.cli.args.OptionSpec.list;
import static io.sockwatch.cli.args.OptionSpec.value;

import io.sockwatch.TimeoutStore;
import io.sockwatch.cli.args.OptionSpec;
import io.sockwatch.cli.args.ParsedArgs;
import io.sockwatch.cli.args.UsageException;
import io.sockwatch.model.finding.DoctorConfig;
import io.sockwatch.model.finding.Threshold;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Options that decide what counts as a problem, shared by {@code doctor} and {@code serve}: the
 * assumed middlebox idle timeout, promised heartbeats and threshold overrides.
 */
final class JudgementOptions {

  private JudgementOptions() {}

  static OptionSpec middleboxIdle() {
    return value(
        "DURATION",
        "3600s",
        "Idle timeout assumed for stateful firewalls/NATs on the path; idle connections"
            + " without keepalive below it are at risk.",
        "--middlebox-idle");
  }

  static OptionSpec expectHeartbeat() {
    return list(
        "PORT=INTERVAL",
        "Promised application heartbeat on a port, e.g. 5672=10s; quieter connections are"
            + " reported.",
        "--expect-heartbeat");
  }

  static OptionSpec stateFile() {
    return value(
        "PATH",
        "~/.local/state/sockwatch/middlebox-timeouts",
        "Idle timeouts measured by probe-idle; they replace --middlebox-idle for their hosts.",
        "--state-file");
  }

  /** The state file {@code --state-file} names, or the default one. */
  static Path stateFile(ParsedArgs args) {
    String given = args.value("--state-file");
    return given == null || given.equals(stateFile().defaultValue())
        ? TimeoutStore.defaultPath(System.getenv())
        : Path.of(given);
  }

  static OptionSpec set() {
    return list("NAME=VALUE", "Override a detector threshold (see --list-thresholds).", "--set");
  }

  static OptionSpec listThresholds() {
    return flag("List every threshold with its default and exit.", "--list-thresholds");
  }

  /** One line per threshold; the name column fits the longest name, so defaults line up. */
  static void listThresholds(List<Threshold> thresholds, PrintWriter out) {
    int width = thresholds.stream().mapToInt(t -> t.name().length()).max().orElse(0);
    String format = "%-" + Math.max(1, width) + "s %10s  %s%n";
    for (Threshold t : thresholds) {
      out.printf(Locale.ROOT, format, t.name(), show(t), t.description());
    }
  }

  /** The configuration {@code args} give, with overrides checked against {@code known}. */
  static DoctorConfig config(ParsedArgs args, List<Threshold> thresholds) {
    Map<String, Threshold> known = new HashMap<>();
    thresholds.forEach(t -> known.put(t.name(), t));
    Map<String, Double> overrides = new HashMap<>();
    for (String kv : args.list("--set")) {
      int eq = kv.indexOf('=');
      String name = eq < 0 ? kv : kv.substring(0, eq).trim();
      Threshold t = known.get(name);
      if (t == null) {
        throw new UsageException("unknown threshold '" + name + "' (see --list-thresholds)");
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

  static double parseThreshold(Threshold t, String text) {
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

  static double seconds(String option, String text) {
    try {
      return DoctorConfig.parseSeconds(text);
    } catch (IllegalArgumentException e) {
      throw new UsageException(option + ": " + e.getMessage());
    }
  }

  static String show(Threshold t) {
    return switch (t.unit()) {
      case "%" -> String.format(Locale.ROOT, "%.0f%%", 100 * t.defaultValue());
      case "s" -> String.format(Locale.ROOT, "%.0fs", t.defaultValue());
      default -> String.format(Locale.ROOT, "%.0f", t.defaultValue());
    };
  }
}
