package io.sockwatch.cli;

import io.sockwatch.Doctor;
import io.sockwatch.NodeReader;
import io.sockwatch.cli.args.ParsedArgs;
import io.sockwatch.cli.args.UsageException;
import io.sockwatch.cli.output.ConditionLine;
import io.sockwatch.model.SourceUnavailableException;
import io.sockwatch.model.finding.ConditionCheck;
import io.sockwatch.model.finding.DoctorConfig;
import io.sockwatch.model.finding.DoctorReport;
import io.sockwatch.model.finding.NodeCondition;
import io.sockwatch.model.snapshot.NodeScan;
import io.sockwatch.model.snapshot.SocketFilter;
import java.io.PrintWriter;
import java.util.Arrays;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * {@code doctor --check TYPE}: one node condition as a node-problem-detector custom plugin. Only
 * the condition's detectors run, one line goes to stdout (fitted to {@code --max-length}, which
 * should equal the monitor config's {@code max_output_length}), and the exit code is the plugin's:
 * 0 the condition is false, 1 it is true, 2 it cannot be told.
 *
 * <p>It takes as few samples as the condition needs, because node-problem-detector runs it every
 * invoke interval on every node. Port pressure forecasts from the rate of new TIME_WAIT and TCP
 * memory counts resets for lack of memory ({@code TCPAbortOnMemory}) between samples, so those two
 * take two samples {@value #RATE_INTERVAL_SECONDS} s apart; a leak's CLOSE_WAIT age comes from
 * tcp_info and the conntrack fill from one reading, so those take one. {@code --interval} and
 * {@code --once} given on the command line win.
 */
final class DoctorCheck {

  /** The shortest interval that still gives a rate of connections per second worth reading. */
  static final double RATE_INTERVAL_SECONDS = 1;

  private DoctorCheck() {}

  /** The condition {@code --check} names, or a usage error that lists the valid types. */
  static NodeCondition condition(String type) {
    return NodeCondition.ofType(type)
        .orElseThrow(
            () ->
                new UsageException(
                    "--check: unknown condition '"
                        + type
                        + "'; one of "
                        + Arrays.stream(NodeCondition.values())
                            .map(NodeCondition::type)
                            .collect(Collectors.joining(", "))));
  }

  /** Seconds between the two samples this condition needs by default; 0 for one sample. */
  static double defaultInterval(NodeCondition c) {
    return switch (c) {
      case EPHEMERAL_PORT_PRESSURE, TCP_MEMORY_PRESSURE -> RATE_INTERVAL_SECONDS;
      case SOCKET_LEAK, CONNTRACK_PRESSURE -> 0;
    };
  }

  static int run(NodeCondition c, ParsedArgs args, DoctorConfig config, PrintWriter out)
      throws InterruptedException {
    if (CommonOptions.json(args)) {
      throw new UsageException("--check prints one line for node-problem-detector; drop -o json");
    }
    int maxLength = args.intValue("--max-length", ConditionLine.MIN_MAX_LENGTH, 1 << 16);
    double interval =
        args.flag("--once")
            ? 0
            : args.given("--interval")
                ? JudgementOptions.seconds("--interval", args.value("--interval"))
                : defaultInterval(c);
    if (interval > 600) {
      throw new UsageException("--interval must be at most 10m");
    }
    ConditionCheck check;
    // The monitor asks every few seconds: no tracer is loaded for a check.
    try (NodeReader reader = CommonOptions.reader(args, s -> s.withConnectionEvents(false))) {
      Optional<NodeScan> before = Optional.empty();
      if (interval > 0) {
        before = Optional.of(reader.scan(SocketFilter.ALL, NodeReader.Parts.ALL));
        Thread.sleep((long) (interval * 1000));
      }
      NodeScan after = reader.scan(SocketFilter.ALL, NodeReader.Parts.ALL);
      check = Doctor.check(c, before, after, interval, config);
    } catch (SourceUnavailableException e) {
      out.println(ConditionLine.unknown(c.type(), e.getMessage(), maxLength));
      return DoctorReport.Verdict.UNKNOWN.exitCode();
    }
    out.println(ConditionLine.of(check, maxLength));
    out.flush();
    return check.verdict().exitCode();
  }
}
