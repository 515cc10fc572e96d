package io.sockwatch.kernel.procfs;

import io.sockwatch.model.KernelTunables;
import io.sockwatch.model.NodeStats;
import io.sockwatch.model.PortRange;
import io.sockwatch.model.Unavailable;
import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.Function;

/**
 * Reads the node's TCP counters and limits: {@code /proc/net/sockstat{,6}}, {@code snmp}, {@code
 * netstat}, {@code stat/nf_conntrack} and the TCP sysctls. It never throws: each file that is
 * missing, unreadable or malformed becomes one {@link Unavailable} naming the file, and everything
 * else is still returned, so one bad file never hides the rest.
 *
 * <p>Counter files are per network namespace and so are most sysctls; {@code tcp_mem} and {@code
 * tcp_max_orphans} are node-wide and only visible from the initial namespace (elsewhere they are
 * reported missing). The conntrack files exist only while the nf_conntrack module is loaded.
 */
public final class NodeStatsSource {

  private static final String CONNTRACK_ABSENT = "nf_conntrack not loaded";
  private static final String IPV6_ABSENT = "missing (IPv6 disabled?)";

  /**
   * tcp_mem and tcp_max_orphans are node-wide: a network namespace other than the host's hides
   * them.
   */
  public static final String NODE_WIDE_ABSENT =
      "missing (a node-wide sysctl: not shown inside a network namespace other than the host's)";

  private final Path netDirectory;
  private final Path sysDirectory;
  private final String sysctlsAbsent;

  /** Reads the live {@code /proc} of the calling process's network namespace. */
  public NodeStatsSource() {
    this(Path.of("/"));
  }

  /** Reads {@code <root>/proc/...}; tests pass a recorded tree as {@code root}. */
  public NodeStatsSource(Path root) {
    this(root.resolve("proc/net"), root.resolve("proc/sys"), null);
  }

  private NodeStatsSource(Path netDirectory, Path sysDirectory, String sysctlsAbsent) {
    this.netDirectory = netDirectory;
    this.sysDirectory = sysDirectory;
    this.sysctlsAbsent = sysctlsAbsent;
  }

  /**
   * Reads the counter files in {@code netDirectory} and the sysctls under {@code sysDirectory}: for
   * another network namespace, {@code /proc/thread-self/net} and {@code /proc/sys} from a thread
   * that has entered it (a sysctl file shows the namespace of the thread that opens it).
   */
  public static NodeStatsSource of(Path netDirectory, Path sysDirectory) {
    return new NodeStatsSource(netDirectory, sysDirectory, null);
  }

  /**
   * Reads the counter files in {@code netDirectory} (e.g. {@code /proc/PID/net}, which anyone may
   * read) and reports every sysctl as unavailable for {@code reason}: used when the namespace
   * cannot be entered, since {@code /proc/sys} would show the reader's own namespace instead.
   */
  public static NodeStatsSource countersOnly(Path netDirectory, String reason) {
    return new NodeStatsSource(netDirectory, Path.of("/proc/sys"), reason);
  }

  /** Reads everything once. */
  public NodeStats read() {
    List<Unavailable> unavailable = new ArrayList<>();
    Map<String, Map<String, Long>> sockstat = new LinkedHashMap<>();
    counters("sockstat", SockstatParser::parse, "missing", sockstat, unavailable);
    counters("sockstat6", SockstatParser::parse, IPV6_ABSENT, sockstat, unavailable);
    Map<String, Map<String, Long>> snmp = new LinkedHashMap<>();
    counters("snmp", SnmpParser::parse, "missing", snmp, unavailable);
    Map<String, Map<String, Long>> netstat = new LinkedHashMap<>();
    counters("netstat", SnmpParser::parse, "missing", netstat, unavailable);
    counters(
        "stat/nf_conntrack", NfConntrackStatParser::parse, CONNTRACK_ABSENT, netstat, unavailable);
    return new NodeStats(sockstat, snmp, netstat, tunables(unavailable), unavailable);
  }

  private KernelTunables tunables(List<Unavailable> unavailable) {
    String ipv4 = "net/ipv4/";
    String netfilter = "net/netfilter/";
    Optional<List<PortRange>> reserved =
        sysctl(ipv4 + "ip_local_reserved_ports", SysctlParser::reservedPorts, unavailable);
    return new KernelTunables(
        sysctl(ipv4 + "tcp_mem", SysctlParser::tcpMem, NODE_WIDE_ABSENT, unavailable),
        sysctl(ipv4 + "ip_local_port_range", SysctlParser::portRange, unavailable),
        reserved.orElse(List.of()),
        number(ipv4 + "tcp_max_orphans", NODE_WIDE_ABSENT, unavailable),
        number(ipv4 + "tcp_keepalive_time", "missing", unavailable),
        number(ipv4 + "tcp_keepalive_intvl", "missing", unavailable),
        number(ipv4 + "tcp_keepalive_probes", "missing", unavailable),
        number(ipv4 + "tcp_fin_timeout", "missing", unavailable),
        number(ipv4 + "tcp_tw_reuse", "missing", unavailable),
        number(netfilter + "nf_conntrack_count", CONNTRACK_ABSENT, unavailable),
        number(netfilter + "nf_conntrack_max", CONNTRACK_ABSENT, unavailable),
        number(ipv4 + "tcp_max_tw_buckets", "missing", unavailable),
        number(ipv4 + "tcp_retries2", "missing", unavailable));
  }

  /** Parses one counter file into {@code into}, reporting the first problem if any. */
  private void counters(
      String relative,
      Function<String, ParsedCounters> parser,
      String missingReason,
      Map<String, Map<String, Long>> into,
      List<Unavailable> unavailable) {
    Path file = netDirectory.resolve(relative);
    String text;
    try {
      text = ProcFiles.readText(file);
    } catch (NoSuchFileException e) {
      unavailable.add(new Unavailable(file.toString(), missingReason));
      return;
    } catch (IOException e) {
      unavailable.add(new Unavailable(file.toString(), ProcFiles.reason(e)));
      return;
    }
    ParsedCounters parsed = parser.apply(text);
    parsed
        .sections()
        .forEach((k, v) -> into.computeIfAbsent(k, x -> new LinkedHashMap<>()).putAll(v));
    if (parsed.truncated()) {
      unavailable.add(new Unavailable(file.toString(), "truncated: last line incomplete"));
    } else if (parsed.sections().isEmpty()) {
      unavailable.add(new Unavailable(file.toString(), "unrecognised format: no counters found"));
    } else if (!parsed.problems().isEmpty()) {
      int more = parsed.problems().size() - 1;
      unavailable.add(
          new Unavailable(
              file.toString(),
              "unrecognised format: "
                  + parsed.problems().get(0)
                  + (more > 0 ? " (and " + more + " more)" : "")));
    }
  }

  /** A value parser for one sysctl file. */
  @FunctionalInterface
  private interface SysctlReader<T> {
    T parse(String text) throws ProcFormatException;
  }

  private OptionalLong number(
      String relative, String missingReason, List<Unavailable> unavailable) {
    Optional<Long> v = sysctl(relative, SysctlParser::number, missingReason, unavailable);
    return v.isPresent() ? OptionalLong.of(v.get()) : OptionalLong.empty();
  }

  private <T> Optional<T> sysctl(
      String relative, SysctlReader<T> parser, List<Unavailable> unavailable) {
    return sysctl(relative, parser, "missing", unavailable);
  }

  private <T> Optional<T> sysctl(
      String relative,
      SysctlReader<T> parser,
      String missingReason,
      List<Unavailable> unavailable) {
    Path file = sysDirectory.resolve(relative);
    if (sysctlsAbsent != null) {
      unavailable.add(new Unavailable(file.toString(), sysctlsAbsent));
      return Optional.empty();
    }
    try {
      return Optional.of(parser.parse(ProcFiles.readText(file)));
    } catch (NoSuchFileException e) {
      unavailable.add(new Unavailable(file.toString(), missingReason));
    } catch (IOException e) {
      unavailable.add(new Unavailable(file.toString(), ProcFiles.reason(e)));
    } catch (ProcFormatException e) {
      unavailable.add(new Unavailable(file.toString(), e.getMessage()));
    }
    return Optional.empty();
  }
}
