package io.sockwatch.cli;

import static io.sockwatch.cli.args.OptionSpec.flag;
import static io.sockwatch.cli.args.OptionSpec.list;
import static io.sockwatch.cli.args.OptionSpec.value;

import io.sockwatch.NodeReader;
import io.sockwatch.cli.args.CommandSpec;
import io.sockwatch.cli.args.ParsedArgs;
import io.sockwatch.cli.args.UsageException;
import io.sockwatch.cli.output.JsonWriter;
import io.sockwatch.cli.output.SnapshotJsonWriter;
import io.sockwatch.cli.output.SnapshotTextWriter;
import io.sockwatch.model.TcpState;
import io.sockwatch.model.snapshot.AddressMatcher;
import io.sockwatch.model.snapshot.NamespaceSnapshot;
import io.sockwatch.model.snapshot.NodeScan;
import io.sockwatch.model.snapshot.Snapshot;
import io.sockwatch.model.snapshot.SocketFilter;
import io.sockwatch.model.snapshot.Summary;
import java.io.PrintWriter;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/** {@code sockwatch snapshot}: one reading of the TCP socket table, like {@code ss -tanp}. */
final class SnapshotCommand implements Command {

  private static final CommandSpec SPEC =
      new CommandSpec(
          "snapshot",
          List.of(
              "List TCP sockets with their owning processes (like 'ss -tanp'), summaries and node"
                  + " counters.",
              "Everything that could not be read is listed under 'Unavailable' with the reason."),
          List.of(
              CommonOptions.source(""),
              list(
                  "STATE[,STATE]",
                  "Only these states: established, syn-sent, syn-recv, fin-wait-1, fin-wait-2,"
                      + " time-wait, close, close-wait, last-ack, listen, closing.",
                  "--state"),
              value("PORT[-PORT]", null, "Only local ports in this range.", "--sport"),
              value("PORT[-PORT]", null, "Only peer ports in this range.", "--dport"),
              value(
                  "ADDR[/LEN]",
                  null,
                  "Only local addresses in this network (IPv4 also matches ::ffff: forms).",
                  "--src"),
              value("ADDR[/LEN]", null, "Only peer addresses in this network.", "--dst"),
              list("PID[,PID]", "Only sockets held by these processes.", "--pid"),
              list(
                  "NAME[,NAME]",
                  "Only sockets held by processes with this command name.",
                  "--comm"),
              flag(
                  "Per socket: tcp_info (rtt, retransmits, last send/receive), socket memory,"
                      + " timer, congestion.",
                  "--info",
                  "-i"),
              flag(
                  "Counts by state, owner, process, destination and listener instead of the"
                      + " listing.",
                  "--summary",
                  "-s"),
              flag("With --summary or --node: print the listing as well.", "--list"),
              value("N", "10", "Rows in each top list.", "--top"),
              flag(
                  "Node counters: sockstat, snmp Tcp, netstat TcpExt, TCP sysctls, conntrack.",
                  "--node"),
              flag("Skip process attribution (faster on huge tables).", "--no-processes"),
              value(
                  "SECONDS",
                  null,
                  "Trace connections from the kernel's events (eBPF) for this long and print each"
                      + " that ends, like tcplife: process, container, addresses, lifetime,"
                      + " outcome; then connects per process and destination. Needs root. The"
                      + " --pid, --comm, --sport, --dport, --src and --dst filters apply.",
                  "--events"),
              CommonOptions.output(),
              NetnsOption.spec("host"),
              CommonOptions.root()));

  @Override
  public CommandSpec spec() {
    return SPEC;
  }

  @Override
  public int run(ParsedArgs args, PrintWriter out, PrintWriter err) throws Exception {
    SocketFilter filter = filter(args);
    boolean json = CommonOptions.json(args);
    if (args.value("--events") != null) {
      double seconds = JudgementOptions.seconds("--events", args.value("--events"));
      if (!(seconds > 0) || seconds > 86_400) {
        throw new UsageException("--events takes a duration from 1s to 24h");
      }
      try (NodeReader reader = CommonOptions.reader(args)) {
        return SnapshotEvents.run(seconds, filter, json, reader, out);
      }
    }
    int top = args.intValue("--top", 1, 10_000);
    boolean summary = args.flag("--summary");
    boolean node = args.flag("--node");
    boolean info = args.flag("--info");
    var parts = new NodeReader.Parts(!args.flag("--no-processes"), node, info || json);
    NodeScan scan;
    try (NodeReader reader = CommonOptions.reader(args)) {
      scan = reader.scan(filter, parts);
    }
    Snapshot snap = scan.merged();
    Summary sum = summary ? Summary.of(snap, top) : null;
    if (json) {
      SnapshotJsonWriter.write(new JsonWriter(out), scan, sum);
      out.write('\n');
    } else {
      SnapshotTextWriter text = new SnapshotTextWriter(out);
      if ((!summary && !node) || args.flag("--list")) {
        if (scan.perNamespace()) {
          for (NamespaceSnapshot ns : scan.namespaces()) {
            text.writeNamespaceHeading(ns);
            text.writeListing(ns.snapshot(), info);
          }
        } else {
          text.writeListing(snap, info);
        }
      }
      if (scan.namespaces().size() + scan.namespacesFailed() > 1) {
        // One chosen namespace is already named above its listing and in its total.
        text.writeNamespaces(scan);
      }
      if (sum != null) {
        text.writeSummary(sum);
      }
      if (snap.node().isPresent()) {
        text.writeNode(snap.node().get(), scan.perNamespace());
      }
      text.writeUnavailable(snap.unavailable());
    }
    out.flush();
    return 0;
  }

  private static SocketFilter filter(ParsedArgs args) {
    Set<TcpState> states = EnumSet.noneOf(TcpState.class);
    for (String s : args.list("--state")) {
      TcpState t = TcpState.parse(s);
      if (t == null) {
        throw new UsageException(
            "unknown state '"
                + s
                + "' (try established, syn-sent, syn-recv, fin-wait-1, fin-wait-2,"
                + " time-wait, close, close-wait, last-ack, listen, closing)");
      }
      states.add(t);
      if (t == TcpState.SYN_RECV) {
        states.add(TcpState.NEW_SYN_RECV); // ss shows both as SYN-RECV
      }
    }
    return new SocketFilter(
        states,
        optional(args, "--sport", SocketFilter::parsePorts),
        optional(args, "--dport", SocketFilter::parsePorts),
        optional(args, "--src", AddressMatcher::parse),
        optional(args, "--dst", AddressMatcher::parse),
        new HashSet<>(args.intList("--pid")),
        new HashSet<>(args.list("--comm")));
  }

  private static <T> Optional<T> optional(
      ParsedArgs args, String name, Function<String, T> parser) {
    String v = args.value(name);
    return v == null ? Optional.empty() : Optional.of(parse(parser, v));
  }

  /** Turns a parser's IllegalArgumentException into a usage error with its message. */
  private static <T> T parse(Function<String, T> parser, String text) {
    try {
      return parser.apply(text);
    } catch (IllegalArgumentException e) {
      throw new UsageException(e.getMessage());
    }
  }
}
