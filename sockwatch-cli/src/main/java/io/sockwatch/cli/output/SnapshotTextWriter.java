package io.sockwatch.cli.output;

import io.sockwatch.model.KernelTunables;
import io.sockwatch.model.NodeStats;
import io.sockwatch.model.SkMemInfo;
import io.sockwatch.model.SocketRecord;
import io.sockwatch.model.SocketTimer;
import io.sockwatch.model.TcpInfo;
import io.sockwatch.model.TcpInfoField;
import io.sockwatch.model.TcpState;
import io.sockwatch.model.Unavailable;
import io.sockwatch.process.ProcessInfo;
import io.sockwatch.snapshot.Ownership;
import io.sockwatch.snapshot.Snapshot;
import io.sockwatch.snapshot.Summary;
import java.io.IOException;
import java.io.Writer;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;

/**
 * Writes a snapshot as text for people: an {@code ss -tan}-like listing (with the owning process
 * or the reason there is none), then the summary, node counters and what could not be read.
 * Rows are built in one reused {@link StringBuilder} because a listing can have a million rows.
 */
public final class SnapshotTextWriter {

  private static final String HEADER =
      String.format("%-11s %7s %7s %-39s %-39s %s%n", "State", "Recv-Q", "Send-Q", "Local Address:Port", "Peer Address:Port", "Process");

  private final Writer out;
  private final StringBuilder row = new StringBuilder(160);

  public SnapshotTextWriter(Writer out) {
    this.out = out;
  }

  public void writeListing(Snapshot snap, boolean details) throws IOException {
    out.write(HEADER);
    for (SocketRecord s : snap.sockets()) {
      row.setLength(0);
      pad(row.append(s.state().ssName()), 11).append(' ');
      padLeft(queue(s.receiveQueue()), 7).append(' ');
      padLeft(queue(s.sendQueue()), 7).append(' ');
      int mark = row.length();
      SocketRecord.appendEndpoint(row, s.localAddress(), s.localPort());
      pad(row, mark + 39).append(' ');
      mark = row.length();
      SocketRecord.appendEndpoint(row, s.remoteAddress(), s.remotePort());
      pad(row, mark + 39).append(' ');
      appendOwner(snap, s);
      row.append('\n');
      if (details) {
        appendDetails(s);
      }
      out.append(row);
    }
  }

  /** A queue length, or "-" when the source did not report it (the /proc LISTEN backlog). */
  private static String queue(long v) {
    return v == SocketRecord.ABSENT ? "-" : Long.toString(v);
  }

  private void appendOwner(Snapshot snap, SocketRecord s) {
    Ownership o = snap.ownershipOf(s);
    if (o != Ownership.PROCESS) {
      if (o != Ownership.NOT_ATTRIBUTED) {
        row.append('-').append(o.label()).append('-');
      }
      return;
    }
    List<ProcessInfo> owners = snap.ownersOf(s);
    for (int i = 0; i < owners.size(); i++) {
      ProcessInfo p = owners.get(i);
      if (i > 0) {
        row.append(',');
      }
      row.append(p.comm()).append('(').append(p.pid()).append(')');
    }
  }

  /** A second, indented line in the spirit of {@code ss -tie}. */
  private void appendDetails(SocketRecord s) {
    row.append('\t');
    if (s.uid() != SocketRecord.ABSENT) {
      row.append(" uid:").append(s.uid());
    }
    row.append(" ino:").append(s.inode());
    if (s.cookie() != SocketRecord.ABSENT) {
      row.append(" sk:").append(Long.toHexString(s.cookie()));
    }
    if (s.timer() != SocketTimer.OFF) {
      row.append(" timer:(").append(s.timer().ssName()).append(',').append(s.timerExpiresMillis()).append("ms,")
          .append(s.timerRetransmits()).append(')');
    }
    if (!s.congestion().isEmpty()) {
      row.append(' ').append(s.congestion());
    }
    TcpInfo t = s.tcpInfo();
    if (t.isPresent()) {
      long rtt = t.get(TcpInfoField.RTT);
      long rttvar = t.get(TcpInfoField.RTTVAR);
      if (rtt != TcpInfo.ABSENT && rttvar != TcpInfo.ABSENT) {
        row.append(" rtt:").append(millis(rtt)).append('/').append(millis(rttvar));
      }
      field(t, TcpInfoField.RTO, " rto:", true);
      field(t, TcpInfoField.SND_MSS, " mss:", false);
      field(t, TcpInfoField.SND_CWND, " cwnd:", false);
      field(t, TcpInfoField.BYTES_SENT, " bytes_sent:", false);
      field(t, TcpInfoField.BYTES_ACKED, " bytes_acked:", false);
      field(t, TcpInfoField.BYTES_RECEIVED, " bytes_received:", false);
      long retrans = t.get(TcpInfoField.RETRANS);
      long total = t.get(TcpInfoField.TOTAL_RETRANS);
      if (retrans != TcpInfo.ABSENT && total != TcpInfo.ABSENT && total > 0) {
        row.append(" retrans:").append(retrans).append('/').append(total);
      }
      field(t, TcpInfoField.LAST_DATA_SENT, " lastsnd:", false);
      field(t, TcpInfoField.LAST_DATA_RECV, " lastrcv:", false);
      field(t, TcpInfoField.LAST_ACK_RECV, " lastack:", false);
      field(t, TcpInfoField.NOTSENT_BYTES, " notsent:", false);
      field(t, TcpInfoField.MIN_RTT, " minrtt:", true);
    }
    SkMemInfo m = s.skMem();
    if (m.isPresent()) {
      row.append(" skmem:(r").append(m.rmemAlloc()).append(",rb").append(m.rcvBuf()).append(",t").append(m.wmemAlloc())
          .append(",tb").append(m.sndBuf()).append(",f").append(m.fwdAlloc()).append(",w").append(m.wmemQueued())
          .append(",o").append(m.optMem()).append(",bl").append(m.backlog());
      if (m.drops() != TcpInfo.ABSENT) {
        row.append(",d").append(m.drops());
      }
      row.append(')');
    }
    row.append('\n');
  }

  private void field(TcpInfo t, TcpInfoField f, String label, boolean microsToMillis) {
    long v = t.get(f);
    if (v == TcpInfo.ABSENT) {
      return;
    }
    row.append(label);
    if (microsToMillis) {
      row.append(millis(v));
    } else {
      row.append(v);
    }
  }

  private static String millis(long micros) {
    return micros % 1000 == 0 ? Long.toString(micros / 1000) : Double.toString(micros / 1000.0);
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

  public void writeNode(NodeStats n) throws IOException {
    StringBuilder sb = new StringBuilder("\nNode counters:\n");
    n.sockstat().forEach((section, fields) -> {
      sb.append("  sockstat ").append(section).append(':');
      fields.forEach((k, v) -> sb.append(' ').append(k).append(' ').append(v));
      sb.append('\n');
    });
    KernelTunables t = n.tunables();
    t.tcpMem().ifPresent(m -> sb.append(String.format("  tcp_mem (pages): min %d pressure %d max %d%n", m.minPages(), m.pressurePages(), m.maxPages())));
    n.sockstat("TCP", "mem").ifPresent(mem -> t.tcpMem().ifPresent(m ->
        sb.append(String.format("  TCP memory in use: %d pages (%.1f%% of tcp_mem max)%n", mem, 100.0 * mem / Math.max(1, m.maxPages())))));
    t.localPortRange().ifPresent(r -> sb.append("  ip_local_port_range: ").append(r.low()).append('-').append(r.high())
        .append(" (").append(r.size()).append(" ports)\n"));
    if (!t.reservedPorts().isEmpty()) {
      sb.append("  ip_local_reserved_ports:");
      t.reservedPorts().forEach(r -> sb.append(' ').append(r.low() == r.high() ? "" + r.low() : r.low() + "-" + r.high()));
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
          sb.append(col++ % 4 == 0 ? "\n    " : "  ").append(e.getKey()).append(' ').append(e.getValue());
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

  private StringBuilder pad(StringBuilder sb, int width) {
    while (sb.length() < width) {
      sb.append(' ');
    }
    return sb;
  }

  private StringBuilder padLeft(String s, int width) {
    for (int i = s.length(); i < width; i++) {
      row.append(' ');
    }
    return row.append(s);
  }
}
