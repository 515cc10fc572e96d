package io.sockwatch.cli;

import static io.sockwatch.cli.args.OptionSpec.flag;
import static io.sockwatch.cli.args.OptionSpec.value;

import io.sockwatch.Doctor;
import io.sockwatch.NodeReader;
import io.sockwatch.TimeoutStore;
import io.sockwatch.cli.args.CommandSpec;
import io.sockwatch.cli.args.ParsedArgs;
import io.sockwatch.cli.args.UsageException;
import io.sockwatch.cli.output.ConditionLine;
import io.sockwatch.cli.output.DoctorJsonWriter;
import io.sockwatch.cli.output.DoctorTextWriter;
import io.sockwatch.cli.output.JsonWriter;
import io.sockwatch.model.SourceUnavailableException;
import io.sockwatch.model.Unavailable;
import io.sockwatch.model.events.ConnectionActivity;
import io.sockwatch.model.finding.DoctorConfig;
import io.sockwatch.model.finding.DoctorReport;
import io.sockwatch.model.finding.MeasuredTimeouts;
import io.sockwatch.model.finding.NodeCondition;
import io.sockwatch.model.snapshot.NodeScan;
import io.sockwatch.model.snapshot.SocketFilter;
import java.io.PrintWriter;
import java.util.List;
import java.util.Optional;

/**
 * {@code sockwatch doctor}: samples the node twice (rates and growth exist even in one shot), runs
 * every detector and prints what is wrong, who causes it, the headroom and the fix. Exit codes
 * follow node-problem-detector's custom plugins: 0 OK, 1 problem, 2 unknown; the first line of the
 * output is the message. {@code --check TYPE} judges one node condition instead ({@link
 * DoctorCheck}).
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
                  "TYPE",
                  null,
                  "Judge one node condition (TCPMemoryPressure, EphemeralPortPressure,"
                      + " SocketLeak, ConntrackPressure) with its detectors only; print one line;"
                      + " exit 0 false, 1 true, 2 unknown (node-problem-detector plugin).",
                  "--check"),
              value(
                  "N",
                  Integer.toString(ConditionLine.DEFAULT_MAX_LENGTH),
                  "With --check: the most bytes the line may take (the monitor's"
                      + " max_output_length).",
                  "--max-length"),
              JudgementOptions.middleboxIdle(),
              JudgementOptions.stateFile(),
              JudgementOptions.expectHeartbeat(),
              JudgementOptions.set(),
              JudgementOptions.listThresholds(),
              CommonOptions.output(),
              CommonOptions.source(
                  " The proc source has no tcp_info: idle and retransmission checks are then"
                      + " unavailable."),
              NetnsOption.spec("all"),
              CommonOptions.connectionEvents(),
              CommonOptions.root()));

  @Override
  public CommandSpec spec() {
    return SPEC;
  }

  @Override
  public int run(ParsedArgs args, PrintWriter out, PrintWriter err) throws Exception {
    if (args.flag("--list-thresholds")) {
      JudgementOptions.listThresholds(Doctor.thresholds(), out);
      return 0;
    }
    boolean json = CommonOptions.json(args);
    NodeCondition condition =
        args.value("--check") == null ? null : DoctorCheck.condition(args.value("--check"));
    if (condition == null && args.given("--max-length")) {
      throw new UsageException("--max-length goes with --check");
    }
    MeasuredTimeouts measured = TimeoutStore.load(JudgementOptions.stateFile(args));
    DoctorConfig config =
        JudgementOptions.config(args, Doctor.thresholds()).withMeasured(measured.timeouts());
    if (condition != null) {
      return DoctorCheck.run(condition, args, config, out);
    }
    double interval = JudgementOptions.seconds("--interval", args.value("--interval"));
    if (interval > 600) {
      throw new UsageException("--interval must be at most 10m");
    }
    DoctorReport report;
    Optional<ConnectionActivity> activity;
    try (NodeReader reader = CommonOptions.reader(args)) {
      Optional<NodeScan> before = Optional.empty();
      if (!args.flag("--once") && interval > 0) {
        before = Optional.of(reader.scan(SocketFilter.ALL, NodeReader.Parts.ALL));
        Thread.sleep((long) (interval * 1000));
      }
      NodeScan after = reader.scan(SocketFilter.ALL, NodeReader.Parts.ALL);
      activity = before.isPresent() ? after.activity() : Optional.empty();
      report =
          Doctor.examine(before, after, interval, config)
              .withUnavailable(
                  measured.problems().stream()
                      .map(p -> new Unavailable("middlebox timeouts", p))
                      .toList());
    } catch (SourceUnavailableException e) {
      // Nothing to judge: node-problem-detector's "unknown", with the reason as its message.
      out.println("sockwatch doctor: unknown: " + e.getMessage());
      return DoctorReport.Verdict.UNKNOWN.exitCode();
    }
    if (json) {
      DoctorJsonWriter.write(new JsonWriter(out), report, activity);
      out.write('\n');
    } else {
      new DoctorTextWriter(out).write(report, activity);
    }
    out.flush();
    return report.verdict().exitCode();
  }
}
