package io.sockwatch.cli.metrics;

import io.sockwatch.model.KernelTunables;
import io.sockwatch.model.NodeStats;
import io.sockwatch.model.PortRange;
import io.sockwatch.model.watch.SeriesNames;
import java.util.BitSet;
import java.util.List;
import java.util.OptionalLong;

/**
 * Node (network-namespace) metrics: {@code /proc/net/sockstat}, the TCP sysctls and a chosen set of
 * {@code /proc/net/snmp} and {@code /proc/net/netstat} counters. Each is written only when the
 * kernel reported it; what it did not is listed by {@code /api/status}, not exported as 0.
 */
final class NodeMetrics {

  /**
   * A kernel counter exported as a Prometheus counter.
   *
   * @param file {@code snmp} or {@code netstat}
   * @param section the line prefix ({@code Tcp}, {@code TcpExt})
   * @param field the kernel's name of the counter
   * @param name the metric name
   * @param help what it counts
   */
  record KernelCounter(String file, String section, String field, String name, String help) {
    OptionalLong read(NodeStats node) {
      return file.equals("snmp") ? node.snmp(section, field) : node.netstat(section, field);
    }
  }

  /**
   * The counters exported: the ones the detectors reason with and the ones an operator looks at
   * next (opens, failures, resets, retransmissions, aborts, queue overflows). Not every kernel has
   * every counter; a missing one is left out.
   */
  static final List<KernelCounter> COUNTERS =
      List.of(
          snmp("ActiveOpens", "active_opens", "Connections this node opened (SYN sent)."),
          snmp("PassiveOpens", "passive_opens", "Connections this node accepted (SYN received)."),
          snmp(
              "AttemptFails",
              "attempt_fails",
              "Connection attempts that failed (SYN_SENT or SYN_RECV to CLOSED or LISTEN)."),
          snmp(
              "EstabResets",
              "estab_resets",
              "Established or CLOSE_WAIT connections reset (to CLOSED)."),
          snmp("InSegs", "in_segments", "Segments received."),
          snmp("OutSegs", "out_segments", "Segments sent, retransmissions excluded."),
          snmp("RetransSegs", "retrans_segments", "Segments retransmitted."),
          snmp("InErrs", "in_errors", "Segments received in error."),
          snmp("OutRsts", "out_resets", "Segments sent with RST."),
          netstat(
              "ListenOverflows",
              "listen_overflows",
              "Connections dropped because a listener's accept queue was full."),
          netstat(
              "ListenDrops",
              "listen_drops",
              "Connection requests dropped by a listener, for any reason (overflows included)."),
          netstat(
              "TCPReqQFullDrop",
              "request_queue_full_drops",
              "SYNs dropped because a listener's request queue was full and syncookies were off."),
          netstat("SyncookiesSent", "syncookies_sent", "SYN cookies sent (request queue full)."),
          netstat(
              "TCPSynRetrans",
              "syn_retransmits",
              "SYN and SYN-ACK retransmissions (lost or slow)."),
          netstat(
              "TCPTimeWaitOverflow",
              "time_wait_overflows",
              "Sockets closed without TIME_WAIT because tcp_max_tw_buckets was reached."),
          netstat(
              "TCPMemoryPressures",
              "memory_pressures",
              "Times TCP memory entered pressure (tcp_mem pressure threshold)."),
          netstat(
              "TCPAbortOnMemory",
              "aborts_on_memory",
              "Connections aborted for lack of memory (tcp_mem max or too many orphans)."),
          netstat(
              "TCPAbortOnTimeout",
              "aborts_on_timeout",
              "Connections aborted after retransmissions or keepalive probes timed out."),
          netstat(
              "TCPAbortOnClose",
              "aborts_on_close",
              "Connections reset on close because unread data was left in the receive queue."),
          netstat(
              "TCPAbortOnData",
              "aborts_on_data",
              "Connections reset because data arrived after the application closed."),
          netstat(
              "TCPAbortOnLinger",
              "aborts_on_linger",
              "Connections reset after the linger time in FIN_WAIT2 ran out."),
          netstat(
              "TCPAbortFailed",
              "abort_failures",
              "Resets that could not be sent (no memory for the RST)."),
          netstat(
              "TCPBacklogDrop",
              "backlog_drops",
              "Segments dropped because the socket's backlog was full."));

  private NodeMetrics() {}

  private static KernelCounter snmp(String field, String name, String help) {
    return counter("snmp", "Tcp", field, name, help);
  }

  private static KernelCounter netstat(String field, String name, String help) {
    return counter("netstat", "TcpExt", field, name, help);
  }

  private static KernelCounter counter(
      String file, String section, String field, String name, String help) {
    String source = "/proc/net/" + file + " " + section + " " + field + ": ";
    return new KernelCounter(
        file, section, field, "sockwatch_node_tcp_" + name + "_total", source + help);
  }

  /** Whether the sysctl file ending in {@code name} was read (not in the unavailable list). */
  private static boolean known(NodeStats node, String name) {
    return node.unavailable().stream().noneMatch(u -> u.item().endsWith("/" + name));
  }

  /** Ports of {@code reserved} (entries may overlap) inside {@code range}. */
  static int reservedInRange(PortRange range, List<PortRange> reserved) {
    BitSet ports = new BitSet();
    for (PortRange r : reserved) {
      int low = Math.max(r.low(), range.low());
      int high = Math.min(r.high(), range.high());
      if (low <= high) {
        ports.set(low, high + 1);
      }
    }
    return ports.cardinality();
  }

  static void add(Families out, NodeStats node) {
    out.gauge(
        SeriesNames.TCP_INUSE,
        "IPv4 TCP sockets in use, not TIME_WAIT (/proc/net/sockstat TCP inuse).",
        node.sockstat("TCP", "inuse"));
    out.gauge(
        "sockwatch_node_tcp6_inuse_sockets",
        "IPv6 TCP sockets in use, not TIME_WAIT (/proc/net/sockstat6 TCP6 inuse).",
        node.sockstat("TCP6", "inuse"));
    out.gauge(
        SeriesNames.TCP_ORPHANS,
        "TCP sockets closed by their process and still draining (/proc/net/sockstat TCP orphan).",
        node.sockstat("TCP", "orphan"));
    out.gauge(
        SeriesNames.TCP_TIME_WAIT,
        "TCP sockets in TIME_WAIT (/proc/net/sockstat TCP tw).",
        node.sockstat("TCP", "tw"));
    out.gauge(
        "sockwatch_node_tcp_alloc_sockets",
        "TCP sockets allocated, any state (/proc/net/sockstat TCP alloc).",
        node.sockstat("TCP", "alloc"));
    out.gauge(
        SeriesNames.TCP_MEMORY,
        "Memory TCP uses for buffers, in pages (/proc/net/sockstat TCP mem; compare with"
            + " sockwatch_node_tcp_mem_limit_pages).",
        node.sockstat("TCP", "mem"));
    KernelTunables t = node.tunables();
    t.tcpMem()
        .ifPresent(
            m ->
                out.gauge(
                        SeriesNames.TCP_MEM_LIMIT,
                        "net.ipv4.tcp_mem thresholds in pages: below min no limit, above pressure"
                            + " buffers are moderated, at max allocations fail.")
                    .point(m.minPages(), "level", "min")
                    .point(m.pressurePages(), "level", "pressure")
                    .point(m.maxPages(), "level", "max")
                    .add());
    out.gauge(
        SeriesNames.TCP_MAX_ORPHANS,
        "net.ipv4.tcp_max_orphans: orphaned sockets the kernel keeps before resetting new ones.",
        t.tcpMaxOrphans());
    t.localPortRange()
        .ifPresent(
            r ->
                out.gauge(
                    SeriesNames.PORT_RANGE,
                    "Ports in net.ipv4.ip_local_port_range (reserved ports not subtracted).",
                    r.size()));
    t.localPortRange()
        .ifPresent(
            r -> {
              if (known(node, "ip_local_reserved_ports")) {
                out.gauge(
                    "sockwatch_node_ephemeral_reserved_ports",
                    "Ports of net.ipv4.ip_local_reserved_ports inside ip_local_port_range:"
                        + " connect() never takes them, so they come off"
                        + " sockwatch_node_ephemeral_ports.",
                    reservedInRange(r, t.reservedPorts()));
              }
            });
    out.gauge(
        "sockwatch_node_tcp_tw_reuse",
        "net.ipv4.tcp_tw_reuse: 0 off, 1 connect() may take over a TIME_WAIT port, 2 only for"
            + " loopback; where it applies, TIME_WAIT does not block new connections.",
        t.twReuse());
    out.gauge(
        SeriesNames.CONNTRACK,
        "Connection-tracking entries (net.netfilter.nf_conntrack_count).",
        t.conntrackCount());
    out.gauge(
        SeriesNames.CONNTRACK_MAX,
        "Connection-tracking table size (net.netfilter.nf_conntrack_max).",
        t.conntrackMax());
    for (KernelCounter c : COUNTERS) {
      out.counter(c.name(), c.help(), c.read(node));
    }
  }
}
