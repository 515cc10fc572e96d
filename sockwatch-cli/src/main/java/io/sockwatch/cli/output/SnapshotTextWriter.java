package io.sockwatch.cli.output;

import io.sockwatch.model.KernelTunables;
import io.sockwatch.model.NetworkNamespace;
import io.sockwatch.model.NodeStats;
import io.sockwatch.model.TcpState;
import io.sockwatch.model.Unavailable;
import io.sockwatch.model.snapshot.NamespaceSnapshot;
import io.sockwatch.model.snapshot.NodeScan;
import io.sockwatch.model.snapshot.Ownership;
import io.sockwatch.model.snapshot.Snapshot;
import io.sockwatch.model.snapshot.Summary;
import java.io.IOException;
import java.io.Writer;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Writes a snapshot as text for people: an {@code ss -tan}-like listing (with the owning process or
 * the reason there is none), then the summary, node counters and what could not be read. Rows are
 * formatted by {@link ListingRows}.
 */
public final class SnapshotTextWriter {

  /** Below this many rows one thread formats everything. */
  private static final int PARALLEL_THRESHOLD = 20_000;

  /** Rows per block handed to a formatting thread. */
  private static final int BLOCK = 4096;

  /** Formatted blocks waiting to be written, at most. */
  private static final int IN_FLIGHT = 6;

  private final Writer out;

  public SnapshotTextWriter(Writer out) {
    this.out = out;
  }

  /**
   * Writes the listing. Large tables are formatted in blocks on two threads while this one writes
   * finished blocks in order: formatting a row costs about a microsecond in a cold JVM, so a
   * 100k-socket listing spent as long formatting as reading the kernel table. At most {@value
   * #IN_FLIGHT} blocks wait at a time, so memory stays bounded at a million rows.
   */
  public void writeListing(Snapshot snap, boolean details) throws IOException {
    out.write(ListingRows.HEADER);
    int n = snap.sockets().size();
    if (n < PARALLEL_THRESHOLD) {
      ListingRows rows = new ListingRows(snap, details);
      rows.append(0, n);
      write(rows.row);
      return;
    }
    ThreadLocal<ListingRows> perThread =
        ThreadLocal.withInitial(() -> new ListingRows(snap, details));
    try (ExecutorService pool =
        Executors.newFixedThreadPool(2, Thread.ofPlatform().daemon().factory())) {
      ArrayDeque<Future<char[]>> pending = new ArrayDeque<>();
      for (int from = 0; from < n; from += BLOCK) {
        int start = from;
        int end = Math.min(n, from + BLOCK);
        pending.add(
            pool.submit(
                () -> {
                  ListingRows rows = perThread.get();
                  rows.row.setLength(0);
                  rows.append(start, end);
                  char[] chars = new char[rows.row.length()];
                  rows.row.getChars(0, chars.length, chars, 0);
                  return chars;
                }));
        if (pending.size() >= IN_FLIGHT) {
          writeBlock(pending.poll());
        }
      }
      while (!pending.isEmpty()) {
        writeBlock(pending.poll());
      }
    }
  }

  private void writeBlock(Future<char[]> block) throws IOException {
    try {
      char[] chars = block.get();
      out.write(chars, 0, chars.length);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while writing the listing", e);
    } catch (ExecutionException e) {
      throw new IllegalStateException("formatting the listing failed", e.getCause());
    }
  }

  private void write(StringBuilder sb) throws IOException {
    char[] chars = new char[sb.length()];
    sb.getChars(0, chars.length, chars, 0);
    out.write(chars, 0, chars.length);
  }

  public void writeSummary(Summary s) throws IOException {
    StringBuilder sb = new StringBuilder();
    sb.append("\nTotal: ").append(s.total()).append(" sockets\n");
    sb.append("By state:");
    for (Map.Entry<TcpState, Integer> e : s.byState().entrySet()) {
      sb.append(' ').append(e.getKey().ssName()).append(' ').append(e.getValue());
    }
    sb.append("\nBy owner:");
    for (Map.Entry<Ownership, Integer> e : s.byOwnership().entrySet()) {
      sb.append(' ').append(e.getKey().label()).append(' ').append(e.getValue());
    }
    sb.append('\n');
    groups(sb, "Top processes", s.topProcesses());
    groups(sb, "Top destinations (outbound)", s.topDestinations());
    groups(sb, "Top listeners (inbound connections)", s.topListeners());
    out.append(sb);
  }

  private static void groups(StringBuilder sb, String title, List<Summary.Group> groups) {
    if (groups.isEmpty()) {
      return;
    }
    sb.append('\n').append(title).append(":\n");
    for (Summary.Group g : groups) {
      sb.append(String.format("  %8d  %-40s", g.total(), g.key()));
      g.byState().forEach((k, v) -> sb.append(' ').append(k.ssName()).append(' ').append(v));
      sb.append('\n');
    }
  }

  /** A line above one namespace's listing. */
  public void writeNamespaceHeading(NamespaceSnapshot ns) throws IOException {
    NetworkNamespace n = ns.namespace();
    List<String> containers = ns.containers(2);
    out.append(
        String.format(
            Locale.ROOT,
            "%n== network namespace %s (inode %d, %d processes%s) ==%n",
            n.label(),
            n.inode(),
            n.processCount(),
            containers.isEmpty() ? "" : ", " + String.join(", ", containers)));
  }

  /**
   * One row per namespace read: its socket counts (sockets live in one namespace each, so the rows
   * add up to the node's total) and who runs in it.
   */
  public void writeNamespaces(NodeScan scan) throws IOException {
    StringBuilder sb = new StringBuilder();
    sb.append(
        String.format(
            Locale.ROOT,
            "%nNetwork namespaces: %d read%s; socket counts are per namespace%n",
            scan.namespaces().size(),
            scan.namespacesFailed() == 0
                ? ""
                : ", " + scan.namespacesFailed() + " not read (see Unavailable)"));
    sb.append(
        String.format(
            Locale.ROOT,
            "  %-24s %12s %6s %8s %7s %10s %11s %7s  %s%n",
            "NETNS",
            "INODE",
            "PROCS",
            "SOCKETS",
            "ESTAB",
            "TIME-WAIT",
            "CLOSE-WAIT",
            "LISTEN",
            "CONTAINERS"));
    for (NamespaceSnapshot ns : scan.namespaces()) {
      Map<TcpState, Integer> states = ns.snapshot().countsByState();
      List<String> containers = ns.containers(2);
      sb.append(
          String.format(
              Locale.ROOT,
              "  %-24s %12d %6d %8d %7d %10d %11d %7d  %s%n",
              ns.namespace().label(),
              ns.namespace().inode(),
              ns.namespace().processCount(),
              ns.snapshot().sockets().size(),
              states.getOrDefault(TcpState.ESTABLISHED, 0),
              states.getOrDefault(TcpState.TIME_WAIT, 0),
              states.getOrDefault(TcpState.CLOSE_WAIT, 0),
              states.getOrDefault(TcpState.LISTEN, 0),
              containers.isEmpty() ? "-" : String.join(", ", containers)));
    }
    sb.append(
        String.format(
            Locale.ROOT,
            "  %-24s %12s %6s %8d%n",
            "total",
            "",
            "",
            scan.merged().sockets().size()));
    out.append(sb);
  }

  public void writeNode(NodeStats n, boolean severalNamespaces) throws IOException {
    StringBuilder sb = new StringBuilder("\nNode counters:\n");
    if (severalNamespaces) {
      sb.append(
          "  (the host's view. Node-wide: sockstat TCP mem, orphan and alloc, tcp_mem,"
              + " tcp_max_orphans, nf_conntrack_max. Per namespace: sockstat inuse and tw, Tcp,"
              + " TcpExt, the port range and the other sysctls.)\n");
    }
    n.sockstat()
        .forEach(
            (section, fields) -> {
              sb.append("  sockstat ").append(section).append(':');
              fields.forEach((k, v) -> sb.append(' ').append(k).append(' ').append(v));
              sb.append('\n');
            });
    KernelTunables t = n.tunables();
    t.tcpMem()
        .ifPresent(
            m ->
                sb.append(
                    String.format(
                        "  tcp_mem (pages): min %d pressure %d max %d%n",
                        m.minPages(), m.pressurePages(), m.maxPages())));
    n.sockstat("TCP", "mem")
        .ifPresent(
            mem ->
                t.tcpMem()
                    .ifPresent(
                        m ->
                            sb.append(
                                String.format(
                                    "  TCP memory in use: %d pages (%.1f%% of tcp_mem max)%n",
                                    mem, 100.0 * mem / Math.max(1, m.maxPages())))));
    t.localPortRange()
        .ifPresent(
            r ->
                sb.append("  ip_local_port_range: ")
                    .append(r.low())
                    .append('-')
                    .append(r.high())
                    .append(" (")
                    .append(r.size())
                    .append(" ports)\n"));
    if (!t.reservedPorts().isEmpty()) {
      sb.append("  ip_local_reserved_ports:");
      t.reservedPorts()
          .forEach(
              r ->
                  sb.append(' ')
                      .append(r.low() == r.high() ? "" + r.low() : r.low() + "-" + r.high()));
      sb.append('\n');
    }
    sysctl(sb, "tcp_max_orphans", t.tcpMaxOrphans());
    sysctl(sb, "tcp_keepalive_time (s)", t.keepaliveTimeSeconds());
    sysctl(sb, "tcp_keepalive_intvl (s)", t.keepaliveIntervalSeconds());
    sysctl(sb, "tcp_keepalive_probes", t.keepaliveProbes());
    sysctl(sb, "tcp_fin_timeout (s)", t.finTimeoutSeconds());
    sysctl(sb, "tcp_tw_reuse", t.twReuse());
    sysctl(sb, "nf_conntrack_count", t.conntrackCount());
    sysctl(sb, "nf_conntrack_max", t.conntrackMax());
    Map<String, Long> tcp = n.snmp().get("Tcp");
    if (tcp != null) {
      sb.append("  Tcp:");
      tcp.forEach((k, v) -> sb.append(' ').append(k).append(' ').append(v));
      sb.append('\n');
    }
    Map<String, Long> ext = n.netstat().get("TcpExt");
    if (ext != null) {
      sb.append("  TcpExt (non-zero):");
      int col = 0;
      for (Map.Entry<String, Long> e : ext.entrySet()) {
        if (e.getValue() != 0) {
          sb.append(col++ % 4 == 0 ? "\n    " : "  ")
              .append(e.getKey())
              .append(' ')
              .append(e.getValue());
        }
      }
      sb.append('\n');
    }
    out.append(sb);
  }

  private static void sysctl(StringBuilder sb, String name, OptionalLong v) {
    v.ifPresent(x -> sb.append("  ").append(name).append(": ").append(x).append('\n'));
  }

  public void writeUnavailable(List<Unavailable> unavailable) throws IOException {
    if (unavailable.isEmpty()) {
      return;
    }
    StringBuilder sb = new StringBuilder("\nUnavailable:\n");
    for (Unavailable u : unavailable) {
      sb.append("  ").append(u.item()).append(": ").append(u.reason()).append('\n');
    }
    out.append(sb);
  }
}
