package io.sockwatch.cli;

import io.sockwatch.cli.output.JsonWriter;
import io.sockwatch.cli.output.SnapshotJsonWriter;
import io.sockwatch.cli.output.SnapshotTextWriter;
import io.sockwatch.model.TcpState;
import io.sockwatch.snapshot.AddressMatcher;
import io.sockwatch.snapshot.Snapshot;
import io.sockwatch.snapshot.SnapshotReader;
import io.sockwatch.snapshot.SocketFilter;
import io.sockwatch.snapshot.SourceChoice;
import io.sockwatch.snapshot.Summary;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code sockwatch snapshot}: one reading of the TCP socket table, like {@code ss -tanp}. */
@Command(
    name = "snapshot",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "List TCP sockets with their owning processes, like 'ss -tanp', plus summaries and node counters.",
      "Everything that could not be read is listed under 'Unavailable' with the reason."
    })
final class SnapshotCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Option(names = "--source", paramLabel = "auto|netlink|proc", defaultValue = "auto",
      description = "Socket table reader. auto: netlink sock_diag, falling back to /proc/net/tcp with the reason. Default: ${DEFAULT-VALUE}.")
  String source;

  @Option(names = "--state", split = ",", paramLabel = "STATE",
      description = "Only these states (repeat or comma-separate), e.g. established,time-wait,close-wait,listen.")
  List<String> states = List.of();

  @Option(names = "--sport", paramLabel = "PORT[-PORT]", description = "Only local ports in this range.")
  String sport;

  @Option(names = "--dport", paramLabel = "PORT[-PORT]", description = "Only peer ports in this range.")
  String dport;

  @Option(names = "--src", paramLabel = "ADDR[/LEN]", description = "Only local addresses in this network.")
  String src;

  @Option(names = "--dst", paramLabel = "ADDR[/LEN]", description = "Only peer addresses in this network.")
  String dst;

  @Option(names = "--pid", split = ",", paramLabel = "PID", description = "Only sockets held by these processes.")
  List<Integer> pids = List.of();

  @Option(names = "--comm", split = ",", paramLabel = "NAME", description = "Only sockets held by processes with this command name.")
  List<String> comms = List.of();

  @Option(names = {"-i", "--info"}, description = "Show tcp_info, socket memory, timers and congestion per socket (netlink).")
  boolean info;

  @Option(names = "--no-processes", negatable = false, description = "Skip process attribution (faster on huge tables).")
  boolean noProcesses;

  @Option(names = {"-s", "--summary"}, description = "Print counts by state, owner, process, destination and listener instead of the listing.")
  boolean summary;

  @Option(names = "--list", description = "With --summary or --node: print the listing as well.")
  boolean list;

  @Option(names = "--top", defaultValue = "10", paramLabel = "N", description = "Rows in each top list. Default: ${DEFAULT-VALUE}.")
  int top;

  @Option(names = "--node", description = "Print node counters: sockstat, snmp Tcp, netstat TcpExt, TCP sysctls, conntrack.")
  boolean node;

  @Option(names = {"-o", "--output"}, defaultValue = "text", paramLabel = "text|json", description = "Output format. Default: ${DEFAULT-VALUE}.")
  String output;

  @Option(names = "--root", defaultValue = "/", paramLabel = "DIR",
      description = "Read /proc under this directory (recorded trees, tests). Default: ${DEFAULT-VALUE}.")
  Path root;

  @Override
  public Integer call() throws Exception {
    SocketFilter filter = buildFilter();
    boolean json = parseOutput();
    if (top < 1 || top > 10_000) {
      throw new ParameterException(spec.commandLine(), "--top must be between 1 and 10000");
    }
    var options = new SnapshotReader.Options(SourceChoice.parse(source), !noProcesses, node, info || json);
    Snapshot snap;
    try {
      snap = SnapshotReader.forRoot(root).read(filter, options);
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), e.getMessage());
    }
    Summary sum = summary ? Summary.of(snap, top) : null;
    PrintWriter out = spec.commandLine().getOut();
    if (json) {
      JsonWriter w = new JsonWriter(out);
      SnapshotJsonWriter.write(w, snap, sum);
      out.write('\n');
    } else {
      SnapshotTextWriter text = new SnapshotTextWriter(out);
      if ((!summary && !node) || list) {
        text.writeListing(snap, info);
      }
      if (sum != null) {
        text.writeSummary(sum);
      }
      if (snap.node().isPresent()) {
        text.writeNode(snap.node().get());
      }
      text.writeUnavailable(snap.unavailable());
    }
    out.flush();
    return 0;
  }

  private boolean parseOutput() {
    return switch (output) {
      case "json" -> true;
      case "text" -> false;
      default -> throw new ParameterException(spec.commandLine(), "--output must be text or json, not '" + output + "'");
    };
  }

  private SocketFilter buildFilter() {
    try {
      Set<TcpState> st = EnumSet.noneOf(TcpState.class);
      for (String s : states) {
        TcpState t = TcpState.parse(s);
        if (t == null) {
          throw new IllegalArgumentException("unknown state '" + s + "' (try established, syn-sent, syn-recv, fin-wait-1, fin-wait-2, time-wait, close, close-wait, last-ack, listen, closing)");
        }
        st.add(t);
        if (t == TcpState.SYN_RECV) {
          st.add(TcpState.NEW_SYN_RECV); // ss shows both as SYN-RECV
        }
      }
      return new SocketFilter(
          st,
          Optional.ofNullable(sport).map(SocketFilter::parsePorts),
          Optional.ofNullable(dport).map(SocketFilter::parsePorts),
          Optional.ofNullable(src).map(AddressMatcher::parse),
          Optional.ofNullable(dst).map(AddressMatcher::parse),
          new HashSet<>(pids),
          new HashSet<>(comms));
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), e.getMessage());
    }
  }
}
