package io.sockwatch.cli;

import static io.sockwatch.cli.args.OptionSpec.flag;
import static io.sockwatch.cli.args.OptionSpec.list;
import static io.sockwatch.cli.args.OptionSpec.value;

import io.sockwatch.NodeReader;
import io.sockwatch.Planner;
import io.sockwatch.cli.args.CommandSpec;
import io.sockwatch.cli.args.ParsedArgs;
import io.sockwatch.cli.args.UsageException;
import io.sockwatch.cli.output.JsonWriter;
import io.sockwatch.cli.output.PlanTextWriter;
import io.sockwatch.model.NodeStats;
import io.sockwatch.model.PortRange;
import io.sockwatch.model.SourceUnavailableException;
import io.sockwatch.model.finding.DoctorConfig;
import io.sockwatch.model.plan.CapacityForecast;
import io.sockwatch.model.plan.PollingPlan;
import io.sockwatch.model.plan.PollingPlan.Closer;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalDouble;

/**
 * {@code sockwatch plan}: what a polling design will cost each node in sockets, TIME_WAIT and
 * ephemeral ports, before it is deployed. Pure arithmetic ({@link CapacityModel}); the only thing
 * read from the node is its {@code ip_local_port_range}, and only when {@code --port-range} is not
 * given.
 */
final class PlanCommand implements Command {

  private static final CommandSpec SPEC =
      new CommandSpec(
          "plan",
          List.of(
              "Forecast the sockets, TIME_WAIT and ephemeral ports a polling design costs each"
                  + " node.",
              "Give several --interval values for a table. See docs/plan.md for the model."),
          List.of(
              value("N", null, "Cluster size (required).", "--nodes"),
              list(
                  "DURATION",
                  "Time between two probes of one peer, e.g. 1s,5s,10s (repeatable). Default: 1s.",
                  "--interval"),
              flag("One persistent connection per peer.", "--reuse"),
              flag("A fresh connection per probe (the default).", "--fresh"),
              value(
                  "client|server",
                  "client",
                  "Which end closes a fresh connection first; that end holds TIME_WAIT.",
                  "--closer"),
              value(
                  "DURATION",
                  "60s",
                  "TIME_WAIT length (Linux: fixed 60 s, TCP_TIMEWAIT_LEN).",
                  "--time-wait"),
              value(
                  "LOW-HIGH",
                  null,
                  "Ephemeral port range. Default: this node's net.ipv4.ip_local_port_range.",
                  "--port-range"),
              value(
                  "N",
                  null,
                  "Peers each node polls. Default: nodes-1 (all of them).",
                  "--destinations"),
              value(
                  "DURATION",
                  "10ms",
                  "How long one fresh probe connection is open (sizes in-flight sockets).",
                  "--probe-time"),
              CommonOptions.output(),
              NetnsOption.spec("self"),
              CommonOptions.root()));

  @Override
  public CommandSpec spec() {
    return SPEC;
  }

  @Override
  public int run(ParsedArgs args, PrintWriter out, PrintWriter err) {
    boolean json = CommonOptions.json(args);
    String nodesText = args.value("--nodes");
    if (nodesText == null) {
      throw new UsageException("--nodes is required, e.g. --nodes 20");
    }
    int nodes = args.intValue("--nodes", 1, 1_000_000);
    int destinations =
        args.value("--destinations") == null
            ? nodes - 1
            : args.intValue("--destinations", 0, nodes - 1);
    if (args.flag("--reuse") && args.flag("--fresh")) {
      throw new UsageException("--reuse and --fresh exclude each other");
    }
    Closer closer =
        switch (args.value("--closer")) {
          case "client" -> Closer.CLIENT;
          case "server" -> Closer.SERVER;
          default ->
              throw new UsageException(
                  "--closer must be client or server, not '" + args.value("--closer") + "'");
        };
    double timeWait = seconds("--time-wait", args.value("--time-wait"));
    double probe = seconds("--probe-time", args.value("--probe-time"));
    boolean fromNode = args.value("--port-range") == null;
    PortRange range = fromNode ? nodeRange(args) : portRange(args.value("--port-range"));
    List<String> intervals = args.list("--interval");
    if (intervals.isEmpty()) {
      intervals = List.of("1s");
    }
    List<CapacityForecast> rows = new ArrayList<>();
    for (String text : intervals) {
      double interval = seconds("--interval", text);
      if (interval <= 0) {
        throw new UsageException("--interval must be positive, not '" + text + "'");
      }
      rows.add(
          Planner.forecast(
              new PollingPlan(
                  nodes,
                  interval,
                  args.flag("--reuse"),
                  closer,
                  timeWait,
                  range,
                  destinations,
                  probe)));
    }
    if (json) {
      writeJson(new JsonWriter(out), rows, fromNode);
      out.write('\n');
    } else {
      new PlanTextWriter(out).write(rows, fromNode);
    }
    return 0;
  }

  private static void writeJson(JsonWriter w, List<CapacityForecast> rows, boolean fromNode) {
    PollingPlan p = rows.getFirst().plan();
    w.beginObject()
        .field("nodes", p.nodes())
        .field("destinations", p.destinations())
        .field("reuse", p.reuse())
        .field("closer", p.closer() == Closer.CLIENT ? "client" : "server");
    w.name("timeWaitSeconds").value(p.timeWaitSeconds());
    w.name("probeSeconds").value(p.probeSeconds());
    w.name("portRange")
        .beginObject()
        .field("low", p.portRange().low())
        .field("high", p.portRange().high())
        .field("size", p.portRange().size())
        .field("source", fromNode ? "net.ipv4.ip_local_port_range" : "--port-range")
        .endObject();
    w.name("rows").beginArray();
    for (CapacityForecast f : rows) {
      w.beginObject();
      w.name("intervalSeconds").value(f.plan().intervalSeconds());
      w.name("newConnectionsPerSecond").value(f.newConnectionsPerSecond());
      w.name("acceptedConnectionsPerSecond").value(f.acceptedConnectionsPerSecond());
      w.name("totalSockets").value(f.totalSockets());
      w.name("pollerSockets").value(f.pollerSockets());
      w.name("timeWait").value(f.timeWait());
      w.name("outboundTimeWait").value(f.outboundTimeWait());
      w.name("inboundTimeWait").value(f.inboundTimeWait());
      w.name("established").value(f.established());
      w.name("outboundEstablished").value(f.outboundEstablished());
      w.name("inboundEstablished").value(f.inboundEstablished());
      w.field("listeners", f.listeners());
      w.name("portsPerDestination").value(f.portsPerDestination());
      w.name("headroomPerDestination").value(f.headroomPerDestination());
      w.name("portUtilization").value(f.portUtilization());
      optional(w, "intervalAtExhaustionSeconds", f.intervalAtExhaustionSeconds());
      optional(
          w, "intervalAtExhaustionWithTwReuseSeconds", f.intervalAtExhaustionWithTwReuseSeconds());
      w.endObject();
    }
    w.endArray().endObject();
  }

  private static void optional(JsonWriter w, String name, OptionalDouble v) {
    w.name(name);
    if (v.isPresent()) {
      w.value(v.getAsDouble());
    } else {
      w.nullValue();
    }
  }

  private static PortRange nodeRange(ParsedArgs args) {
    NodeStats node;
    try (NodeReader reader = CommonOptions.reader(args)) {
      node = reader.namespaceStats();
    } catch (IllegalArgumentException | SourceUnavailableException e) {
      throw new UsageException(e.getMessage());
    }
    return node.tunables()
        .localPortRange()
        .orElseThrow(
            () ->
                new UsageException(
                    "cannot read net.ipv4.ip_local_port_range; give --port-range LOW-HIGH"));
  }

  static PortRange portRange(String text) {
    int dash = text.indexOf('-');
    try {
      if (dash > 0) {
        int low = Integer.parseInt(text.substring(0, dash).trim());
        int high = Integer.parseInt(text.substring(dash + 1).trim());
        if (low >= 1) {
          return new PortRange(low, high);
        }
      }
    } catch (IllegalArgumentException e) {
      // fall through to the message
    }
    throw new UsageException(
        "--port-range must be LOW-HIGH with 1 <= LOW <= HIGH <= 65535, not '" + text + "'");
  }

  private static double seconds(String option, String text) {
    try {
      return DoctorConfig.parseSeconds(text);
    } catch (IllegalArgumentException e) {
      throw new UsageException(option + ": " + e.getMessage());
    }
  }
}
